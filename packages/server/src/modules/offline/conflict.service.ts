import type { RequestContext } from '../../app/context.js';
import { AppError } from '../../common/errors.js';
import { recordTransition } from '../../common/outbox/state-history.js';
import { requireAdmin } from '../admin/admin-session.js';
import { requireReason, writeAudit } from '../admin/audit.js';
import { requireManager } from '../merchants/staff-session.js';
import { offlineRepository as repo, type ConflictRow } from './offline.repository.js';

/** Offline conflicts for the merchant's managers: see them, resolve them with a note (history written). */
export class RedemptionConflictService {
  list(ctx: RequestContext, status: 'OPEN' | 'RESOLVED' | null, limit = 100): Promise<ConflictRow[]> {
    const manager = requireManager(ctx.principal);
    return repo.conflicts(ctx.app.db, manager.merchantId, status, Math.min(Math.max(limit, 1), 500));
  }

  async resolve(ctx: RequestContext, id: number, note: string): Promise<ConflictRow> {
    const manager = requireManager(ctx.principal);
    const text = String(note ?? '').trim().slice(0, 1000);
    if (!text) throw new AppError('BAD_USER_INPUT', 'Say how it was resolved', { field: 'note' });
    const now = ctx.app.clock.now();
    await ctx.app.db.tx(async (sql) => {
      const done = await repo.resolveConflict(sql, manager.merchantId, id, text, manager.username, now);
      if (!done) throw new AppError('NOT_FOUND', `No open conflict ${id}`);
      await recordTransition(sql, { entityType: 'redemption_conflict', entityId: id, from: 'OPEN', to: 'RESOLVED', actor: `staff:${manager.staffId}`, reason: text.slice(0, 200), at: now });
    });
    const rows = await repo.conflicts(ctx.app.db, manager.merchantId, null, 500);
    const row = rows.find((r) => r.id === id);
    if (!row) throw new AppError('NOT_FOUND', `No conflict ${id}`);
    return row;
  }

  /**
   * An operator resolves any merchant's open conflict with a reason (ADMIN role): the same history
   * row as a manager's, plus an audit row. Resolving one already resolved is refused (INVALID_TRANSITION).
   */
  async adminResolve(ctx: RequestContext, id: number, reason: string): Promise<ConflictRow> {
    const admin = requireAdmin(ctx.principal, 'write');
    const text = requireReason(reason);
    const now = ctx.app.clock.now();
    const merchantId = await ctx.app.db.tx(async (sql) => {
      const [cur] = await sql.query<{ merchantId: number; status: string; reason: string }>(
        'SELECT merchant_id AS "merchantId", status, reason FROM redemption_conflict WHERE id = $1 FOR UPDATE',
        [id],
      );
      if (!cur) throw new AppError('NOT_FOUND', `No conflict ${id}`);
      if (cur.status !== 'OPEN') throw new AppError('INVALID_TRANSITION', `Conflict ${id} is ${cur.status}`, { status: cur.status });
      await repo.resolveConflict(sql, cur.merchantId, id, text, `admin:${admin.username}`, now);
      await recordTransition(sql, { entityType: 'redemption_conflict', entityId: id, from: 'OPEN', to: 'RESOLVED', actor: `admin:${admin.username}`, reason: text.slice(0, 200), at: now });
      await writeAudit(sql, admin, 'redemption_conflict.resolve', 'redemption_conflict', id, { status: 'OPEN', reason: cur.reason }, { status: 'RESOLVED', resolutionNote: text });
      return cur.merchantId;
    });
    const row = (await repo.conflicts(ctx.app.db, merchantId, null, 500)).find((r) => r.id === id);
    if (!row) throw new AppError('NOT_FOUND', `No conflict ${id}`);
    return row;
  }
}
