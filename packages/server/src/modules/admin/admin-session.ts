import type { Sql } from '../../common/db/sql.js';
import { AppError } from '../../common/errors.js';
import type { Principal } from '../identity/auth.service.js';
import type { AdminSessionClaims } from '../identity/session-token.js';

/** Admin roles: ADMIN may change configuration, OPERATOR may only read. */
export type AdminRole = 'ADMIN' | 'OPERATOR';

/** A signed-in admin. */
export interface AdminPrincipal {
  kind: 'admin';
  adminId: number;
  username: string;
  role: AdminRole;
}

/** How long an admin token lasts. */
export const ADMIN_TOKEN_TTL_SECONDS = 12 * 3600;

/**
 * Turns admin token claims into a principal, re-reading the account on every request: a disabled
 * account, or a token older than the last password change, stops working at once.
 */
export async function resolveAdminPrincipal(sql: Sql, claims: AdminSessionClaims): Promise<AdminPrincipal> {
  const [row] = await sql.query<{ id: number; username: string; role: AdminRole; enabled: boolean; sessionVersion: number }>(
    `SELECT id, username, role, enabled, session_version AS "sessionVersion" FROM admin_user WHERE id = $1`,
    [claims.sub],
  );
  if (!row || !row.enabled || row.sessionVersion !== claims.sv) {
    throw new AppError('UNAUTHENTICATED', 'This admin session is no longer valid; please log in again');
  }
  return { kind: 'admin', adminId: row.id, username: row.username, role: row.role };
}

/**
 * Guards every admin operation: a signed-in admin, and for changes the ADMIN role.
 * Returns the principal for the audit log.
 */
export function requireAdmin(principal: Principal | null, access: 'read' | 'write'): AdminPrincipal {
  if (!principal) throw new AppError('UNAUTHENTICATED', 'Admin login required');
  if (principal.kind !== 'admin') throw new AppError('FORBIDDEN', 'Admins only');
  if (access === 'write' && principal.role !== 'ADMIN') throw new AppError('FORBIDDEN', 'This account may only read');
  return principal;
}
