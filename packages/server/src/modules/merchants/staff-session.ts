import type { Sql } from '../../common/db/sql.js';
import { AppError } from '../../common/errors.js';
import type { Principal } from '../identity/auth.service.js';
import type { StaffSessionClaims } from '../identity/session-token.js';
import type { StaffRole } from './merchant-staff.entities.js';

/** A staff member logged in on a terminal: the principal of a staff token. */
export interface StaffPrincipal {
  kind: 'staff';
  staffId: number;
  username: string;
  displayName: string;
  role: StaffRole;
  merchantId: number;
  merchantCode: string;
  merchantName: string;
  /** FERRY_OPERATOR, BUS_OPERATOR, ATTRACTION, SERVICE: ferry and bus gates pick the departure they board. */
  merchantKind: string;
  terminalId: number;
  terminalCode: string;
  terminalName: string;
}

/** How long a staff token lasts (one shift and some). */
export const STAFF_TOKEN_TTL_SECONDS = 12 * 3600;

/** One staff session as read from PostgreSQL. */
export interface SessionRow {
  staffId: number;
  username: string;
  displayName: string;
  role: StaffRole;
  staffEnabled: boolean;
  sessionVersion: number;
  merchantId: number;
  merchantCode: string;
  merchantName: string;
  merchantKind: string;
  merchantEnabled: boolean;
  terminalId: number;
  terminalCode: string;
  terminalName: string;
  terminalEnabled: boolean;
  terminalMerchantId: number;
}

/** The staff account, its merchant and the token's terminal, read together. */
const SESSION_COLUMNS = `s.id AS "staffId", s.username, s.display_name AS "displayName", s.role, s.enabled AS "staffEnabled",
            s.session_version AS "sessionVersion", m.id AS "merchantId", m.code AS "merchantCode", m.name AS "merchantName",
            m.kind AS "merchantKind", m.enabled AS "merchantEnabled", t.id AS "terminalId", t.code AS "terminalCode", t.name AS "terminalName",
            t.enabled AS "terminalEnabled", t.merchant_id AS "terminalMerchantId"`;

/**
 * The session rows of several tokens in one statement (null where the staff or terminal is gone),
 * one per claim, in order: concurrent staff requests share it (`concurrentReads` in AuthService).
 */
export async function staffSessionRows(sql: Sql, claims: readonly StaffSessionClaims[]): Promise<Array<SessionRow | null>> {
  const rows = await sql.query<SessionRow & { n: number }>(
    `SELECT k.n, ${SESSION_COLUMNS}
       FROM unnest($1::int[], $2::int[]) WITH ORDINALITY AS k(staff_id, terminal_id, n)
       JOIN merchant_staff s ON s.id = k.staff_id JOIN merchant m ON m.id = s.merchant_id JOIN terminal t ON t.id = k.terminal_id`,
    [claims.map((c) => c.sub), claims.map((c) => c.tid)],
  );
  const byPosition = new Map(rows.map((r) => [Number(r.n), r]));
  return claims.map((_, i) => byPosition.get(i + 1) ?? null);
}

/**
 * Turns verified staff token claims and their session row (read on every request, see
 * `staffSessionRows`) into a principal: a disabled account, terminal or merchant, or a token older
 * than the last password reset, is refused at once, on every instance.
 */
export function staffPrincipalOf(row: SessionRow | null, claims: StaffSessionClaims): StaffPrincipal {
  if (!row || row.merchantId !== claims.mid || row.terminalMerchantId !== claims.mid || row.sessionVersion !== claims.sv) {
    throw new AppError('UNAUTHENTICATED', 'This staff session is no longer valid; please log in again');
  }
  assertEnabled(row);
  return {
    kind: 'staff', staffId: row.staffId, username: row.username, displayName: row.displayName, role: row.role,
    merchantId: row.merchantId, merchantCode: row.merchantCode, merchantName: row.merchantName, merchantKind: row.merchantKind,
    terminalId: row.terminalId, terminalCode: row.terminalCode, terminalName: row.terminalName,
  };
}

/** Throws the coded refusal for a disabled merchant, staff account or terminal (login and every request). */
export function assertEnabled(row: { merchantEnabled: boolean; staffEnabled: boolean; terminalEnabled: boolean; terminalCode?: string }): void {
  if (!row.merchantEnabled) throw new AppError('MERCHANT_DISABLED', 'This merchant is disabled');
  if (!row.staffEnabled) throw new AppError('STAFF_DISABLED', 'This staff account is disabled; ask your manager');
  if (!row.terminalEnabled) throw new AppError('TERMINAL_DISABLED', row.terminalCode ? `Terminal ${row.terminalCode} is disabled` : 'This terminal is disabled');
}

/** The staff principal, or UNAUTHENTICATED (no token) / FORBIDDEN (a traveller's token). */
export function requireStaff(principal: Principal | null): StaffPrincipal {
  if (!principal) throw new AppError('UNAUTHENTICATED', 'Log in on a terminal first');
  if (principal.kind !== 'staff') throw new AppError('FORBIDDEN', 'Only merchant staff can do this');
  return principal;
}

/** The staff principal of a MANAGER, else FORBIDDEN. */
export function requireManager(principal: Principal | null): StaffPrincipal {
  const staff = requireStaff(principal);
  if (staff.role !== 'MANAGER') throw new AppError('FORBIDDEN', 'Only a merchant manager can do this');
  return staff;
}

/**
 * Re-reads whether a principal's merchant, account and terminal are still enabled (for long-lived
 * connections such as a live feed, which authenticated once at subscribe time).
 */
export async function recheckStaff(sql: Sql, staff: StaffPrincipal): Promise<void> {
  const [row] = await sql.query<{ merchantEnabled: boolean; staffEnabled: boolean; terminalEnabled: boolean }>(
    `SELECT m.enabled AS "merchantEnabled", s.enabled AS "staffEnabled", t.enabled AS "terminalEnabled"
       FROM merchant_staff s JOIN merchant m ON m.id = s.merchant_id JOIN terminal t ON t.id = $2 WHERE s.id = $1`,
    [staff.staffId, staff.terminalId],
  );
  if (!row) throw new AppError('UNAUTHENTICATED', 'This staff session is no longer valid; please log in again');
  assertEnabled({ ...row, terminalCode: staff.terminalCode });
}
