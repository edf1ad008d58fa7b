import type { RequestContext } from '../../app/context.js';
import { enforceRateLimit } from '../../common/rate-limit.js';
import type { Database } from '../../common/db/sql.js';
import { AppError } from '../../common/errors.js';
import type { Logger } from '../../app/logger.js';
import { dummyPasswordHash, hashPassword, verifyPassword } from '../merchants/password.js';
import { ADMIN_TOKEN_TTL_SECONDS, requireAdmin, type AdminRole } from './admin-session.js';
import { requireReason, writeAudit } from './audit.js';

/** Admin accounts: login, creation, and the bootstrap admin. */
export class AdminAccountService {
  async login(ctx: RequestContext, username: string, password: string): Promise<{ token: string; expiresAt: Date; role: AdminRole; username: string }> {
    await enforceRateLimit(ctx, 'login', `admin:${username.trim().toLowerCase()}`);
    const [row] = await ctx.app.db.query<{ id: number; username: string; passwordHash: string; role: AdminRole; enabled: boolean; sessionVersion: number }>(
      `SELECT id, username, password_hash AS "passwordHash", role, enabled, session_version AS "sessionVersion" FROM admin_user WHERE username = $1`,
      [username.trim().toLowerCase()],
    );
    const ok = await verifyPassword(password, row?.passwordHash ?? (await dummyPasswordHash()));
    if (!row || !ok || !row.enabled) throw new AppError('UNAUTHENTICATED', 'Wrong username or password');
    const { token, expiresAt } = ctx.app.services.auth.issueAdminToken(row.id, row.sessionVersion, ADMIN_TOKEN_TTL_SECONDS);
    return { token, expiresAt, role: row.role, username: row.username };
  }

  /** Creates an admin account (ADMIN only). */
  async create(ctx: RequestContext, input: { username: string; password: string; role: AdminRole }): Promise<{ id: number; username: string; role: AdminRole }> {
    const me = requireAdmin(ctx.principal, 'write');
    const account = await createAdminAccount(ctx.app.db, input);
    await writeAudit(ctx.app.db, me, 'create', 'admin_user', account.id, null, { username: account.username, role: account.role });
    return account;
  }

  /**
   * Changes an account (ADMIN only, with a reason, audited): enable or disable it, change its role,
   * or set a new password. Any change ends the account's open sessions (session version). Nobody can
   * disable or demote their own account, and the last enabled ADMIN stays an enabled ADMIN, so the
   * back office can never be locked out.
   */
  async update(
    ctx: RequestContext,
    id: number,
    input: { enabled?: boolean | null; role?: string | null; password?: string | null },
    reason: string,
  ): Promise<{ id: number; username: string; role: AdminRole; enabled: boolean; createdAt: Date }> {
    const me = requireAdmin(ctx.principal, 'write');
    const why = requireReason(reason);
    if (input.role != null && input.role !== 'ADMIN' && input.role !== 'OPERATOR') throw new AppError('VALIDATION_FAILED', 'Role: ADMIN or OPERATOR', { field: 'role' });
    if (input.password != null && input.password.length < 10) throw new AppError('VALIDATION_FAILED', 'Password: at least 10 characters', { field: 'password' });
    if (input.enabled == null && input.role == null && input.password == null) throw new AppError('BAD_USER_INPUT', 'Nothing to change', { field: 'enabled' });
    if (id === me.adminId && (input.enabled === false || input.role === 'OPERATOR')) {
      throw new AppError('VALIDATION_FAILED', 'You cannot disable or demote your own account', { field: input.enabled === false ? 'enabled' : 'role' });
    }
    const hash = input.password != null ? await hashPassword(input.password) : null;
    return ctx.app.db.tx(async (sql) => {
      // Every enabled ADMIN row is locked first (in id order), so two operators demoting the last
      // two admins at once cannot both succeed.
      const admins = await sql.query<{ id: number }>(`SELECT id FROM admin_user WHERE role = 'ADMIN' AND enabled ORDER BY id FOR UPDATE`);
      const [cur] = await sql.query<{ id: number; username: string; role: AdminRole; enabled: boolean }>(
        'SELECT id, username, role, enabled FROM admin_user WHERE id = $1 FOR UPDATE',
        [id],
      );
      if (!cur) throw new AppError('NOT_FOUND', `No admin account ${id}`);
      const next = { enabled: input.enabled ?? cur.enabled, role: (input.role as AdminRole | null) ?? cur.role };
      const stillAdmin = next.enabled && next.role === 'ADMIN';
      if (admins.some((a) => a.id === id) && !stillAdmin && admins.length <= 1) {
        throw new AppError('VALIDATION_FAILED', 'This is the last enabled ADMIN account', { field: input.enabled === false ? 'enabled' : 'role' });
      }
      const [row] = await sql.query<{ id: number; username: string; role: AdminRole; enabled: boolean; createdAt: Date }>(
        `UPDATE admin_user SET enabled = $2, role = $3, password_hash = COALESCE($4, password_hash), session_version = session_version + 1, updated_at = now()
          WHERE id = $1 RETURNING id, username, role, enabled, created_at AS "createdAt"`,
        [id, next.enabled, next.role, hash],
      );
      // The audit keeps what changed and why, never a password or its hash.
      await writeAudit(
        sql,
        me,
        'admin_user.update',
        'admin_user',
        id,
        { enabled: cur.enabled, role: cur.role },
        { enabled: row.enabled, role: row.role, ...(hash ? { passwordReset: true } : {}), reason: why },
      );
      return row;
    });
  }
}

/** Creates an admin account after checking the input (used by the API, the CLI and the bootstrap). */
export async function createAdminAccount(db: Database, input: { username: string; password: string; role: AdminRole }) {
  const username = input.username.trim().toLowerCase();
  if (!/^[a-z0-9_.-]{3,40}$/.test(username)) throw new AppError('VALIDATION_FAILED', 'Username: 3–40 letters, digits, _ . -', { field: 'username' });
  if (input.password.length < 10) throw new AppError('VALIDATION_FAILED', 'Password: at least 10 characters', { field: 'password' });
  if (input.role !== 'ADMIN' && input.role !== 'OPERATOR') throw new AppError('VALIDATION_FAILED', 'Role: ADMIN or OPERATOR', { field: 'role' });
  const hash = await hashPassword(input.password);
  const rows = await db.query<{ id: number }>(
    `INSERT INTO admin_user (username, password_hash, role) VALUES ($1, $2, $3) ON CONFLICT (username) DO NOTHING RETURNING id`,
    [username, hash, input.role],
  );
  if (!rows.length) throw new AppError('VALIDATION_FAILED', 'That username is taken', { field: 'username' });
  return { id: rows[0].id, username, role: input.role };
}

/**
 * The first admin: from ADMIN_BOOTSTRAP_USERNAME / ADMIN_BOOTSTRAP_PASSWORD when no admin exists yet;
 * in dev and test only, a demo admin `admin` / `admin12345` (never in production).
 */
export async function bootstrapAdmin(db: Database, opts: { username?: string; password?: string; devMode: boolean; log: Logger }): Promise<void> {
  const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM admin_user');
  if (n > 0) return;
  try {
    await createBootstrapAccounts(db, opts);
  } catch (err) {
    // Another instance starting at the same moment created them first: nothing to do.
    if ((err as { code?: string }).code === 'VALIDATION_FAILED') return;
    throw err;
  }
}

async function createBootstrapAccounts(db: Database, opts: { username?: string; password?: string; devMode: boolean; log: Logger }): Promise<void> {
  if (opts.username && opts.password) {
    await createAdminAccount(db, { username: opts.username, password: opts.password, role: 'ADMIN' });
    opts.log.info({ username: opts.username }, 'bootstrap admin created');
  } else if (opts.devMode) {
    await createAdminAccount(db, { username: 'admin', password: 'admin12345', role: 'ADMIN' });
    await createAdminAccount(db, { username: 'operator', password: 'operator12345', role: 'OPERATOR' });
    opts.log.info('dev mode: demo admin "admin" / "admin12345" and read-only "operator" / "operator12345"');
  } else {
    opts.log.warn('no admin account: set ADMIN_BOOTSTRAP_USERNAME and ADMIN_BOOTSTRAP_PASSWORD, or run pnpm admin:create');
  }
}
