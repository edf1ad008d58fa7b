import type { Sql } from '../../common/db/sql.js';
import { AppError } from '../../common/errors.js';
import type { AdminPrincipal } from './admin-session.js';

/** Writes one audit row in the caller's transaction: who did what to which thing, before and after. */
export async function writeAudit(
  sql: Sql,
  admin: AdminPrincipal | { adminId: null; username: string },
  action: string,
  entityType: string,
  entityId: string | number | null,
  before: unknown,
  after: unknown,
): Promise<void> {
  await sql.query(
    `INSERT INTO admin_audit (admin_id, actor, action, entity_type, entity_id, before, after, at) VALUES ($1, $2, $3, $4, $5, $6, $7, now())`,
    [admin.adminId, admin.username, action, entityType, entityId === null ? null : String(entityId), JSON.stringify(before ?? null), JSON.stringify(after ?? null)],
  );
}

/** An operator action's reason: required, trimmed, at most 500 characters (`BAD_USER_INPUT` on `reason` otherwise). */
export function requireReason(reason: string | null | undefined): string {
  const text = String(reason ?? '').trim();
  if (!text) throw new AppError('BAD_USER_INPUT', 'Give a reason for this action', { field: 'reason' });
  return text.slice(0, 500);
}
