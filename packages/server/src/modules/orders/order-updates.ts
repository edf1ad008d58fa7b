import type { RequestContext } from '../../app/context.js';
import type { TxSql } from '../../common/db/sql.js';

/** Orders already announced by a transaction: one publish per order and commit, however many changes. */
const announced = new WeakMap<TxSql, Set<number>>();

/**
 * Tells the owner's live order page (`myOrderUpdated`) that an order changed: published on the app's
 * pub/sub (Redis across instances) after `sql` commits, so nothing is announced that was rolled back.
 * Called wherever an order or one of its tickets, refunds or ticket lines changes state: paid and
 * tickets issued, cancelled, completed, a refund requested or settled, a ticket changed or redeemed,
 * one line of a pass used.
 */
export function announceOrderUpdate(ctx: RequestContext, sql: TxSql, orderId: number): void {
  let set = announced.get(sql);
  if (!set) announced.set(sql, (set = new Set()));
  if (set.has(orderId)) return;
  set.add(orderId);
  sql.afterCommit(() => ctx.app.pubsub.publish('ORDER_UPDATED', orderId, { orderId }));
}
