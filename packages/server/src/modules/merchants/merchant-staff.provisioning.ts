import type { Database, Sql } from '../../common/db/sql.js';
import type { Logger } from '../../app/logger.js';
import { hashPassword, hashTerminalKey, newTerminalKey } from './password.js';
import { merchantStaffRepository as repo } from './merchant-staff.repository.js';
import type { StaffRole } from './merchant-staff.entities.js';

/**
 * Registers a terminal for a merchant and returns its key, which is shown this once (only its hash
 * is stored). The admin API (a later issue) wraps this; the demo seed uses it with fixed keys.
 */
export async function registerTerminal(sql: Sql, t: { merchantId: number; code: string; name: string; key?: string }): Promise<{ id: number; key: string }> {
  const key = t.key ?? newTerminalKey();
  const id = await repo.insertTerminal(sql, { merchantId: t.merchantId, code: t.code.trim().toUpperCase(), name: t.name, keyHash: hashTerminalKey(key) });
  return { id, key };
}

/** Creates a staff account (username stored lower case, password hashed with scrypt). */
export async function createStaffAccount(
  sql: Sql,
  s: { merchantId: number; username: string; displayName: string; role: StaffRole; password?: string; passwordHash?: string },
): Promise<number> {
  const passwordHash = s.passwordHash ?? (await hashPassword(s.password ?? ''));
  return repo.insertStaff(sql, { merchantId: s.merchantId, username: s.username.trim().toLowerCase(), displayName: s.displayName, role: s.role, passwordHash });
}

/** Password of every demo staff account (dev and test only; docs/redemption.md). */
export const DEMO_STAFF_PASSWORD = 'demo1234';
/** Key of every demo terminal (dev and test only). */
export const DEMO_TERMINAL_KEY = 'demo-terminal-key';

/**
 * Seeds demo terminals and staff for the demo merchants, in dev and test mode only, once (when no
 * terminal exists yet): per merchant a terminal `<CODE>-T1`, a STAFF `<code>-staff` and a MANAGER
 * `<code>-manager`; TurboJET gets a second terminal `TURBOJET-T2`. Returns true if it seeded.
 */
export async function seedDemoStaffIfEmpty(db: Database, opts: { log: Logger }): Promise<boolean> {
  const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM terminal');
  if (row.n > 0) return false;
  const merchants = await db.query<{ id: number; code: string; name: string }>('SELECT id, code, name FROM merchant ORDER BY id');
  if (!merchants.length) return false;
  // One scrypt hash shared by the demo accounts (they share the password): keeps start-up fast.
  const passwordHash = await hashPassword(DEMO_STAFF_PASSWORD);
  const seeded = await db.tx(async (sql) => {
    // Two instances starting at once: the second waits here and then finds the terminals.
    await sql.query('LOCK TABLE terminal IN SHARE ROW EXCLUSIVE MODE');
    const [again] = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM terminal');
    if (again.n > 0) return false;
    for (const m of merchants) {
      const code = m.code.toUpperCase();
      const login = m.code.toLowerCase();
      await registerTerminal(sql, { merchantId: m.id, code: `${code}-T1`, name: `${m.name} 1号终端`, key: DEMO_TERMINAL_KEY });
      if (code === 'TURBOJET') await registerTerminal(sql, { merchantId: m.id, code: `${code}-T2`, name: `${m.name} 2号终端`, key: DEMO_TERMINAL_KEY });
      await createStaffAccount(sql, { merchantId: m.id, username: `${login}-staff`, displayName: `${m.name} 核销员`, role: 'STAFF', passwordHash });
      await createStaffAccount(sql, { merchantId: m.id, username: `${login}-manager`, displayName: `${m.name} 经理`, role: 'MANAGER', passwordHash });
    }
    return true;
  });
  if (seeded) opts.log.info('seeded demo terminals and staff');
  return seeded;
}
