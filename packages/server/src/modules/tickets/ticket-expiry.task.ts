import { announceOrderUpdate } from '../orders/order-updates.js';
import type { App } from '../../app/app.js';
import { createSystemContext, type RequestContext } from '../../app/context.js';
import { settleOrderIfFinal } from '../orders/order-completion.js';

export const TICKET_JOBS = { expire: 'ticket-expiry' } as const;

/**
 * Marks ACTIVE tickets past their validity EXPIRED (unused lines of a pass included), in batches,
 * and settles their orders. Returns how many tickets expired.
 */
export async function expireTickets(ctx: RequestContext, batchSize = 500): Promise<number> {
  let total = 0;
  for (;;) {
    // n = orders handled in this batch; a full batch means there may be more.
    const n = await ctx.app.db.tx(async (sql) => {
      const now = ctx.app.clock.now();
      // Orders first, then their tickets: the lock order of refunds and changes (no deadlocks).
      const orders = await sql.query<{ id: number }>(
        `SELECT id FROM orders WHERE id IN (SELECT DISTINCT order_id FROM ticket WHERE status = 'ACTIVE' AND valid_until <= $1 LIMIT $2)
          ORDER BY id FOR UPDATE SKIP LOCKED`,
        [now, batchSize],
      );
      if (!orders.length) return 0;
      const rows = await sql.query<{ id: number; orderId: number; travellerId: number; code: string }>(
        `UPDATE ticket t SET status = 'EXPIRED', updated_at = $1
          WHERE t.order_id = ANY($2::int[]) AND t.status = 'ACTIVE' AND t.valid_until <= $1
          RETURNING t.id, t.order_id AS "orderId", t.code, (SELECT traveller_id FROM orders o WHERE o.id = t.order_id) AS "travellerId"`,
        [now, orders.map((o) => o.id)],
      );
      if (rows.length) {
        await sql.query(
          `INSERT INTO state_transition (entity_type, entity_id, from_state, to_state, actor, reason, at)
           SELECT 'ticket', id, 'ACTIVE', 'EXPIRED', 'job:ticket-expiry', 'VALIDITY_ENDED', $2 FROM unnest($1::int[]) AS id`,
          [rows.map((r) => r.id), now],
        );
      }
      for (const r of rows) await ctx.app.outbox.add(sql, 'ticket.expired', { ticketId: r.id, code: r.code, orderId: r.orderId, travellerId: r.travellerId });
      for (const orderId of new Set(rows.map((r) => r.orderId))) {
        announceOrderUpdate(ctx, sql, orderId);
        await settleOrderIfFinal(ctx, sql, orderId, 'job:ticket-expiry');
      }
      total += rows.length;
      return orders.length;
    });
    if (n < batchSize) return total;
  }
}

/** Every 5 minutes: expire tickets past their validity. */
export function registerTicketJobs(app: App): void {
  app.scheduler.register({
    name: TICKET_JOBS.expire,
    cron: '0 */5 * * * *',
    timeoutMs: 300_000,
    run: async () => ({ expired: await expireTickets(createSystemContext(app, TICKET_JOBS.expire)) }),
  });
}
