import { addDays, startOfLocalDate } from '@deeptravel/shared';
import type { Sql } from '../../../common/db/sql.js';
import { DASHBOARD_WATERMARK } from './rollup-fold.js';

/** The business figures of the dashboard over Hong Kong days `from`..`to` (both included). */
export interface DashboardFigures {
  ordersByStatus: Array<{ key: string; count: number }>;
  ticketsByStatus: Array<{ key: string; count: number }>;
  salesByDay: Array<{ date: string; orders: number; amount: number }>;
  refundsByDay: Array<{ date: string; count: number; amount: number }>;
  salesByProduct: Array<{ productId: number; name: string; orders: number; amount: number }>;
  redemptionsByMerchant: Array<{ merchantId: number; name: string; count: number }>;
  conversion: { created: number; paid: number; expired: number; cancelled: number; rate: number };
}

/** Sales of one window ending on a day (today, 7 days, 30 days), by product. */
export interface SalesWindow {
  days: number;
  from: string;
  to: string;
  orders: number;
  amount: number;
  byProduct: Array<{ productId: number; name: string; orders: number; amount: number }>;
}

/** One product's sales on one day. */
export interface ProductDaySales {
  date: string;
  productId: number;
  name: string;
  orders: number;
  amount: number;
}

/** One merchant's redemptions on one day. */
export interface MerchantDayRedemptions {
  date: string;
  merchantId: number;
  count: number;
}

/** How fresh the rollups are. */
export interface RollupState {
  foldedAt: Date | null;
  /** Seconds since the last fold (null before the first). */
  lagSeconds: number | null;
  backfilled: boolean;
  folds: number;
}

const rate = (created: number, paid: number) => (created ? Math.round((paid / created) * 1000) / 1000 : 0);

/** The figures read from the rollup tables: a few index range scans over days × keys, whatever the order count. */
export async function rollupFigures(db: Sql, from: string, to: string): Promise<DashboardFigures> {
  const range = [from, to];
  const [ordersByStatus, ticketsByStatus, salesByDay, refundsByDay, salesByProduct, redemptionsByMerchant, conv] = await Promise.all([
    db.query<{ key: string; count: number }>(
      `SELECT status AS key, sum(orders)::int AS count FROM rollup_order_day WHERE day BETWEEN $1::date AND $2::date
        GROUP BY status HAVING sum(orders) <> 0 ORDER BY status`,
      range,
    ),
    db.query<{ key: string; count: number }>(
      `SELECT status AS key, sum(tickets)::int AS count FROM rollup_ticket_day WHERE day BETWEEN $1::date AND $2::date
        GROUP BY status HAVING sum(tickets) <> 0 ORDER BY status`,
      range,
    ),
    db.query<{ date: string; orders: number; amount: number }>(
      `SELECT day::text AS date, orders, amount::float8 AS amount FROM rollup_sales_day
        WHERE day BETWEEN $1::date AND $2::date AND orders <> 0 ORDER BY day`,
      range,
    ),
    db.query<{ date: string; count: number; amount: number }>(
      `SELECT day::text AS date, refunds AS count, amount::float8 AS amount FROM rollup_refund_day
        WHERE day BETWEEN $1::date AND $2::date AND refunds <> 0 ORDER BY day`,
      range,
    ),
    productSales(db, from, to, 50),
    db.query<{ merchantId: number; name: string; count: number }>(
      `SELECT m.id AS "merchantId", m.name, COALESCE(r.n, 0)::int AS count FROM merchant m
         LEFT JOIN (SELECT merchant_id, sum(redemptions) AS n FROM rollup_redemption_day WHERE day BETWEEN $1::date AND $2::date GROUP BY merchant_id) r
           ON r.merchant_id = m.id
        ORDER BY count DESC, m.id`,
      range,
    ),
    db.query<{ created: number; paid: number; expired: number }>(
      `SELECT COALESCE(sum(created), 0)::int AS created, COALESCE(sum(paid), 0)::int AS paid, COALESCE(sum(expired), 0)::int AS expired
         FROM rollup_conversion_day WHERE day BETWEEN $1::date AND $2::date`,
      range,
    ),
  ]);
  const c = conv[0];
  const cancelled = ordersByStatus.find((s) => s.key === 'CANCELLED')?.count ?? 0;
  return {
    ordersByStatus, ticketsByStatus, salesByDay, refundsByDay, salesByProduct, redemptionsByMerchant,
    conversion: { ...c, cancelled, rate: rate(c.created, c.paid) },
  };
}

/** Sales by product over days `from`..`to`, largest first (the product's current name). */
function productSales(db: Sql, from: string, to: string, limit: number): Promise<Array<{ productId: number; name: string; orders: number; amount: number }>> {
  return db.query(
    `SELECT s.product_id AS "productId", COALESCE(p.name, '#' || s.product_id) AS name, s.orders, s.amount FROM (
       SELECT product_id, sum(orders)::int AS orders, sum(amount)::float8 AS amount FROM rollup_sales_product_day
        WHERE day BETWEEN $1::date AND $2::date GROUP BY product_id HAVING sum(orders) <> 0
     ) s LEFT JOIN product p ON p.id = s.product_id
     ORDER BY s.amount DESC, s.product_id LIMIT $3`,
    [from, to, limit],
  );
}

/** Sales today, over 7 and over 30 days, each ending on `to`, with the products of each. */
export async function salesWindows(db: Sql, to: string): Promise<SalesWindow[]> {
  return Promise.all(
    [1, 7, 30].map(async (days) => {
      const from = addDays(to, -(days - 1));
      const byProduct = await productSales(db, from, to, 50);
      const [t] = await db.query<{ orders: number; amount: number }>(
        `SELECT COALESCE(sum(orders), 0)::int AS orders, COALESCE(sum(amount), 0)::float8 AS amount FROM rollup_sales_day WHERE day BETWEEN $1::date AND $2::date`,
        [from, to],
      );
      return { days, from, to, orders: t.orders, amount: t.amount, byProduct };
    }),
  );
}

/** Sales per day and product over the 30 days ending on `to` (a chart series; the last 7 are a slice of it). */
export function productSalesSeries(db: Sql, to: string): Promise<ProductDaySales[]> {
  return db.query<ProductDaySales>(
    `SELECT s.day::text AS date, s.product_id AS "productId", COALESCE(p.name, '#' || s.product_id) AS name, s.orders, s.amount::float8 AS amount
       FROM rollup_sales_product_day s LEFT JOIN product p ON p.id = s.product_id
      WHERE s.day BETWEEN $1::date AND $2::date AND s.orders <> 0
      ORDER BY s.day, s.product_id`,
    [addDays(to, -29), to],
  );
}

/** Redemptions per merchant and day over `from`..`to`. */
export function redemptionsByMerchantDay(db: Sql, from: string, to: string): Promise<MerchantDayRedemptions[]> {
  return db.query<MerchantDayRedemptions>(
    `SELECT day::text AS date, merchant_id AS "merchantId", redemptions AS count FROM rollup_redemption_day
      WHERE day BETWEEN $1::date AND $2::date AND redemptions <> 0 ORDER BY day, merchant_id`,
    [from, to],
  );
}

/** When the rollups were last folded. */
export async function rollupState(db: Sql, now: Date): Promise<RollupState> {
  const [w] = await db.query<{ foldedAt: Date | null; backfilled: boolean; folds: number }>(
    `SELECT folded_at AS "foldedAt", backfilled, folds FROM rollup_watermark WHERE name = $1`,
    [DASHBOARD_WATERMARK],
  );
  const foldedAt = w?.foldedAt ? new Date(w.foldedAt) : null;
  return {
    foldedAt,
    lagSeconds: foldedAt ? Math.max(0, Math.round((now.getTime() - foldedAt.getTime()) / 1000)) : null,
    backfilled: w?.backfilled ?? false,
    folds: w?.folds ?? 0,
  };
}

/**
 * The same figures recounted from the base tables (every order, ticket, refund and redemption in
 * the range): the reference the rollups must equal. Tests and the benchmark use it; the dashboard
 * never does (it scans).
 */
export async function fullScanFigures(db: Sql, from: string, to: string): Promise<DashboardFigures> {
  const start = startOfLocalDate(from);
  const end = startOfLocalDate(addDays(to, 1));
  const day = (col: string) => `to_char((${col} AT TIME ZONE 'UTC') + interval '8 hours', 'YYYY-MM-DD')`;
  const [ordersByStatus, ticketsByStatus, salesByDay, refundsByDay, salesByProduct, redemptionsByMerchant, conv] = await Promise.all([
    db.query<{ key: string; count: number }>(
      `SELECT status AS key, count(*)::int AS count FROM orders WHERE created_at >= $1 AND created_at < $2 GROUP BY status ORDER BY status`,
      [start, end],
    ),
    db.query<{ key: string; count: number }>(
      `SELECT status AS key, count(*)::int AS count FROM ticket WHERE created_at >= $1 AND created_at < $2 GROUP BY status ORDER BY status`,
      [start, end],
    ),
    db.query<{ date: string; orders: number; amount: number }>(
      `SELECT ${day('paid_at')} AS date, count(*)::int AS orders, COALESCE(sum(total_amount), 0)::float8 AS amount
         FROM orders WHERE paid_at >= $1 AND paid_at < $2 GROUP BY 1 ORDER BY 1`,
      [start, end],
    ),
    db.query<{ date: string; count: number; amount: number }>(
      `SELECT ${day('completed_at')} AS date, count(*)::int AS count, COALESCE(sum(amount), 0)::float8 AS amount
         FROM refund WHERE status = 'SUCCEEDED' AND completed_at >= $1 AND completed_at < $2 GROUP BY 1 ORDER BY 1`,
      [start, end],
    ),
    db.query<{ productId: number; name: string; orders: number; amount: number }>(
      `SELECT s.product_id AS "productId", COALESCE(p.name, '#' || s.product_id) AS name, s.orders, s.amount FROM (
         SELECT oi.product_id, count(DISTINCT o.id)::int AS orders, COALESCE(sum(oi.subtotal), 0)::float8 AS amount
           FROM orders o JOIN order_item oi ON oi.order_id = o.id
          WHERE o.paid_at >= $1 AND o.paid_at < $2 GROUP BY oi.product_id
       ) s LEFT JOIN product p ON p.id = s.product_id
       ORDER BY s.amount DESC, s.product_id LIMIT 50`,
      [start, end],
    ),
    db.query<{ merchantId: number; name: string; count: number }>(
      `SELECT m.id AS "merchantId", m.name, count(r.id)::int AS count FROM merchant m
         LEFT JOIN redemption r ON r.merchant_id = m.id AND r.at >= $1 AND r.at < $2
        GROUP BY m.id ORDER BY count DESC, m.id`,
      [start, end],
    ),
    db.query<{ created: number; paid: number; expired: number; cancelled: number }>(
      `SELECT count(*)::int AS created, count(paid_at)::int AS paid,
              count(*) FILTER (WHERE cancel_reason = 'EXPIRED')::int AS expired, count(*) FILTER (WHERE status = 'CANCELLED')::int AS cancelled
         FROM orders WHERE created_at >= $1 AND created_at < $2`,
      [start, end],
    ),
  ]);
  const c = conv[0];
  return { ordersByStatus, ticketsByStatus, salesByDay, refundsByDay, salesByProduct, redemptionsByMerchant, conversion: { ...c, rate: rate(c.created, c.paid) } };
}
