/**
 * orders-sustained (issue 9): 10,000 travellers connected at once (open keep-alive connections),
 * creating orders at a stated aggregate rate (default 1,000/s for 20 s) over many trips, with signed
 * session tokens (as production). Open loop: latency runs from each request's scheduled instant.
 * Floors in the same run: a bare node:http server given the same connections and schedule, and the
 * raw SQL of the seat transaction (UPDATE trip … + INSERT orders) at max throughput, pool 20.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { SessionTokens } from '../../src/modules/identity/session-token.js';
import { defer } from '../lib/cleanup.js';
import { withClient } from '../lib/db.js';
import { startBenchEnv } from '../lib/env.js';
import { startHttpFloor } from '../lib/floor-http.js';
import { runLoad, type LoadJob, type LoadRequest } from '../lib/load.js';
import { machineCpu, nofileLimits } from '../lib/proc.js';
import { num, ratio } from '../lib/report.js';
import { figuresOf } from '../lib/stats.js';
import { checkLines, figuresTable, groupCommitCounts, groupCommitText, loadLine, nonOk, outcomesText, runSqlTxFloor, sortChecks, type Check } from './common.js';
import { numArg, type BenchOptions, type Scenario, type ScenarioOutcome } from './types.js';

export const ordersSustained: Scenario = {
  name: 'orders-sustained',
  title: '10,000 open connections creating orders at a stated rate over many trips',
  smokeArgs: { connections: '300', rate: '100', seconds: '2', trips: '10' },
  options: [
    '--connections N  open keep-alive connections = travellers (default 10000)',
    '--rate N         orders per second (default 1000)',
    '--seconds N      duration (default 20)',
    '--trips N        trips the orders are spread over (default 100)',
    '--max-in-flight N  the server\'s HTTP_MAX_IN_FLIGHT (admission control; default: the server\'s own default)',
  ],
  async run(opts: BenchOptions): Promise<ScenarioOutcome> {
    const load0 = loadavg();
    const C = numArg(opts, 'connections', 10_000);
    const RATE = numArg(opts, 'rate', 1000);
    const SECONDS = numArg(opts, 'seconds', 20);
    const TRIPS = numArg(opts, 'trips', 100);
    const N = Math.round(RATE * SECONDS);
    const failures: string[] = [];
    const missedTargets: string[] = [];
    const limits = nofileLimits();
    if (limits && limits.hard < C + 1024) throw new Error(`ulimit -n hard limit ${limits.hard} < ${C + 1024}`);

    const secret = randomBytes(32).toString('hex');
    const maxInFlight = opts.args['max-in-flight'];
    const env = await startBenchEnv({
      logName: `orders-sustained-${opts.stamp}`,
      serverEnv: { SESSION_SECRET: secret, ...(typeof maxInFlight === 'string' ? { HTTP_MAX_IN_FLIGHT: maxInFlight } : {}) },
    });
    const { server, db } = env;
    opts.log(`server pid ${server.child.pid} ready in ${server.readyMs} ms at ${server.url}`);
    const capacity = Math.ceil((N + 2000) / TRIPS) + 10;
    const data = await withClient(db.url, async (c) => {
      await c.query(`INSERT INTO traveller (dev_token, nickname) SELECT 'os-' || g, 'bench' FROM generate_series(1, $1::int) g`, [C]);
      const travellers = (await c.query<{ id: number }>(`SELECT id FROM traveller WHERE dev_token LIKE 'os-%' ORDER BY id`)).rows.map((r) => Number(r.id));
      const trips = (
        await c.query<{ id: number }>(
          `INSERT INTO trip (route_id, product_id, departure_at, arrival_at, capacity)
           SELECT 1, 1, now() + interval '2 days' + g * interval '1 minute', now() + interval '2 days 30 minutes' + g * interval '1 minute', $2
             FROM generate_series(1, $1::int) g RETURNING id`,
          [TRIPS + 1, capacity],
        )
      ).rows.map((r) => Number(r.id));
      return { travellers, trips: trips.slice(0, TRIPS), floorTrip: trips[TRIPS] };
    });
    const signer = new SessionTokens(secret);
    const exp = Math.floor(Date.now() / 1000) + 86_400;
    const tokens = data.travellers.map((id) => signer.issue({ kind: 'traveller', sub: id, exp }));
    const req = (i: number): LoadRequest => ({
      method: 'POST', path: '/orders', headers: { authorization: `Bearer ${tokens[i % tokens.length]}` },
      body: JSON.stringify({ items: [{ product_id: 1, trip_id: data.trips[i % TRIPS], qty: 1 }] }),
    });
    const warm = Array.from({ length: opts.smoke ? 100 : 2000 }, (_, i) => req(i + 7));
    const requests = Array.from({ length: N }, (_, i) => req(i));
    const job = (host: string, port: number): LoadJob => ({
      host, port, mode: 'rate', rate: RATE, connections: C, requests, timeoutMs: 10_000, maxDurationMs: SECONDS * 1000 + 15_000, connectConcurrency: 256, settleMs: 1000,
    });

    // Floors.
    opts.log('floor: bare node:http …');
    const fl = await startHttpFloor();
    defer('stop http floor', () => fl.stop());
    const floorHttp = figuresOf(await runLoad(job(fl.host, fl.port)));
    await fl.stop();
    opts.log(`  ${num(floorHttp.throughput)}/s, p95 ${num(floorHttp.latency.p95, 1)} ms`);
    opts.log('floor: raw SQL seat transaction, max throughput, pool 20, 64 in flight …');
    const floorN = Math.min(N, 10_000);
    const floorSql = figuresOf(
      await runSqlTxFloor({
        url: db.url, pool: 20, concurrency: 64, maxDurationMs: 60_000,
        txs: Array.from({ length: floorN }, (_, i) => [
          { sql: `UPDATE trip SET locked = locked + 1, updated_at = now() WHERE id = $1 AND status = 'SCHEDULED' AND departure_at > now() AND capacity - sold - locked >= 1 RETURNING id`, params: [data.trips[i % TRIPS]], expectRows: true },
          { sql: `INSERT INTO orders (order_no, traveller_id, status, total_amount, lock_expire_at, snapshot) VALUES ($1, $2, 'PENDING', 26000, now() + interval '10 minutes', '{}'::jsonb) RETURNING id`, params: [`FLOOR-${i}`, data.travellers[i % data.travellers.length]] },
        ]),
      }),
    );
    // Give the floor's seats back so the server sees the full capacity.
    await withClient(db.url, async (c) => {
      await c.query(`DELETE FROM orders WHERE order_no LIKE 'FLOOR-%'`);
      await c.query(`UPDATE trip SET locked = 0 WHERE id = ANY($1::int[])`, [data.trips]);
    });
    opts.log(`  ${num(floorSql.throughput)}/s, p95 ${num(floorSql.latency.p95, 1)} ms`);

    // Server: warm-up at a gentle closed loop, then the sustained run.
    opts.log(`server warm-up: ${num(warm.length)} orders (closed loop, 50 connections) …`);
    const warmF = figuresOf(await runLoad({ host: server.host, port: server.port, mode: 'closed', connections: 50, requests: warm, timeoutMs: 30_000, maxDurationMs: 120_000 }));
    opts.log(`  ${outcomesText(warmF)}`);
    opts.log(`sustained: ${num(C)} connections, ${num(N)} POST /orders at ${num(RATE)}/s over ${TRIPS} trips …`);
    const g0 = await groupCommitCounts(server.url, 'orders');
    const cpu0 = server.child.cpuSeconds();
    const m0 = machineCpu();
    const f = figuresOf(await runLoad(job(server.host, server.port)));
    const m1 = machineCpu();
    const cpu1 = server.child.cpuSeconds();
    const grouping = groupCommitText(g0, await groupCommitCounts(server.url, 'orders'));
    opts.log(`  ${num(f.throughput)}/s, p95 ${num(f.latency.p95, 1)} ms; ${outcomesText(f)}`);
    opts.log(`  ${grouping}`);

    const inv = await withClient(db.url, async (c) => {
      const r = await c.query(
        `SELECT count(*)::int AS trips,
                count(*) FILTER (WHERE t.locked + t.sold > t.capacity OR t.locked <> coalesce(p.n, 0))::int AS bad,
                sum(t.locked)::int AS locked
           FROM trip t LEFT JOIN (SELECT oi.trip_id, count(*) AS n FROM order_item oi JOIN orders o ON o.id = oi.order_id WHERE o.status = 'PENDING' GROUP BY oi.trip_id) p ON p.trip_id = t.id
          WHERE t.id = ANY($1::int[])`,
        [data.trips],
      );
      return r.rows[0] as { trips: number; bad: number; locked: number };
    });
    const achieved = f.drainMs > 0 ? Math.round((f.outcomes.ok / f.drainMs) * 1000) : 0;
    const checks: Check[] = [
      { target: `all ${num(C)} connections open`, ok: f.connections.opened === C, detail: `${num(f.connections.opened)} opened in ${num(f.connections.ms)} ms${f.connections.failed ? ` (${JSON.stringify(f.connections.errors)})` : ''}`, hard: true },
      { target: 'no errors (every order 2xx)', ok: nonOk(f) === 0, detail: outcomesText(f), hard: true },
      { target: 'no oversell; locked = PENDING orders on every trip', ok: inv.bad === 0, detail: `${inv.trips} trips, ${inv.bad} inconsistent; locked ${num(inv.locked)} in PostgreSQL for ${num(f.outcomes.ok + warmF.outcomes.ok)} 2xx answers (warm-up included; orders committed after their request timed out make the difference)`, hard: true },
      { target: `achieved rate ≈ ${num(RATE)}/s`, ok: achieved >= RATE * 0.95, detail: `${num(achieved)} orders/s (2xx over first send → last answer)`, hard: false },
      { target: 'p95 < 100 ms', ok: f.latency.p95 < 100, detail: `p95 ${num(f.latency.p95, 1)} ms`, hard: false },
    ];
    sortChecks(checks, failures, missedTargets);
    const serverCpu = cpu0 !== null && cpu1 !== null ? Math.round((cpu1 - cpu0) * 100) / 100 : null;
    const busy = m0 && m1 ? (m1.busy - m0.busy) / (m1.total - m0.total) : null;
    await server.stop();
    const text = [
      `orders-sustained: ${num(C)} open keep-alive connections (session tokens), ${num(N)} POST /orders at ${num(RATE)}/s (open loop) over ${TRIPS} trips`,
      loadLine(load0),
      '',
      figuresTable({ label: 'server', f }, [{ label: 'floor: bare http', f: floorHttp }, { label: 'floor: raw SQL (max, 64 in flight)', f: floorSql }]),
      '',
      `outcomes (server): ${outcomesText(f)}`,
      `answers per second: ${f.timeline.map((b) => b.ok + b.soldOut + b.busyRetry + b.other).join(' ')}`,
      // With admission control, refusals (429 BUSY_RETRY) are fast; the latency of the orders taken is this.
      ...Object.entries(f.latencyByOutcome).map(([k, l]) => `latency of ${k} answers (${num(l.count)}): p50 ${num(l.p50, 1)} / p95 ${num(l.p95, 1)} / p99 ${num(l.p99, 1)} ms`),
      `server warm-up (closed loop, 50 connections): ${num(warmF.throughput)}/s, p95 ${num(warmF.latency.p95, 1)} ms — the server's max order rate`,
      `server max (warm-up) ÷ raw-SQL floor: ${ratio(warmF.throughput, floorSql.throughput)}`,
      `CPU during the run: server process ${num(serverCpu, 1)} s; machine ${busy !== null ? num(busy * 100) : '–'} % busy`,
      grouping,
      '',
      'targets (PRODUCT.md):',
      ...checkLines(checks),
    ].join('\n');
    return { text, failures, missedTargets, data: { parameters: { connections: C, rate: RATE, seconds: SECONDS, trips: TRIPS, requests: N }, loadAverageAtStart: load0, server: f, warmup: warmF, floorHttp, floorSql, achievedOrdersPerSecond: achieved, serverCpuSeconds: serverCpu, machineBusyShare: busy, invariant: inv, checks } };
  },
};
