import type { Database, TxSql } from '../../../common/db/sql.js';

/**
 * The dashboard rollups (issue 14), kept up to date by folding append-only facts in by transaction
 * id. See docs/admin.md "Dashboard rollups" for the design; in short:
 *
 * - Facts: `state_transition` (orders, tickets, refunds: every status change writes one), `ticket`
 *   inserts (a ticket is born ACTIVE) and `redemption` rows. Each carries `xact_id`, the inserting
 *   transaction (a column default: nothing on the hot paths changes, and no row is shared by them).
 * - The watermark is a transaction-id horizon H: every transaction of this database below H has
 *   ended, so the rows with `xact_id < H` are final (committed and visible, or never visible). A
 *   fold takes the watermark row `FOR UPDATE` (one fold at a time across instances), computes the new
 *   horizon, folds the rows with `previous H ≤ xact_id < new H` as additive deltas into the rollup
 *   tables (`INSERT … ON CONFLICT DO UPDATE`), and moves the watermark, all in one transaction: a
 *   fold happens exactly once or not at all, and a second fold of the same range is impossible.
 * - Backfill: rows that existed before the migration have `xact_id` NULL and are folded once, by the
 *   first fold, with the same statements (so it equals a full scan).
 */

/** The name of the dashboard's watermark row. */
export const DASHBOARD_WATERMARK = 'dashboard';

/** Hong Kong calendar day of a timestamp (the service-local day used by every dashboard figure). */
export const hkDay = (col: string) => `((${col} AT TIME ZONE 'UTC') + interval '8 hours')::date`;

/** What one fold did. */
export interface FoldResult {
  /** False when nothing was folded: BUSY (another fold holds the watermark), BACKLOG (too much new for an on-demand fold). */
  folded: boolean;
  skipped?: 'BUSY' | 'BACKLOG';
  /** The horizon before and after (transaction ids as text). */
  from: string;
  to: string;
  /** Fact rows folded (transitions, tickets, redemptions). */
  rows: number;
  /** True when this fold also folded the rows from before the migration. */
  backfill: boolean;
  ms: number;
}

/** Options of a fold. */
export interface FoldOptions {
  /** Longest wait for another instance's fold (ms); then give up with BUSY. Default: wait. */
  lockTimeoutMs?: number;
  /** Give up with BACKLOG when more new fact rows than this wait (on-demand folds stay bounded). */
  maxPendingRows?: number;
}

const TWO_32 = 1n << 32n;

/**
 * The horizon: the oldest transaction of this database still running, or the snapshot's xmax when
 * none is. Transactions of other databases on the cluster are ignored (they write nothing here), so a
 * long transaction elsewhere does not stall the dashboard. `backend_xid` is 32-bit: it is widened
 * against the snapshot's 64-bit xmax (a running transaction is within 2^31 of it).
 */
async function horizonOf(sql: TxSql, kind: Database['kind']): Promise<bigint> {
  if (kind === 'pglite') {
    const [r] = await sql.query<{ xmax: string }>(`SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS xmax`);
    return BigInt(r.xmax);
  }
  // First access to pg_stat_activity in this transaction (it is cached per transaction after that).
  const [r] = await sql.query<{ xmax: string; running: string[] | null }>(
    `SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS xmax,
            (SELECT array_agg(a.backend_xid::text) FROM pg_stat_activity a
              WHERE a.datname = current_database() AND a.backend_xid IS NOT NULL AND a.pid <> pg_backend_pid()) AS running`,
  );
  const xmax = BigInt(r.xmax);
  let h = xmax;
  const low = xmax % TWO_32;
  for (const x of r.running ?? []) {
    const d = (low - BigInt(x) + TWO_32) % TWO_32;
    if (d === 0n || d > TWO_32 / 2n) continue; // started after the snapshot: not below xmax
    const full = xmax - d;
    if (full < h) h = full;
  }
  return h;
}

/** The fact-row predicate of a fold: the backfill (NULL) or a horizon range ($1 ≤ xact_id < $2). */
type Range = { backfill: true } | { backfill: false; from: string; to: string };

function predicate(alias: string, range: Range): string {
  return range.backfill ? `${alias}.xact_id IS NULL` : `${alias}.xact_id >= $1::xid8 AND ${alias}.xact_id < $2::xid8`;
}

function paramsOf(range: Range): unknown[] {
  return range.backfill ? [] : [range.from, range.to];
}

/** Folds one range of facts into every rollup table; returns the fact rows folded. */
async function foldRange(sql: TxSql, range: Range): Promise<number> {
  const params = paramsOf(range);
  const add = (table: string, cols: string[]) => cols.map((c) => `${c} = ${table}.${c} + EXCLUDED.${c}`).join(', ');
  // Which fact tables have rows in the range (three index probes): most folds find one or none.
  const [has] = await sql.query<{ st: boolean; t: boolean; r: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM state_transition x WHERE ${predicate('x', range)}) AS st,
            EXISTS (SELECT 1 FROM ticket x WHERE ${predicate('x', range)}) AS t,
            EXISTS (SELECT 1 FROM redemption x WHERE ${predicate('x', range)}) AS r`,
    params,
  );
  const none = [{ rows: 0 }];
  // Lifecycle facts: one statement, the transitions read once.
  const [a] = !has.st ? none : await sql.query<{ rows: number }>(
    `WITH st AS MATERIALIZED (
       SELECT st.id, st.entity_type, st.entity_id, st.from_state, st.to_state, st.reason, st.at
         FROM state_transition st
        WHERE ${predicate('st', range)} AND st.entity_type IN ('order', 'ticket', 'refund')
     ),
     o AS MATERIALIZED (
       SELECT st.id, st.entity_id, st.from_state, st.to_state, st.reason, st.at, ${hkDay('o.created_at')} AS cday, o.total_amount,
              -- An order paid a second time (cancelled in between, then a late payment): the sale moves to the new day.
              CASE WHEN st.to_state = 'PAID' AND o.cancelled_at IS NOT NULL THEN
                (SELECT p.at FROM state_transition p WHERE p.entity_type = 'order' AND p.entity_id = st.entity_id AND p.to_state = 'PAID' AND p.id < st.id
                  ORDER BY p.id DESC LIMIT 1) END AS prev_paid_at,
              -- Cancelled again after a payment: the earlier cancellation's reason no longer counts.
              CASE WHEN st.to_state = 'CANCELLED' AND st.from_state <> 'PENDING' THEN
                (SELECT p.reason FROM state_transition p WHERE p.entity_type = 'order' AND p.entity_id = st.entity_id AND p.to_state = 'CANCELLED' AND p.id < st.id
                  ORDER BY p.id DESC LIMIT 1) END AS prev_cancel_reason
         FROM st JOIN orders o ON o.id = st.entity_id
        WHERE st.entity_type = 'order'
     ),
     by_status AS (
       INSERT INTO rollup_order_day (day, status, orders)
       SELECT cday, status, sum(n)::int FROM (
         SELECT cday, to_state AS status, 1 AS n FROM o
         UNION ALL SELECT cday, from_state, -1 FROM o WHERE from_state IS NOT NULL
       ) x GROUP BY cday, status HAVING sum(n) <> 0
       ON CONFLICT (day, status) DO UPDATE SET ${add('rollup_order_day', ['orders'])}
       RETURNING 1
     ),
     conversion AS (
       INSERT INTO rollup_conversion_day (day, created, paid, expired)
       SELECT cday, count(*) FILTER (WHERE from_state IS NULL)::int,
              count(*) FILTER (WHERE to_state = 'PAID' AND prev_paid_at IS NULL)::int,
              (count(*) FILTER (WHERE to_state = 'CANCELLED' AND reason = 'EXPIRED')
                - count(*) FILTER (WHERE to_state = 'CANCELLED' AND prev_cancel_reason = 'EXPIRED'))::int
         FROM o GROUP BY cday
       ON CONFLICT (day) DO UPDATE SET ${add('rollup_conversion_day', ['created', 'paid', 'expired'])}
       RETURNING 1
     ),
     paid AS MATERIALIZED (
       SELECT entity_id AS order_id, ${hkDay('at')} AS day, total_amount, 1 AS sign FROM o WHERE to_state = 'PAID'
       UNION ALL
       SELECT entity_id, ${hkDay('prev_paid_at')}, total_amount, -1 FROM o WHERE to_state = 'PAID' AND prev_paid_at IS NOT NULL
     ),
     sales AS (
       INSERT INTO rollup_sales_day (day, orders, amount)
       SELECT day, sum(sign)::int, sum(sign * total_amount)::bigint FROM paid GROUP BY day
       ON CONFLICT (day) DO UPDATE SET ${add('rollup_sales_day', ['orders', 'amount'])}
       RETURNING 1
     ),
     product_sales AS (
       INSERT INTO rollup_sales_product_day (day, product_id, orders, amount)
       SELECT p.day, i.product_id, sum(p.sign)::int, sum(p.sign * i.amount)::bigint
         FROM paid p
         JOIN (SELECT oi.order_id, oi.product_id, sum(oi.subtotal) AS amount FROM order_item oi
                WHERE oi.order_id IN (SELECT order_id FROM paid) GROUP BY oi.order_id, oi.product_id) i ON i.order_id = p.order_id
        GROUP BY p.day, i.product_id
       ON CONFLICT (day, product_id) DO UPDATE SET ${add('rollup_sales_product_day', ['orders', 'amount'])}
       RETURNING 1
     ),
     refunds AS (
       INSERT INTO rollup_refund_day (day, refunds, amount)
       SELECT ${hkDay('r.completed_at')}, count(*)::int, sum(r.amount)::bigint
         FROM st JOIN refund r ON r.id = st.entity_id
        WHERE st.entity_type = 'refund' AND st.to_state = 'SUCCEEDED'
        GROUP BY 1
       ON CONFLICT (day) DO UPDATE SET ${add('rollup_refund_day', ['refunds', 'amount'])}
       RETURNING 1
     ),
     tickets AS (
       INSERT INTO rollup_ticket_day (day, status, tickets)
       SELECT day, status, sum(n)::int FROM (
         SELECT ${hkDay('t.created_at')} AS day, st.to_state AS status, 1 AS n FROM st JOIN ticket t ON t.id = st.entity_id
          WHERE st.entity_type = 'ticket' AND st.from_state IS NOT NULL
         UNION ALL
         SELECT ${hkDay('t.created_at')}, st.from_state, -1 FROM st JOIN ticket t ON t.id = st.entity_id
          WHERE st.entity_type = 'ticket' AND st.from_state IS NOT NULL
       ) x GROUP BY day, status HAVING sum(n) <> 0
       ON CONFLICT (day, status) DO UPDATE SET ${add('rollup_ticket_day', ['tickets'])}
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM st)::int AS rows`,
    params,
  );
  // Tickets are born ACTIVE (a ticket's later moves are transitions, folded above; the one a change
  // issues also writes a null → ACTIVE transition, which is skipped there so it counts once).
  const [t] = !has.t ? none : await sql.query<{ rows: number }>(
    `WITH g AS MATERIALIZED (SELECT ${hkDay('t.created_at')} AS day, count(*)::int AS n FROM ticket t WHERE ${predicate('t', range)} GROUP BY 1),
     ins AS (
       INSERT INTO rollup_ticket_day (day, status, tickets) SELECT day, 'ACTIVE', n FROM g
       ON CONFLICT (day, status) DO UPDATE SET ${add('rollup_ticket_day', ['tickets'])}
       RETURNING 1
     ) SELECT COALESCE(sum(n), 0)::int AS rows FROM g`,
    params,
  );
  const [r] = !has.r ? none : await sql.query<{ rows: number }>(
    `WITH g AS MATERIALIZED (
       SELECT ${hkDay('r.at')} AS day, r.merchant_id, count(*)::int AS n FROM redemption r WHERE ${predicate('r', range)} GROUP BY 1, 2
     ),
     ins AS (
       INSERT INTO rollup_redemption_day (day, merchant_id, redemptions) SELECT day, merchant_id, n FROM g
       ON CONFLICT (day, merchant_id) DO UPDATE SET ${add('rollup_redemption_day', ['redemptions'])}
       RETURNING 1
     ) SELECT COALESCE(sum(n), 0)::int AS rows FROM g`,
    params,
  );
  return a.rows + t.rows + r.rows;
}

/** True when more than `limit` fact rows wait (an index range scan that stops at `limit`). */
async function backlogExceeds(sql: TxSql, horizon: string, backfilled: boolean, limit: number): Promise<boolean> {
  const where = backfilled ? `xact_id >= $1::xid8` : `(xact_id IS NULL OR xact_id >= $1::xid8)`;
  for (const table of ['state_transition', 'redemption']) {
    const [r] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT 1 FROM ${table} WHERE ${where} LIMIT $2) x`, [horizon, limit + 1]);
    if (r.n > limit) return true;
  }
  return false;
}

/**
 * Folds what is new since the watermark into the rollups, in one transaction with the watermark's
 * move (exactly once). Safe to call from any number of instances at once: they take turns on the
 * watermark row, and each folds only what the previous one left.
 */
export async function foldDashboardRollups(db: Database, opts: FoldOptions = {}): Promise<FoldResult> {
  const started = Date.now();
  try {
    return await db.tx(
      async (sql) => {
        const [w] = await sql.query<{ horizon: string; backfilled: boolean }>(
          `SELECT horizon::text AS horizon, backfilled FROM rollup_watermark WHERE name = $1 FOR UPDATE`,
          [DASHBOARD_WATERMARK],
        );
        if (!w) throw new Error('rollup_watermark has no dashboard row (migrations not applied?)');
        if (opts.maxPendingRows !== undefined && (await backlogExceeds(sql, w.horizon, w.backfilled, opts.maxPendingRows))) {
          return { folded: false, skipped: 'BACKLOG' as const, from: w.horizon, to: w.horizon, rows: 0, backfill: false, ms: Date.now() - started };
        }
        const h = await horizonOf(sql, db.kind);
        let rows = 0;
        if (!w.backfilled) rows += await foldRange(sql, { backfill: true });
        const to = h > BigInt(w.horizon) ? h.toString() : w.horizon;
        if (to !== w.horizon) rows += await foldRange(sql, { backfill: false, from: w.horizon, to });
        await sql.query(
          `UPDATE rollup_watermark SET horizon = $2::xid8, backfilled = true, folded_at = now(), folds = folds + 1, rows_folded = rows_folded + $3 WHERE name = $1`,
          [DASHBOARD_WATERMARK, to, rows],
        );
        return { folded: true, from: w.horizon, to, rows, backfill: !w.backfilled, ms: Date.now() - started };
      },
      // Default: wait for the other fold however long it takes (0 lifts the pool's default lock timeout).
      { lockTimeoutMs: opts.lockTimeoutMs ?? 0 },
    );
  } catch (err) {
    if ((err as { code?: string }).code === '55P03' || (err as { code?: string }).code === 'BUSY') {
      return { folded: false, skipped: 'BUSY', from: '', to: '', rows: 0, backfill: false, ms: Date.now() - started };
    }
    throw err;
  }
}
