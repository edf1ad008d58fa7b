import type { Sql } from '../../common/db/sql.js';
import type { StaffRole } from './merchant-staff.entities.js';

/** A staff account as login and managers see it. */
export interface StaffRecord {
  id: number;
  merchantId: number;
  username: string;
  displayName: string;
  role: StaffRole;
  passwordHash: string;
  enabled: boolean;
  sessionVersion: number;
  failedLogins: number;
  lockedUntil: Date | null;
  lastLoginAt: Date | null;
}

/** A terminal with its merchant's state. */
export interface TerminalRecord {
  id: number;
  merchantId: number;
  code: string;
  name: string;
  keyHash: string;
  enabled: boolean;
  merchantEnabled: boolean;
  merchantCode: string;
  merchantKind: string;
  merchantName: string;
}

const STAFF_COLUMNS = `id, merchant_id AS "merchantId", username, display_name AS "displayName", role, password_hash AS "passwordHash",
  enabled, session_version AS "sessionVersion", failed_logins AS "failedLogins", locked_until AS "lockedUntil", last_login_at AS "lastLoginAt"`;

const TERMINAL_SELECT = `SELECT t.id, t.merchant_id AS "merchantId", t.code, t.name, t.key_hash AS "keyHash", t.enabled,
  m.enabled AS "merchantEnabled", m.code AS "merchantCode", m.kind AS "merchantKind", m.name AS "merchantName"
  FROM terminal t JOIN merchant m ON m.id = t.merchant_id`;

/** Failed logins in a row that lock an account, and for how long. */
export const LOGIN_LOCK = { attempts: 5, minutes: 15 } as const;

/** The merchants module's SQL (terminals and staff). */
export const merchantStaffRepository = {
  async staffByUsername(sql: Sql, username: string): Promise<StaffRecord | null> {
    const rows = await sql.query<StaffRecord>(`SELECT ${STAFF_COLUMNS} FROM merchant_staff WHERE username = $1`, [username]);
    return rows[0] ?? null;
  },

  async staffById(sql: Sql, id: number, forUpdate = false): Promise<StaffRecord | null> {
    const rows = await sql.query<StaffRecord>(`SELECT ${STAFF_COLUMNS} FROM merchant_staff WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
    return rows[0] ?? null;
  },

  staffOfMerchant(sql: Sql, merchantId: number): Promise<StaffRecord[]> {
    return sql.query<StaffRecord>(`SELECT ${STAFF_COLUMNS} FROM merchant_staff WHERE merchant_id = $1 ORDER BY id`, [merchantId]);
  },

  async terminalByCode(sql: Sql, code: string): Promise<TerminalRecord | null> {
    const rows = await sql.query<TerminalRecord>(`${TERMINAL_SELECT} WHERE t.code = $1`, [code]);
    return rows[0] ?? null;
  },

  async terminalById(sql: Sql, id: number, forUpdate = false): Promise<TerminalRecord | null> {
    const rows = await sql.query<TerminalRecord>(`${TERMINAL_SELECT} WHERE t.id = $1${forUpdate ? ' FOR UPDATE OF t' : ''}`, [id]);
    return rows[0] ?? null;
  },

  terminalsOfMerchant(sql: Sql, merchantId: number): Promise<TerminalRecord[]> {
    return sql.query<TerminalRecord>(`${TERMINAL_SELECT} WHERE t.merchant_id = $1 ORDER BY t.code`, [merchantId]);
  },

  /** Counts a failed login in one statement; the fifth in a row locks the account until `lockUntil`. */
  async recordFailedLogin(sql: Sql, staffId: number, lockUntil: Date): Promise<void> {
    await sql.query(
      `UPDATE merchant_staff
          SET failed_logins = CASE WHEN failed_logins + 1 >= $3 THEN 0 ELSE failed_logins + 1 END,
              locked_until = CASE WHEN failed_logins + 1 >= $3 THEN $2 ELSE locked_until END
        WHERE id = $1`,
      [staffId, lockUntil, LOGIN_LOCK.attempts],
    );
  },

  async recordLogin(sql: Sql, staffId: number, now: Date): Promise<void> {
    await sql.query('UPDATE merchant_staff SET failed_logins = 0, locked_until = NULL, last_login_at = $2 WHERE id = $1', [staffId, now]);
  },

  async setStaffEnabled(sql: Sql, staffId: number, enabled: boolean, now: Date): Promise<boolean> {
    const rows = await sql.query('UPDATE merchant_staff SET enabled = $2, updated_at = $3 WHERE id = $1 AND enabled <> $2 RETURNING id', [staffId, enabled, now]);
    return rows.length > 0;
  },

  async setTerminalEnabled(sql: Sql, terminalId: number, enabled: boolean, now: Date): Promise<boolean> {
    const rows = await sql.query('UPDATE terminal SET enabled = $2, updated_at = $3 WHERE id = $1 AND enabled <> $2 RETURNING id', [terminalId, enabled, now]);
    return rows.length > 0;
  },

  /** Sets a new password hash and bumps the session version (every older token stops working). */
  async setPassword(sql: Sql, staffId: number, passwordHash: string, now: Date): Promise<void> {
    await sql.query(
      'UPDATE merchant_staff SET password_hash = $2, session_version = session_version + 1, failed_logins = 0, locked_until = NULL, updated_at = $3 WHERE id = $1',
      [staffId, passwordHash, now],
    );
  },

  async insertTerminal(sql: Sql, t: { merchantId: number; code: string; name: string; keyHash: string }): Promise<number> {
    const [row] = await sql.query<{ id: number }>(
      'INSERT INTO terminal (merchant_id, code, name, key_hash) VALUES ($1, $2, $3, $4) RETURNING id',
      [t.merchantId, t.code, t.name, t.keyHash],
    );
    return row.id;
  },

  async insertStaff(sql: Sql, s: { merchantId: number; username: string; displayName: string; role: StaffRole; passwordHash: string }): Promise<number> {
    const [row] = await sql.query<{ id: number }>(
      'INSERT INTO merchant_staff (merchant_id, username, display_name, role, password_hash) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [s.merchantId, s.username, s.displayName, s.role, s.passwordHash],
    );
    return row.id;
  },
};
