import { announceOrderUpdate } from './order-updates.js';
import type { RequestContext } from '../../app/context.js';
import type { TxSql } from '../../common/db/sql.js';
import { recordTransition } from '../../common/outbox/state-history.js';
import { orderRepository } from './order.repository.js';

/** Ticket states after which nothing more happens to a ticket. */
export const FINAL_TICKET_STATES = ['REDEEMED', 'REFUNDED', 'CHANGED', 'EXPIRED'] as const;

/** Outbox topic when an order is complete (notified only if admins turned it on). */
export const ORDER_COMPLETED_EVENT = 'order.completed';

/**
 * The order follows its tickets: when every ticket of a PAID order is final, the order becomes
 * COMPLETED, or CANCELLED (reason REFUNDED) when every ticket was refunded. Call it in the
 * transaction that made a ticket final; it locks the order row.
 */
export async function settleOrderIfFinal(ctx: RequestContext, sql: TxSql, orderId: number, actor: string): Promise<'COMPLETED' | 'CANCELLED' | null> {
  const order = await orderRepository.byId(sql, orderId, true);
  if (!order || order.status !== 'PAID') return null;
  const rows = await sql.query<{ status: string }>('SELECT status FROM ticket WHERE order_id = $1', [orderId]);
  if (!rows.length || !rows.every((r) => (FINAL_TICKET_STATES as readonly string[]).includes(r.status))) return null;
  const now = ctx.app.clock.now();
  const allRefunded = rows.every((r) => r.status === 'REFUNDED');
  const to = allRefunded ? 'CANCELLED' : 'COMPLETED';
  if (!(await orderRepository.transition(sql, orderId, 'PAID', to, { now, cancelReason: allRefunded ? 'REFUNDED' : undefined }))) return null;
  await recordTransition(sql, { entityType: 'order', entityId: orderId, from: 'PAID', to, actor, reason: allRefunded ? 'REFUNDED' : 'ALL_TICKETS_FINAL', at: now });
  announceOrderUpdate(ctx, sql, orderId);
  await ctx.app.outbox.add(sql, allRefunded ? 'order.cancelled' : ORDER_COMPLETED_EVENT, {
    orderId, travellerId: order.travellerId, ...(allRefunded ? { reason: 'REFUNDED' } : {}),
  });
  return to;
}
