import type { TicketStatus } from '@deeptravel/shared';
import type { RequestContext } from '../../app/context.js';
import type { TxSql } from '../../common/db/sql.js';
import { AppError } from '../../common/errors.js';
import { canTransition, recordTransition } from '../../common/outbox/state-history.js';
import { announceOrderUpdate } from '../orders/order-updates.js';
import { TICKET_TRANSITIONS } from './ticket-state.js';

/**
 * Moves tickets along the lifecycle table, all or none: each must currently be in a state from
 * which `to` is allowed, else INVALID_TRANSITION (e.g. refunding a REDEEMED ticket). Writes history.
 */
export async function transitionTickets(
  ctx: RequestContext,
  sql: TxSql,
  tickets: Array<{ id: number; status: TicketStatus; code?: string }>,
  to: TicketStatus,
  actor: string,
  reason?: string,
): Promise<void> {
  for (const t of tickets) {
    if (!canTransition(TICKET_TRANSITIONS, t.status, to)) {
      throw new AppError('INVALID_TRANSITION', `Ticket ${t.code ?? t.id} is ${t.status} and cannot become ${to}`, { ticket: t.code ?? t.id, status: t.status, to });
    }
  }
  const now = ctx.app.clock.now();
  for (const t of tickets) {
    const rows = await sql.query<{ orderId: number }>(
      'UPDATE ticket SET status = $3, updated_at = $4 WHERE id = $1 AND status = $2 RETURNING order_id AS "orderId"',
      [t.id, t.status, to, now],
    );
    if (!rows.length) throw new AppError('INVALID_TRANSITION', `Ticket ${t.code ?? t.id} changed meanwhile`, { ticket: t.code ?? t.id });
    announceOrderUpdate(ctx, sql, rows[0].orderId);
    await recordTransition(sql, { entityType: 'ticket', entityId: t.id, from: t.status, to, actor, reason, at: now });
  }
}
