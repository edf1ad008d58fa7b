/**
 * `pnpm --filter @deeptravel/server bench:dashboard [-- --orders 1000000 --days 365 --calls 20 --keep]`
 *
 * The admin dashboard with a million orders (issue 14): into a fresh database (migrated and seeded by
 * the real server process), generates `--orders` orders with their lines, transitions, payments,
 * tickets, refunds, redemptions, notifications and outbox events in set-based SQL (generate_series),
 * then measures:
 *   1. the old way, a full scan of the base tables for the dashboard's figures (14 days and a year);
 *   2. the first fold of the whole history into the rollups (what a deploy on an existing database does);
 *   3. that the rollups equal the full scan (14 days and the whole period);
 *   4. `adminMetrics` over HTTP, `--calls` times each for the default 14 days and for a year (p50/p95);
 *   5. the fold of new activity: `--delta` more orders in SQL, then a fold; and real API orders
 *      followed by one `adminMetrics` call that folds them on demand.
 * Prints a table, writes bench-results/dashboard-1m-<stamp>.json, exits 1 if a figure differs or
 * a call fails. Slow (minutes) and heavy on disk (~2 GB): not in CI and not in `pnpm bench`.
 */
import { addDays, localDateOf } from '@deeptravel/shared';
import pg from 'pg';
import { fullScanFigures, rollupFigures, type DashboardFigures } from '../src/modules/admin/metrics/dashboard-figures.js';
import { foldDashboardRollups } from '../src/modules/admin/metrics/rollup-fold.js';
import { PgDatabase } from '../src/common/db/pg-database.js';
import { defer, runCleanups } from './lib/cleanup.js';
import { createBenchDatabase } from './lib/db.js';
import { deleteRedisPrefix, newRedisPrefix } from './lib/redis.js';
import { machine, num, revision, stampOf, table, writeResult } from './lib/report.js';
import { startServer } from './lib/server.js';
import { summarizeLatency } from './lib/stats.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? Number(process.argv[i + 1]) : def;
}
const ORDERS = arg('orders', 1_000_000);
const DAYS = arg('days', 365);
const CALLS = arg('calls', 20);
const DELTA = arg('delta', 10_000);
const API_ORDERS = arg('api-orders', 50);
const KEEP = process.argv.includes('--keep');
const log = (msg: string) => process.stderr.write(`[dashboard ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: Math.round(performance.now() - t), value };
}

/**
 * Generates `n` orders created over the `days` days before `endAt`, ids after the current maxima,
 * every row in set-based statements (one transaction per table, as history would have it:
 * distinct transactions). Deterministic: order i's fate is a hash of i.
 */
async function generate(c: pg.Client, n: number, days: number, endAt: Date): Promise<Record<string, number>> {
  const [{ ob, ib, tb, lb, rb }] = (
    await c.query(`SELECT (SELECT COALESCE(max(id), 0) FROM orders) AS ob, (SELECT COALESCE(max(id), 0) FROM order_item) AS ib,
                          (SELECT COALESCE(max(id), 0) FROM ticket) AS tb, (SELECT COALESCE(max(id), 0) FROM ticket_line) AS lb,
                          (SELECT COALESCE(max(id), 0) FROM refund) AS rb`)
  ).rows;
  const p = { ob: Number(ob), ib: Number(ib), tb: Number(tb), lb: Number(lb), rb: Number(rb), n, secs: days * 86400, end: endAt.toISOString() };
  await c.query(`INSERT INTO traveller (dev_token, nickname) SELECT 'bench-' || g, 'bench' FROM generate_series(1, 10000) g
                  WHERE NOT EXISTS (SELECT 1 FROM traveller WHERE dev_token = 'bench-1')`);
  // The plan of every order: its fate (bucket r of 1000), product, quantity and times.
  await c.query(`DROP TABLE IF EXISTS bench_plan`);
  await c.query(
    `CREATE UNLOGGED TABLE bench_plan AS
     WITH prod AS (SELECT array_agg(id ORDER BY id) AS ids, array_agg(name ORDER BY id) AS names FROM product),
          trav AS (SELECT array_agg(id ORDER BY id) AS ids FROM traveller)
     SELECT g AS i, $1::int + g AS order_id, $2::int + g AS item_id, $3::int + g AS ticket_id, $4::int + g AS line_id, $5::int + g AS refund_id,
            ((g::bigint * 2654435761) % 1000)::int AS r,
            prod.ids[1 + (g % array_length(prod.ids, 1))] AS product_id, prod.names[1 + (g % array_length(prod.ids, 1))] AS product_name,
            trav.ids[1 + (g % array_length(trav.ids, 1))] AS traveller_id,
            1 + (g % 3) AS qty, 5000 + (g % 7) * 1000 AS unit_price,
            $7::timestamptz - (((g::bigint * 1103515245 + 12345) % $6::bigint) * interval '1 second') AS created_at
       FROM generate_series(1, $8::int) g, prod, trav`,
    [p.ob, p.ib, p.tb, p.lb, p.rb, p.secs, p.end, n],
  );
  // r < 30 PENDING; < 230 expired; < 300 cancelled by the traveller; < 350 paid then refunded; < 600 PAID; else COMPLETED (redeemed < 850, else expired ticket).
  await c.query(`ALTER TABLE bench_plan ADD COLUMN status text, ADD COLUMN reason text, ADD COLUMN paid_at timestamptz, ADD COLUMN cancelled_at timestamptz, ADD COLUMN done_at timestamptz`);
  await c.query(
    `UPDATE bench_plan SET
       status = CASE WHEN r < 30 THEN 'PENDING' WHEN r < 350 THEN 'CANCELLED' WHEN r < 600 THEN 'PAID' ELSE 'COMPLETED' END,
       reason = CASE WHEN r < 30 THEN NULL WHEN r < 230 THEN 'EXPIRED' WHEN r < 300 THEN 'BY_TRAVELLER' WHEN r < 350 THEN 'REFUNDED' END,
       paid_at = CASE WHEN r >= 300 THEN created_at + interval '2 minutes' END,
       cancelled_at = CASE WHEN r < 30 THEN NULL WHEN r < 230 THEN created_at + interval '10 minutes' WHEN r < 300 THEN created_at + interval '1 minute'
                           WHEN r < 350 THEN created_at + interval '1 hour' END,
       done_at = CASE WHEN r >= 600 THEN created_at + interval '1 day' END`,
  );
  const steps: Array<[string, string]> = [
    ['orders', `INSERT INTO orders (id, created_at, updated_at, order_no, traveller_id, status, total_amount, lock_expire_at, snapshot, paid_at, cancelled_at, cancel_reason, payment_state)
       SELECT order_id, created_at, created_at, 'BENCH' || lpad(order_id::text, 10, '0'), traveller_id, status, qty * unit_price, created_at + interval '10 minutes',
              '{}'::jsonb, paid_at, cancelled_at, reason, CASE WHEN paid_at IS NOT NULL THEN 'PAID' ELSE 'NONE' END FROM bench_plan`],
    ['order_item', `INSERT INTO order_item (id, created_at, updated_at, order_id, product_id, travel_date, product_name, qty, unit_price, subtotal, price_lines)
       SELECT item_id, created_at, created_at, order_id, product_id,
              -- travel days never reach the API orders' (today + 20) so their hold checks never meet these rows
              (created_at + CASE WHEN status = 'PENDING' THEN interval '-1 day' ELSE interval '1 day' END)::date, product_name, qty, unit_price, qty * unit_price, '[]'::jsonb FROM bench_plan`],
    ['state_transition (orders)', `INSERT INTO state_transition (entity_type, entity_id, from_state, to_state, actor, reason, at)
       SELECT 'order', order_id, NULL, 'PENDING', 'traveller:' || traveller_id, NULL, created_at FROM bench_plan
       UNION ALL SELECT 'order', order_id, 'PENDING', 'CANCELLED', 'job:order-lock-expiry', reason, cancelled_at FROM bench_plan WHERE r >= 30 AND r < 300
       UNION ALL SELECT 'order', order_id, 'PENDING', 'PAID', 'gateway:mock', 'NOTIFY', paid_at FROM bench_plan WHERE paid_at IS NOT NULL
       UNION ALL SELECT 'order', order_id, 'PAID', 'CANCELLED', 'gateway:mock', 'REFUNDED', cancelled_at FROM bench_plan WHERE r >= 300 AND r < 350
       UNION ALL SELECT 'order', order_id, 'PAID', 'COMPLETED', 'job:ticket-expiry', 'ALL_TICKETS_FINAL', done_at FROM bench_plan WHERE r >= 600`],
    ['payment', `INSERT INTO payment (created_at, updated_at, order_id, claimed_order_id, gateway, gateway_txn_id, amount, status, source)
       SELECT paid_at, paid_at, order_id, order_id, 'mock', 'BENCH-' || order_id, qty * unit_price, 'SUCCEEDED', 'NOTIFY' FROM bench_plan WHERE paid_at IS NOT NULL`],
    ['ticket', `INSERT INTO ticket (id, created_at, updated_at, code, order_id, order_item_id, product_id, product_name, status, valid_from, valid_until, qr_secret, price)
       SELECT ticket_id, paid_at, paid_at, 'TB' || ticket_id, order_id, item_id, product_id, product_name,
              CASE WHEN r < 350 THEN 'REFUNDED' WHEN r < 600 THEN 'ACTIVE' WHEN r < 850 THEN 'REDEEMED' ELSE 'EXPIRED' END,
              created_at, created_at + interval '3 days', 'bench', qty * unit_price FROM bench_plan WHERE paid_at IS NOT NULL`],
    ['state_transition (tickets)', `INSERT INTO state_transition (entity_type, entity_id, from_state, to_state, actor, reason, at)
       SELECT 'ticket', ticket_id, 'ACTIVE', 'REFUNDING', 'traveller:' || traveller_id, NULL, cancelled_at - interval '1 minute' FROM bench_plan WHERE r >= 300 AND r < 350
       UNION ALL SELECT 'ticket', ticket_id, 'REFUNDING', 'REFUNDED', 'gateway:mock', NULL, cancelled_at FROM bench_plan WHERE r >= 300 AND r < 350
       UNION ALL SELECT 'ticket', ticket_id, 'ACTIVE', CASE WHEN r < 850 THEN 'REDEEMED' ELSE 'EXPIRED' END, 'bench', NULL, done_at FROM bench_plan WHERE r >= 600`],
    ['refund', `INSERT INTO refund (id, created_at, updated_at, refund_no, order_id, kind, ticket_ids, amount, status, requested_by, completed_at, gateway_status)
       SELECT refund_id, cancelled_at - interval '1 minute', cancelled_at, 'RB' || refund_id, order_id, 'ORDER', jsonb_build_array(ticket_id), qty * unit_price, 'SUCCEEDED',
              'traveller:' || traveller_id, cancelled_at, 'SUCCESS' FROM bench_plan WHERE r >= 300 AND r < 350`],
    ['state_transition (refunds)', `INSERT INTO state_transition (entity_type, entity_id, from_state, to_state, actor, reason, at)
       SELECT 'refund', refund_id, NULL, 'REQUESTED', 'traveller:' || traveller_id, 'ORDER', cancelled_at - interval '1 minute' FROM bench_plan WHERE r >= 300 AND r < 350
       UNION ALL SELECT 'refund', refund_id, 'REQUESTED', 'SUCCEEDED', 'gateway:mock', 'SUCCESS', cancelled_at FROM bench_plan WHERE r >= 300 AND r < 350`],
    ['ticket_line', `WITH st AS (SELECT array_agg(s.merchant_id ORDER BY s.id) AS m FROM merchant_staff s WHERE EXISTS (SELECT 1 FROM terminal t WHERE t.merchant_id = s.merchant_id))
       INSERT INTO ticket_line (id, created_at, updated_at, ticket_id, name, merchant_id, uses_total, uses_left)
       SELECT line_id, paid_at, done_at, ticket_id, 'bench line', st.m[1 + (i % array_length(st.m, 1))], 1, 0 FROM bench_plan, st WHERE r >= 600 AND r < 850`],
    ['redemption', `WITH st AS (SELECT array_agg(s.id ORDER BY s.id) AS s, array_agg(s.merchant_id ORDER BY s.id) AS m,
                             array_agg((SELECT min(t.id) FROM terminal t WHERE t.merchant_id = s.merchant_id) ORDER BY s.id) AS t
                      FROM merchant_staff s WHERE EXISTS (SELECT 1 FROM terminal t WHERE t.merchant_id = s.merchant_id))
       INSERT INTO redemption (at, ticket_id, ticket_line_id, merchant_id, terminal_id, staff_id, scan_nonce, qr_ref, qr_step, uses_left_after)
       SELECT done_at, ticket_id, line_id, st.m[1 + (i % array_length(st.m, 1))], st.t[1 + (i % array_length(st.m, 1))], st.s[1 + (i % array_length(st.m, 1))],
              'BN' || line_id, 'TB' || ticket_id, 0, 0 FROM bench_plan, st WHERE r >= 600 AND r < 850`],
    ['notification', `INSERT INTO notification (created_at, updated_at, idempotency_key, traveller_id, kind, order_id, fields, status, attempts, sent_at)
       SELECT paid_at, paid_at, 'BENCH:' || order_id, traveller_id, 'PAYMENT_SUCCESS', order_id, '{}'::jsonb,
              CASE WHEN i % 97 = 0 THEN 'DEAD' WHEN i % 89 = 0 THEN 'SKIPPED_NO_CONSENT' WHEN i % 997 = 0 THEN 'FAILED' ELSE 'SENT' END,
              1, paid_at FROM bench_plan WHERE paid_at IS NOT NULL`],
    ['outbox_event', `INSERT INTO outbox_event (topic, payload, status, attempts, available_at, created_at, delivered_at)
       SELECT 'order.created', jsonb_build_object('orderId', order_id), 'DELIVERED', 1, created_at, created_at, created_at FROM bench_plan
       UNION ALL SELECT 'payment.succeeded', jsonb_build_object('orderId', order_id), 'DELIVERED', 1, paid_at, paid_at, paid_at FROM bench_plan WHERE paid_at IS NOT NULL`],
  ];
  const ms: Record<string, number> = {};
  for (const [name, sql] of steps) {
    const t = await timed(() => c.query(sql));
    ms[name] = t.ms;
    log(`  ${name}: ${num(t.value.rowCount ?? 0)} rows in ${num(t.ms)} ms`);
  }
  for (const [seq, tbl] of [['orders_id_seq', 'orders'], ['order_item_id_seq', 'order_item'], ['ticket_id_seq', 'ticket'], ['ticket_line_id_seq', 'ticket_line'], ['refund_id_seq', 'refund']]) {
    await c.query(`SELECT setval('${seq}', (SELECT max(id) FROM ${tbl}))`);
  }
  await c.query(`DROP TABLE bench_plan`);
  return ms;
}

/** Field-by-field differences between two figure sets (empty when equal). */
function differences(a: DashboardFigures, b: DashboardFigures): string[] {
  return (Object.keys(a) as Array<keyof DashboardFigures>).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).map((k) => `${k}: rollup ${JSON.stringify(a[k]).slice(0, 300)} ≠ full ${JSON.stringify(b[k]).slice(0, 300)}`);
}

async function main(): Promise<number> {
  const started = new Date();
  const stamp = stampOf(started);
  const failures: string[] = [];
  const bdb = await createBenchDatabase();
  if (!KEEP) defer('drop database', () => bdb.drop());
  else log(`keeping database ${bdb.name}`);
  const redisPrefix = newRedisPrefix();
  defer('redis keys', () => deleteRedisPrefix(redisPrefix));
  log(`database ${bdb.name}: starting the server (migrations, demo seed)`);
  const server = await startServer({ databaseUrl: bdb.url, redisPrefix, logName: `dashboard-1m-${stamp}`, env: { DATABASE_POOL_SIZE: '10' } });
  defer('server', () => server.stop());
  const c = new pg.Client({ connectionString: bdb.url });
  await c.connect();
  defer('client', () => c.end());
  const db = new PgDatabase(bdb.url, 4, (err) => log(`db: ${String(err)}`));
  defer('pool', () => db.close());

  log(`generating ${num(ORDERS)} orders over ${DAYS} days`);
  const now = new Date();
  const gen = await timed(() => generate(c, ORDERS, DAYS, now));
  const vac = await timed(() => c.query('VACUUM ANALYZE'));
  const sizes: Array<{ t: string; n: number }> = [];
  for (const t of ['orders', 'order_item', 'state_transition', 'ticket', 'payment', 'refund', 'redemption', 'notification', 'outbox_event']) {
    sizes.push({ t, n: Number((await c.query(`SELECT count(*) AS n FROM ${t}`)).rows[0].n) });
  }
  const [{ size }] = (await c.query(`SELECT pg_size_pretty(pg_database_size(current_database())) AS size`)).rows;
  log(`generated in ${num(gen.ms)} ms (+ VACUUM ANALYZE ${num(vac.ms)} ms); database ${size}`);

  const to = localDateOf(now);
  const from14 = addDays(to, -13);
  const fromAll = addDays(to, -DAYS);
  const full14 = await timed(() => fullScanFigures(db, from14, to));
  const fullAll = await timed(() => fullScanFigures(db, fromAll, to));
  log(`full scan: 14 days ${num(full14.ms)} ms, ${DAYS} days ${num(fullAll.ms)} ms`);

  const first = await timed(() => foldDashboardRollups(db));
  log(`first fold (the whole history): ${num(first.value.rows)} fact rows in ${num(first.ms)} ms`);
  const r14 = await timed(() => rollupFigures(db, from14, to));
  const rAll = await timed(() => rollupFigures(db, fromAll, to));
  failures.push(...differences(r14.value, full14.value).map((d) => `14 days: ${d}`), ...differences(rAll.value, fullAll.value).map((d) => `${DAYS} days: ${d}`));

  // adminMetrics over HTTP, as the console calls it.
  const login = await fetch(`${server.url}/graphql`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: `mutation { adminLogin(username: "admin", password: "admin12345") { token } }` }),
  }).then((r) => r.json() as Promise<any>);
  const token = login.data.adminLogin.token as string;
  const METRICS = `query($f: String, $t: String) { adminMetrics(fromDate: $f, toDate: $t) {
    from to ordersByStatus { key count } ticketsByStatus { key count } salesByDay { date orders amount } refundsByDay { date count amount }
    salesByProduct { productId name orders amount } redemptionsByMerchant { merchantId name count } conversion { created paid expired cancelled rate }
    outbox { pending dead oldestPendingSeconds } notifications { key count } paymentAnomalies reconciliationDifferences reconciliationDifferencesByKind { key count }
    salesWindows { days orders amount byProduct { productId name orders amount } } productSalesSeries { date productId orders amount }
    redemptionsByMerchantDay { date merchantId count }
    notificationBacklog { pending sending failed unconfirmed dead oldestPendingSeconds failures { id status lastError } } rollups { foldedAt lagSeconds backfilled } } }`;
  const call = async (vars: Record<string, unknown>) => {
    const t = performance.now();
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: METRICS, variables: vars }),
    });
    const body = (await res.json()) as any;
    const ms = performance.now() - t;
    if (res.status !== 200 || body.errors) failures.push(`adminMetrics: ${res.status} ${JSON.stringify(body.errors ?? body).slice(0, 300)}`);
    return { ms, data: body.data?.adminMetrics };
  };
  const series = async (vars: Record<string, unknown>) => {
    await call(vars); // warm-up (plans, connections), not counted
    const ms: number[] = [];
    for (let i = 0; i < CALLS; i++) ms.push((await call(vars)).ms);
    return summarizeLatency(ms);
  };
  const http14 = await series({});
  const httpAll = await series({ f: fromAll, t: to });
  log(`adminMetrics over HTTP: 14 days p50 ${http14.p50} ms p95 ${http14.p95} ms; ${DAYS} days p50 ${httpAll.p50} ms p95 ${httpAll.p95} ms`);

  // New activity: a batch in SQL (today), folded by the scheduler's job…
  const delta = await timed(() => generate(c, DELTA, 1, new Date()));
  const deltaFold = await timed(() => foldDashboardRollups(db));
  log(`fold of ${num(DELTA)} new orders: ${num(deltaFold.value.rows)} fact rows in ${num(deltaFold.ms)} ms`);
  // …and real orders through the API, folded on demand by the next adminMetrics call.
  for (let i = 0; i < API_ORDERS; i++) {
    const o = (await fetch(`${server.url}/orders`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer user123' }, body: JSON.stringify({ items: [{ product_id: 101, qty: 1, travel_date: addDays(to, 20) }] }),
    }).then((r) => r.json())) as any;
    if (i % 2 === 0) {
      await fetch(`${server.url}/payments/notify`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ order_id: o.order_id, gateway_txn_id: `BENCH-API-${stamp}-${i}`, status: 'SUCCESS', amount: o.total_amount }),
      });
    }
  }
  const onDemand = await call({});
  log(`adminMetrics right after ${API_ORDERS} API orders (folds them first): ${Math.round(onDemand.ms)} ms`);
  const afterFull = await fullScanFigures(db, from14, to);
  const afterRolled = await rollupFigures(db, from14, to);
  failures.push(...differences(afterRolled, afterFull).map((d) => `after new activity: ${d}`));
  const figuresMatch = failures.length === 0;

  const rows = [
    ['step', 'figure'],
    ['generate (set-based SQL)', `${num(gen.ms)} ms`],
    ['full scan, 14 days (old adminMetrics)', `${num(full14.ms)} ms`],
    [`full scan, ${DAYS} days`, `${num(fullAll.ms)} ms`],
    ['first fold (whole history)', `${num(first.ms)} ms`],
    ['read rollups, 14 days', `${num(r14.ms)} ms`],
    [`read rollups, ${DAYS} days`, `${num(rAll.ms)} ms`],
    [`adminMetrics HTTP 14 d p50 / p95 / max (${CALLS})`, `${http14.p50} / ${http14.p95} / ${http14.max} ms`],
    [`adminMetrics HTTP ${DAYS} d p50 / p95 / max (${CALLS})`, `${httpAll.p50} / ${httpAll.p95} / ${httpAll.max} ms`],
    [`fold of ${num(DELTA)} new orders`, `${num(deltaFold.ms)} ms`],
    [`adminMetrics after ${API_ORDERS} API orders (on-demand fold)`, `${Math.round(onDemand.ms)} ms`],
    ['rollups = full scan', figuresMatch ? 'yes' : 'NO'],
  ];
  const text = table(rows);
  const finished = new Date();
  const file = writeResult('dashboard-1m', stamp, {
    scenario: 'dashboard-1m', command: `pnpm --filter @deeptravel/server bench:dashboard ${process.argv.slice(2).join(' ')}`.trim(),
    startedAt: started.toISOString(), finishedAt: finished.toISOString(), machine: machine(), revision: revision(),
    orders: ORDERS, days: DAYS, calls: CALLS, databaseSize: size, rowCounts: sizes, generateMs: gen.ms, generateSteps: gen.value, deltaGenerateMs: delta.ms, vacuumMs: vac.ms,
    fullScanMs: { days14: full14.ms, all: fullAll.ms }, firstFold: { ms: first.ms, rows: first.value.rows },
    rollupReadMs: { days14: r14.ms, all: rAll.ms }, adminMetricsHttp: { days14: http14, all: httpAll },
    deltaFold: { orders: DELTA, ms: deltaFold.ms, rows: deltaFold.value.rows }, onDemand: { apiOrders: API_ORDERS, ms: Math.round(onDemand.ms) },
    figuresMatch, failures,
  });
  console.log(`\n${text}\n\nrows: ${sizes.map((s: any) => `${s.t} ${num(Number(s.n))}`).join(', ')}; database ${size}`);
  console.log(`results: ${file} (${Math.round((finished.getTime() - started.getTime()) / 1000)} s)`);
  if (failures.length) console.log(`FAILED:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
  return failures.length ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (err) {
  console.error((err as Error).stack ?? err);
  process.exitCode = 1;
} finally {
  await runCleanups(log);
}
