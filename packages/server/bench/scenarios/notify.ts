/**
 * notify (issue 9): the mock gateway's payment notify (POST /payments/notify) for prepared PENDING
 * orders (product 1, one seat each, made through POST /orders), at max throughput (closed loop), beside
 * a bare node:http floor and a raw-SQL floor of a reduced pay transaction on the other half of the
 * orders: INSERT payment; UPDATE orders → PAID (only if PENDING); UPDATE trip locked → sold;
 * INSERT state_transition; INSERT outbox_event. (The server also writes the tickets and their lines,
 * which the floor leaves out: the floor is a lower bound on the SQL work.)
 */
import { loadavg } from 'node:os';
import { defer } from '../lib/cleanup.js';
import { withClient } from '../lib/db.js';
import { startBenchEnv } from '../lib/env.js';
import { startHttpFloor } from '../lib/floor-http.js';
import { runLoad } from '../lib/load.js';
import { machineCpu } from '../lib/proc.js';
import { num, ratio } from '../lib/report.js';
import { figuresOf } from '../lib/stats.js';
import { checkLines, figuresTable, loadLine, nonOk, outboxDrain, outboxDrainText, outboxMark, outcomesText, runSqlTxFloor, sortChecks, type Check } from './common.js';
import { addTravellers, createOrders, notifyRequests, pendingOrders } from './prep.js';
import { numArg, type BenchOptions, type Scenario, type ScenarioOutcome } from './types.js';

const PREFIX = 'ntf-';

export const notify: Scenario = {
  name: 'notify',
  title: 'Payment notify (mock gateway) for prepared PENDING orders at max throughput',
  smokeArgs: { orders: '100' },
  options: [
    '--orders N       measured notifies (default 2000; as many more orders for the SQL floor, 200 for warm-up)',
    '--connections N  keep-alive connections (default 32)',
  ],
  async run(opts: BenchOptions): Promise<ScenarioOutcome> {
    const load0 = loadavg();
    const N = numArg(opts, 'orders', 2000);
    const C = numArg(opts, 'connections', 32);
    const W = opts.smoke ? 20 : 200;
    const failures: string[] = [];
    const missedTargets: string[] = [];
    const env = await startBenchEnv({ logName: `notify-${opts.stamp}` });
    const { server, db } = env;
    opts.log(`server pid ${server.child.pid} ready in ${server.readyMs} ms at ${server.url}`);
    const total = W + 2 * N;
    await addTravellers(db.url, PREFIX, total);
    const trips = await withClient(db.url, async (c) =>
      (
        await c.query<{ id: number }>(
          `INSERT INTO trip (route_id, product_id, departure_at, arrival_at, capacity)
           SELECT 1, 1, now() + interval '2 days' + g * interval '1 minute', now() + interval '2 days 30 minutes' + g * interval '1 minute', 1000
             FROM generate_series(1, $1::int) g RETURNING id`,
          [Math.ceil(total / 500)],
        )
      ).rows.map((r) => Number(r.id)),
    );
    opts.log(`set-up: ${num(total)} orders through POST /orders …`);
    const made = await createOrders(server, Array.from({ length: total }, (_, i) => ({ token: `${PREFIX}${i + 1}`, body: { items: [{ product_id: 1, trip_id: trips[i % trips.length], qty: 1 }] } })));
    if (made.outcomes.ok !== total) throw new Error(`set-up: POST /orders: ${outcomesText(made)}`);
    const pending = await pendingOrders(db.url, PREFIX);
    const warm = pending.slice(0, W);
    const mine = pending.slice(W, W + N);
    const floorOrders = pending.slice(W + N);
    const floorRows = await withClient(db.url, async (c) =>
      (await c.query(`SELECT o.id, o.total_amount AS total, oi.trip_id FROM orders o JOIN order_item oi ON oi.order_id = o.id WHERE o.id = ANY($1::int[]) ORDER BY o.id`, [floorOrders.map((o) => o.id)])).rows,
    );

    opts.log('floor: bare node:http …');
    const fl = await startHttpFloor();
    defer('stop http floor', () => fl.stop());
    const reqs = notifyRequests(mine, 'T-ntf-');
    await runLoad({ host: fl.host, port: fl.port, mode: 'closed', connections: C, requests: reqs.slice(0, W), timeoutMs: 10_000, maxDurationMs: 30_000 });
    const floorHttp = figuresOf(await runLoad({ host: fl.host, port: fl.port, mode: 'closed', connections: C, requests: reqs, timeoutMs: 10_000, maxDurationMs: 60_000 }));
    await fl.stop();
    opts.log(`  ${num(floorHttp.throughput)}/s, p95 ${num(floorHttp.latency.p95, 1)} ms`);

    opts.log(`floor: raw SQL pay transaction (reduced), pool 20, ${C} in flight …`);
    const floorSql = figuresOf(
      await runSqlTxFloor({
        url: db.url, pool: 20, concurrency: C, maxDurationMs: 120_000,
        txs: floorRows.map((o: any) => [
          { sql: `UPDATE orders SET status = 'PAID', updated_at = now() WHERE id = $1 AND status = 'PENDING' RETURNING id`, params: [o.id], expectRows: true },
          { sql: `INSERT INTO payment (order_id, gateway, gateway_txn_id, amount, status) VALUES ($1, 'MOCK', $2, $3, 'SUCCESS')`, params: [o.id, `FLOOR-${o.id}`, o.total] },
          { sql: `UPDATE trip SET locked = locked - 1, sold = sold + 1, updated_at = now() WHERE id = $1`, params: [o.trip_id] },
          { sql: `INSERT INTO state_transition (entity_type, entity_id, from_state, to_state, actor) VALUES ('order', $1, 'PENDING', 'PAID', 'bench-floor')`, params: [o.id] },
          { sql: `INSERT INTO outbox_event (topic, payload, status) VALUES ('bench.floor', $1::jsonb, 'DELIVERED')`, params: [JSON.stringify({ orderId: o.id })] },
        ]),
      }),
    );
    opts.log(`  ${num(floorSql.throughput)}/s, p95 ${num(floorSql.latency.p95, 1)} ms; ${outcomesText(floorSql)}`);

    opts.log(`server warm-up: ${W} notifies …`);
    await runLoad({ host: server.host, port: server.port, mode: 'closed', connections: C, requests: notifyRequests(warm, 'T-ntf-'), timeoutMs: 30_000, maxDurationMs: 60_000 });
    opts.log(`notify: ${num(N)} POST /payments/notify, closed loop over ${C} keep-alive connections …`);
    const mark = await outboxMark(db.url);
    const cpu0 = server.child.cpuSeconds();
    const m0 = machineCpu();
    const t0 = performance.now();
    const f = figuresOf(await runLoad({ host: server.host, port: server.port, mode: 'closed', connections: C, requests: reqs, timeoutMs: 30_000, maxDurationMs: 120_000 }));
    const t1 = performance.now();
    const m1 = machineCpu();
    const cpu1 = server.child.cpuSeconds();
    opts.log(`  ${num(f.throughput)}/s, p95 ${num(f.latency.p95, 1)} ms; ${outcomesText(f)}`);
    const drain = await outboxDrain(db.url, 'payment.succeeded', mark, t0, t1);
    opts.log(`  ${outboxDrainText(drain)}`);

    const inv = await withClient(db.url, async (c) => {
      const ids = mine.map((o) => o.id).concat(warm.map((o) => o.id));
      const q = async (sql: string) => Number((await c.query(sql, [ids])).rows[0].n);
      return {
        paid: await q(`SELECT count(*)::int AS n FROM orders WHERE id = ANY($1::int[]) AND status = 'PAID'`),
        ordersWithoutTickets: await q(`SELECT count(*)::int AS n FROM orders o WHERE o.id = ANY($1::int[]) AND o.status = 'PAID' AND NOT EXISTS (SELECT 1 FROM ticket t WHERE t.order_id = o.id)`),
        ordersWithTwoTicketSets: await q(`SELECT count(*)::int AS n FROM (SELECT t.order_id FROM ticket t WHERE t.order_id = ANY($1::int[]) GROUP BY t.order_id HAVING count(*) > 1) x`),
        payments: await q(`SELECT count(*)::int AS n FROM payment WHERE order_id = ANY($1::int[])`),
      };
    });
    const expected = N + W;
    const checks: Check[] = [
      { target: 'every notify answered 2xx', ok: nonOk(f) === 0, detail: outcomesText(f), hard: true },
      { target: 'every notified order PAID with exactly one set of tickets', ok: inv.paid === expected && inv.ordersWithoutTickets === 0 && inv.ordersWithTwoTicketSets === 0, detail: `PAID ${num(inv.paid)} of ${num(expected)}; PAID without tickets ${inv.ordersWithoutTickets}; orders with more than one ticket (1 seat each) ${inv.ordersWithTwoTicketSets}; payment rows ${num(inv.payments)}`, hard: true },
      { target: 'notify ≥ 500/s', ok: f.throughput >= 500, detail: `${num(f.throughput)}/s (${ratio(f.throughput, floorSql.throughput)} of the reduced raw-SQL floor)`, hard: false },
      { target: 'p95 < 200 ms', ok: f.latency.p95 < 200, detail: `p95 ${num(f.latency.p95, 1)} ms`, hard: false },
    ];
    sortChecks(checks, failures, missedTargets);
    const serverCpu = cpu0 !== null && cpu1 !== null ? Math.round((cpu1 - cpu0) * 100) / 100 : null;
    const busy = m0 && m1 ? (m1.busy - m0.busy) / (m1.total - m0.total) : null;
    await server.stop();
    const text = [
      `notify: ${num(N)} POST /payments/notify (mock gateway, SUCCESS) for PENDING one-seat orders, closed loop over ${C} keep-alive connections (after ${W} warm-up)`,
      loadLine(load0),
      '',
      figuresTable({ label: 'server', f }, [{ label: 'floor: raw SQL (reduced)', f: floorSql }, { label: 'floor: bare http', f: floorHttp }]),
      '',
      `outcomes (server): ${outcomesText(f)}`,
      `set-up: ${num(total)} orders through POST /orders at ${num(made.throughput)}/s (32 connections, p95 ${num(made.latency.p95, 1)} ms)`,
      `CPU during the run: server process ${num(serverCpu, 1)} s over ${num(f.drainMs / 1000, 1)} s; machine ${busy !== null ? num(busy * 100) : '–'} % busy`,
      outboxDrainText(drain),
      '',
      'targets (PRODUCT.md):',
      ...checkLines(checks),
    ].join('\n');
    return { text, failures, missedTargets, data: { parameters: { orders: N, warmup: W, connections: C, sqlFloorPool: 20 }, loadAverageAtStart: load0, server: f, floorSql, floorHttp, setupOrders: made, serverCpuSeconds: serverCpu, machineBusyShare: busy, outboxDrain: drain, invariant: inv, checks } };
  },
};
