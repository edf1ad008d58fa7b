import { addDays, localDateOf, startOfLocalDate } from '@deeptravel/shared';
import type { RequestContext } from '../../app/context.js';
import type { Sql } from '../../common/db/sql.js';
import { requireAdmin } from './admin-session.js';

/** Numbers for the admin dashboard (US-010 F): what the business is doing, over a date range. */
export interface AdminMetrics {
  from: string;
  to: string;
  generatedAt: Date;
  ordersByStatus: Array<{ key: string; count: number }>;
  ticketsByStatus: Array<{ key: string; count: number }>;
  salesByDay: Array<{ date: string; orders: number; amount: number }>;
  refundsByDay: Array<{ date: string; count: number; amount: number }>;
  salesByProduct: Array<{ productId: number; name: string; orders: number; amount: number }>;
  redemptionsByMerchant: Array<{ merchantId: number; name: string; count: number }>;
  conversion: { created: number; paid: number; expired: number; cancelled: number; rate: number };
  outbox: { pending: number; dead: number; oldestPendingSeconds: number | null };
  notifications: Array<{ key: string; count: number }>;
  paymentAnomalies: number;
  reconciliationDifferences: number;
}

/** Counts grouped by a column; the counts are cheap aggregate queries on indexed tables. */
async function countBy(sql: Sql, query: string, params: unknown[] = []): Promise<Array<{ key: string; count: number }>> {
  return sql.query<{ key: string; count: number }>(query, params);
}

/**
 * Live metrics for the dashboard. Days are Hong Kong days; `from`/`to` default to the last 14 days.
 * The dashboard polls `adminMetrics` (cheap: a handful of aggregates).
 */
export class AdminMetricsService {
  async metrics(ctx: RequestContext, fromDate?: string | null, toDate?: string | null): Promise<AdminMetrics> {
    requireAdmin(ctx.principal, 'read');
    const now = ctx.app.clock.now();
    const to = toDate ?? localDateOf(now);
    const from = fromDate ?? addDays(to, -13);
    const start = startOfLocalDate(from);
    const end = startOfLocalDate(addDays(to, 1));
    const db = ctx.app.db;
    const day = `to_char((created_at AT TIME ZONE 'UTC') + interval '8 hours', 'YYYY-MM-DD')`;
    const [ordersByStatus, ticketsByStatus, salesByDay, refundsByDay, salesByProduct, redemptions, conv, outbox, anomalies, notifications] = await Promise.all([
      countBy(db, `SELECT status AS key, count(*)::int AS count FROM orders WHERE created_at >= $1 AND created_at < $2 GROUP BY status ORDER BY status`, [start, end]),
      countBy(db, `SELECT t.status AS key, count(*)::int AS count FROM ticket t WHERE t.created_at >= $1 AND t.created_at < $2 GROUP BY t.status ORDER BY t.status`, [start, end]),
      db.query<{ date: string; orders: number; amount: number }>(
        `SELECT to_char((paid_at AT TIME ZONE 'UTC') + interval '8 hours', 'YYYY-MM-DD') AS date, count(*)::int AS orders, COALESCE(SUM(total_amount), 0)::int AS amount
           FROM orders WHERE paid_at >= $1 AND paid_at < $2 GROUP BY 1 ORDER BY 1`,
        [start, end],
      ),
      db.query<{ date: string; count: number; amount: number }>(
        `SELECT ${day.replace('created_at', 'completed_at')} AS date, count(*)::int AS count, COALESCE(SUM(amount), 0)::int AS amount
           FROM refund WHERE status = 'SUCCEEDED' AND completed_at >= $1 AND completed_at < $2 GROUP BY 1 ORDER BY 1`,
        [start, end],
      ),
      db.query<{ productId: number; name: string; orders: number; amount: number }>(
        `SELECT oi.product_id AS "productId", min(oi.product_name) AS name, count(DISTINCT o.id)::int AS orders, COALESCE(SUM(oi.subtotal), 0)::int AS amount
           FROM orders o JOIN order_item oi ON oi.order_id = o.id
          WHERE o.paid_at >= $1 AND o.paid_at < $2 GROUP BY oi.product_id ORDER BY amount DESC LIMIT 50`,
        [start, end],
      ),
      db.query<{ merchantId: number; name: string; count: number }>(
        `SELECT m.id AS "merchantId", m.name, count(r.id)::int AS count FROM merchant m
           LEFT JOIN redemption r ON r.merchant_id = m.id AND r.at >= $1 AND r.at < $2
          GROUP BY m.id ORDER BY count DESC, m.id`,
        [start, end],
      ).catch(() => []),
      db.query<{ created: number; paid: number; expired: number; cancelled: number }>(
        `SELECT count(*)::int AS created, count(paid_at)::int AS paid,
                count(*) FILTER (WHERE cancel_reason = 'EXPIRED')::int AS expired, count(*) FILTER (WHERE status = 'CANCELLED')::int AS cancelled
           FROM orders WHERE created_at >= $1 AND created_at < $2`,
        [start, end],
      ),
      db.query<{ pending: number; dead: number; oldest: Date | null }>(
        `SELECT count(*) FILTER (WHERE status = 'PENDING')::int AS pending, count(*) FILTER (WHERE status = 'DEAD')::int AS dead,
                min(created_at) FILTER (WHERE status = 'PENDING') AS oldest FROM outbox_event`,
      ),
      db.query<{ n: number }>(
        `SELECT (SELECT count(*) FROM payment_anomaly WHERE NOT resolved)::int AS n,
                (SELECT count(*) FROM reconciliation_difference WHERE NOT resolved)::int AS d`,
      ),
      countBy(db, `SELECT status AS key, count(*)::int AS count FROM notification GROUP BY status ORDER BY status`).catch(() => []),
    ]);
    const c = conv[0];
    return {
      from, to, generatedAt: now, ordersByStatus, ticketsByStatus, salesByDay, refundsByDay, salesByProduct,
      redemptionsByMerchant: redemptions,
      conversion: { ...c, rate: c.created ? Math.round((c.paid / c.created) * 1000) / 1000 : 0 },
      outbox: { pending: outbox[0].pending, dead: outbox[0].dead, oldestPendingSeconds: outbox[0].oldest ? Math.round((now.getTime() - new Date(outbox[0].oldest).getTime()) / 1000) : null },
      notifications,
      paymentAnomalies: anomalies[0].n,
      reconciliationDifferences: (anomalies[0] as unknown as { d: number }).d,
    };
  }
}
