/**
 * hot-trip (issue 3): a burst of N (10,000) simultaneous createOrder on ONE trip with S (500) seats.
 *
 * One run, in this order (each load from a process of its own, never the server's):
 *  1. fresh database + Redis prefix, the real server started as `node src/main.ts` (migrations, seed);
 *     N bench travellers, warm-up travellers and three trips inserted directly in PostgreSQL;
 *  2. floor (a): a bare node:http server process, same N connections and requests;
 *  3. floor (b): the raw SQL of the seat transaction through `pg`, pool 20, N attempts on a fresh trip;
 *  4. server warm-up: W orders on a trip of its own (all succeed; gives the PostgreSQL cost of one order);
 *  5. the burst: N connections opened, then one POST /orders written on each at once;
 *  6. a probe: P more requests on the now sold-out trip by travellers the server already knows
 *     (what one refusal costs PostgreSQL once the burst is over);
 *  7. the invariant in PostgreSQL, then everything is stopped and removed.
 * PostgreSQL statistics (pg_stat_database, pg_stat_user_tables) are read after each phase has been
 * quiet for 11 s, the time a backend may keep its counters before publishing them.
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { SessionTokens } from '../../src/modules/identity/session-token.js';
import { defer } from '../lib/cleanup.js';
import { diffCounters, readCounters, withClient, type CounterDiff } from '../lib/db.js';
import { startBenchEnv } from '../lib/env.js';
import { startHttpFloor } from '../lib/floor-http.js';
import { runLoad, runSqlFloor, type LoadRequest } from '../lib/load.js';
import { machineCpu, nofileLimits, sleep } from '../lib/proc.js';
import { num, ratio, table } from '../lib/report.js';
import { count5xx, figuresOf, unanswered, type RunFigures } from '../lib/stats.js';
import { numArg, type BenchOptions, type Scenario, type ScenarioOutcome } from './types.js';

/** How long PostgreSQL backends may hold their statistics before publishing them (10 s) + margin. */
const STATS_SETTLE_MS = 11_000;
const SMOKE_SETTLE_MS = 0;
/** Idle window used to measure the background rate of transactions (the outbox poller). */
const NOISE_WINDOW_MS = 5_000;
const PRODUCT_ID = 1;
const ROUTE_ID = 1;

function orderRequest(token: string, tripId: number): LoadRequest {
  return {
    method: 'POST',
    path: '/orders',
    headers: { authorization: `Bearer ${token}` },
    body: JSON.stringify({ items: [{ product_id: PRODUCT_ID, trip_id: tripId, qty: 1 }] }),
  };
}

function outcomeLine(f: RunFigures, okLabel: string): string {
  const o = f.outcomes;
  const list = (r: Record<string, number>) => Object.entries(r).map(([k, v]) => `${k}: ${num(v)}`).join(', ');
  const other4 = Object.values(o.other4xx).reduce((a, b) => a + b, 0);
  const errs = Object.values(o.errors).reduce((a, b) => a + b, 0);
  return [
    `${okLabel} ${num(o.ok)}`,
    `SOLD_OUT ${num(o.soldOut)}`,
    `BUSY_RETRY ${num(o.busyRetry)}`,
    `other 4xx ${num(other4)}${other4 ? ` (${list(o.other4xx)})` : ''}`,
    `5xx ${num(count5xx(o))}${count5xx(o) ? ` (${list(o.http5xx)})` : ''}`,
    `errors ${num(errs)}${errs ? ` (${list(o.errors)})` : ''}`,
    `time-outs ${num(o.timeouts)}`,
    ...(o.notSent ? [`not sent ${num(o.notSent)}`] : []),
  ].join(' · ');
}

function tablesLine(d: CounterDiff, names: string[]): string {
  return names
    .filter((n) => d.tables[n])
    .map((n) => {
      const t = d.tables[n];
      const parts = [t.scans ? `${num(t.scans)} reads` : '', t.inserted ? `+${num(t.inserted)} rows` : '', t.updated ? `${num(t.updated)} updates` : ''].filter(Boolean);
      return `${n} ${parts.join('/')}`;
    })
    .join(', ');
}

export const hotTrip: Scenario = {
  name: 'hot-trip',
  title: 'Burst: simultaneous createOrder (POST /orders) on one trip',
  smokeArgs: { requests: '400', seats: '50', warmup: '50', probe: '20' },
  options: [
    '--requests N     simultaneous requests = connections (default 10000)',
    '--seats N        seats on the hot trip (default 500)',
    '--auth dev|session  bearer tokens: dev tokens (test mode, looked up in PostgreSQL once per token) or signed session tokens (default dev)',
    '--timeout-ms N   a request unanswered after this is a time-out (default 60000)',
    '--warmup N       server warm-up orders before the burst (default 1000)',
    '--probe N        refusals sent after the burst to measure their PostgreSQL cost (default 200)',
    '--no-floors      skip the bare-HTTP and raw-SQL floors',
    '--warm-counter   just before the burst, build the trip\'s admission counter through the API (one order, then cancelOrder),',
    '                 to measure the path where the counter already exists (default: the trip is cold, as a fresh trip is)',
  ],

  async run(opts: BenchOptions): Promise<ScenarioOutcome> {
    const N = numArg(opts, 'requests', 10_000);
    const SEATS = numArg(opts, 'seats', 500);
    const WARM = numArg(opts, 'warmup', 1000);
    const PROBE = numArg(opts, 'probe', 200);
    const timeoutMs = numArg(opts, 'timeout-ms', 60_000);
    const auth = opts.args.auth === 'session' ? 'session' : 'dev';
    const withFloors = !opts.args['no-floors'];
    const warmCounter = !!opts.args['warm-counter'];
    const failures: string[] = [];
    const missedTargets: string[] = [];

    const loadAtStart = loadavg()[0];
    if (loadAtStart > 1) opts.log(`warning: load average ${loadAtStart.toFixed(2)} at start: something else is using the CPUs, figures will be noisy`);
    const limits = nofileLimits();
    if (limits && limits.hard < N + 1024) {
      throw new Error(`ulimit -n hard limit is ${limits.hard}; ${N} connections need at least ${N + 1024} (raise it, or pass --requests)`);
    }

    // 1. Environment and data.
    const sessionSecret = randomBytes(32).toString('hex');
    const env = await startBenchEnv({ logName: `hot-trip-${opts.stamp}`, serverEnv: auth === 'session' ? { SESSION_SECRET: sessionSecret } : {} });
    const { server, db } = env;
    opts.log(`server pid ${server.child.pid} ready in ${server.readyMs} ms at ${server.url} (database ${db.name}, Redis prefix ${env.redisPrefix})`);

    const data = await withClient(db.url, async (c) => {
      await c.query(`INSERT INTO traveller (dev_token, nickname) SELECT 'bench-' || g, 'bench' FROM generate_series(1, $1::int) g`, [N]);
      await c.query(`INSERT INTO traveller (dev_token, nickname) SELECT 'warm-' || g, 'bench-warm' FROM generate_series(0, $1::int) g`, [Math.max(WARM, 1)]);
      const trip = async (capacity: number) =>
        (
          await c.query<{ id: number }>(
            `INSERT INTO trip (route_id, product_id, departure_at, arrival_at, capacity)
             VALUES ($1, $2, now() + interval '2 days', now() + interval '2 days 30 minutes', $3) RETURNING id`,
            [ROUTE_ID, PRODUCT_ID, capacity],
          )
        ).rows[0].id;
      const hot = await trip(SEATS);
      const warm = await trip(Math.max(WARM, 1));
      const floor = await trip(SEATS);
      const ids = new Map<string, number>();
      for (const r of (await c.query<{ id: number; dev_token: string }>(`SELECT id, dev_token FROM traveller WHERE nickname LIKE 'bench%'`)).rows) {
        ids.set(r.dev_token, r.id);
      }
      return { hot, warm, floor, ids };
    });
    const signer = new SessionTokens(sessionSecret);
    const exp = Math.floor(Date.now() / 1000) + 86_400;
    const token = (devToken: string) =>
      auth === 'dev' ? devToken : signer.issue({ kind: 'traveller', sub: data.ids.get(devToken)!, exp });
    const burstRequests = Array.from({ length: N }, (_, i) => orderRequest(token(`bench-${i + 1}`), data.hot));
    const warmRequests = Array.from({ length: WARM }, (_, i) => orderRequest(token(`warm-${i + 1}`), data.warm));
    const burstJob = (host: string, port: number) => ({
      host, port, mode: 'burst' as const, connections: N, requests: burstRequests,
      timeoutMs, maxDurationMs: timeoutMs + 10_000, connectConcurrency: 256, settleMs: 1000,
    });

    // 2–3. Floors.
    let floorHttp: RunFigures | null = null;
    let floorSql: RunFigures | null = null;
    let floorSqlTrip: { capacity: number; sold: number; locked: number; orders: number } | null = null;
    let floorSqlDb: CounterDiff | null = null;
    if (withFloors) {
      opts.log('floor (a): bare node:http server …');
      const f = await startHttpFloor();
      defer('stop http floor', () => f.stop());
      if (WARM) await runLoad({ host: f.host, port: f.port, mode: 'closed', connections: 50, requests: warmRequests, timeoutMs, maxDurationMs: 60_000 });
      floorHttp = figuresOf(await runLoad(burstJob(f.host, f.port)));
      await f.stop();
      opts.log(`  drain ${num(floorHttp.drainMs)} ms, p95 ${num(floorHttp.latency.p95, 1)} ms`);

      opts.log('floor (b): raw SQL seat transaction through pg, pool 20 …');
      const before = await readCounters(db);
      floorSql = figuresOf(
        await runSqlFloor({ url: db.url, tripId: data.floor, travellerId: data.ids.get('bench-1')!, attempts: N, pool: 20, orderNoPrefix: 'FLOOR-', maxDurationMs: 120_000 }),
      );
      floorSqlDb = diffCounters(before, await readCounters(db)); // the worker has exited: its counters are published
      floorSqlTrip = await withClient(db.url, async (c) => {
        const t = (await c.query(`SELECT capacity, sold, locked FROM trip WHERE id = $1`, [data.floor])).rows[0];
        const o = (await c.query(`SELECT count(*)::int AS n FROM orders WHERE order_no LIKE 'FLOOR-%'`)).rows[0];
        return { capacity: t.capacity, sold: t.sold, locked: t.locked, orders: o.n };
      });
      opts.log(`  drain ${num(floorSql.drainMs)} ms, p95 ${num(floorSql.latency.p95, 1)} ms, trip locked ${floorSqlTrip.locked}`);
    }

    // 4. Server warm-up (its own trip and travellers), then a quiet window for the noise rate.
    opts.log(`server warm-up: ${WARM} orders on a trip of their own …`);
    const cPre = await readCounters(db);
    const warm = WARM ? figuresOf(await runLoad({ host: server.host, port: server.port, mode: 'closed', connections: 50, requests: warmRequests, timeoutMs, maxDurationMs: 120_000 })) : null;
    if (warm) opts.log(`  ${outcomeLine(warm, 'locked')}`);
    await sleep(opts.smoke ? SMOKE_SETTLE_MS : STATS_SETTLE_MS);
    const cA = await readCounters(db);
    await sleep(opts.smoke ? SMOKE_SETTLE_MS : NOISE_WINDOW_MS);
    const c0 = await readCounters(db);
    const idle = diffCounters(cA, c0);
    const noisePerSecond = idle.seconds > 0 ? idle.xacts / idle.seconds : 0;
    const warmDb = diffCounters(cPre, cA);
    const perOrder = warm && warm.outcomes.ok ? (warmDb.xacts - noisePerSecond * warmDb.seconds) / warm.outcomes.ok : NaN;

    // 5. The burst.
    let counterWarmedBy: { orderId: number; cancelStatus: number } | null = null;
    if (warmCounter) {
      // One order by traveller warm-0 builds the counter (and takes a seat), cancelOrder gives it back.
      const auth0 = { authorization: `Bearer ${token('warm-0')}`, 'content-type': 'application/json' };
      const made = await fetch(`${server.url}/orders`, { method: 'POST', headers: auth0, body: orderRequest('', data.hot).body });
      const order = (await made.json()) as { order_id?: number };
      if (made.status !== 200 || !order.order_id) throw new Error(`--warm-counter: POST /orders answered ${made.status}`);
      const cancelled = await fetch(`${server.url}/graphql`, {
        method: 'POST', headers: auth0,
        body: JSON.stringify({ query: 'mutation($id: ID!) { cancelOrder(orderId: $id) { id status } }', variables: { id: String(order.order_id) } }),
      });
      await cancelled.arrayBuffer();
      counterWarmedBy = { orderId: order.order_id, cancelStatus: cancelled.status };
      opts.log(`  admission counter built by order ${order.order_id}, cancelled (HTTP ${cancelled.status})`);
    }
    opts.log(`burst: ${num(N)} connections, then ${num(N)} POST /orders at once on trip ${data.hot} (${SEATS} seats, auth ${auth}) …`);
    const cpu0 = server.child.cpuSeconds();
    const m0 = machineCpu();
    const burstRaw = await runLoad(burstJob(server.host, server.port));
    const m1 = machineCpu();
    const cpu1 = server.child.cpuSeconds();
    // Busy share of all cores over the load run (connect phase included); the rest of the busy time
    // beyond the server and the load generator is PostgreSQL, Redis and the system.
    const machine = m0 && m1 ? { busySeconds: Math.round((m1.busy - m0.busy) * 10) / 10, busyShare: (m1.busy - m0.busy) / (m1.total - m0.total) } : null;
    const burst = figuresOf(burstRaw);
    opts.log(`  drain ${num(burst.drainMs)} ms, p95 ${num(burst.latency.p95, 1)} ms; ${outcomeLine(burst, 'locked')}`);
    const serverAlive = () => server.child.process.exitCode === null && server.child.process.signalCode === null;
    if (!serverAlive()) failures.push(`the server process exited during the burst (${new Date(server.child.exitedAt() ?? 0).toISOString()}):\n${server.child.tail()}`);

    await sleep(opts.smoke ? SMOKE_SETTLE_MS : STATS_SETTLE_MS);
    const c1 = await readCounters(db);
    const burstDb = diffCounters(c0, c1);
    const burstXacts = burstDb.xacts - noisePerSecond * burstDb.seconds;
    const refusals = burst.outcomes.soldOut + burst.outcomes.busyRetry;
    const perRefusal = refusals ? (burstXacts - burst.outcomes.ok * perOrder) / refusals : NaN;

    // 6. Probe: refusals once sold out, by travellers the server has seen.
    let probe: RunFigures | null = null;
    let probeDb: CounterDiff | null = null;
    let perProbe = NaN;
    if (PROBE && serverAlive()) {
      opts.log(`probe: ${PROBE} more requests on the sold-out trip …`);
      probe = figuresOf(
        await runLoad({
          host: server.host, port: server.port, mode: 'closed', connections: 10,
          requests: burstRequests.slice(0, Math.min(PROBE, N)), timeoutMs, maxDurationMs: 60_000,
        }),
      );
      await sleep(opts.smoke ? SMOKE_SETTLE_MS : STATS_SETTLE_MS);
      probeDb = diffCounters(c1, await readCounters(db));
      perProbe = (probeDb.xacts - noisePerSecond * probeDb.seconds) / probe.requests;
    }

    // 7. The invariant, in PostgreSQL.
    const inv = await withClient(db.url, async (c) => {
      const t = (await c.query(`SELECT capacity, sold, locked FROM trip WHERE id = $1`, [data.hot])).rows[0];
      const pending = (
        await c.query(
          `SELECT count(*)::int AS n FROM orders o JOIN order_item oi ON oi.order_id = o.id WHERE oi.trip_id = $1 AND o.status = 'PENDING'`,
          [data.hot],
        )
      ).rows[0].n as number;
      const all = (
        await c.query(
          `SELECT count(DISTINCT o.id)::int AS n FROM orders o JOIN order_item oi ON oi.order_id = o.id WHERE oi.trip_id = $1 AND o.id <> $2`,
          [data.hot, counterWarmedBy?.orderId ?? 0],
        )
      ).rows[0].n as number;
      return { capacity: t.capacity as number, sold: t.sold as number, locked: t.locked as number, pendingOrders: pending, allOrders: all };
    });
    const serverCpu = cpu0 !== null && cpu1 !== null ? Math.round((cpu1 - cpu0) * 100) / 100 : null;
    const serverRss = server.child.peakRssMb();
    const diedEarly = !serverAlive();
    const exitCode = await server.stop();
    if (diedEarly && !server.child.stopRequested()) {
      const at = server.child.exitedAt();
      failures.push(
        `the server process ended on its own (exit ${exitCode}) at ${at ? new Date(at).toISOString() : '?'}, ` +
          `${at ? Math.round((at - burstRaw.firedAt) / 1000) : '?'} s after the burst started; last output:\n${server.child.tail()}`,
      );
    }

    // Checks.
    const o = burst.outcomes;
    const lost = unanswered(o);
    const checks: Array<{ target: string; ok: boolean; detail: string; hard: boolean }> = [
      {
        target: 'every request answered (no socket error, no time-out)',
        ok: lost === 0,
        detail: `${num(burst.answered)} of ${num(N)} answered; errors ${num(lost - o.timeouts)}, time-outs ${num(o.timeouts)}`,
        hard: true,
      },
      { target: 'no 5xx (admission control answers 429 BUSY_RETRY)', ok: count5xx(o) === 0, detail: `${num(count5xx(o))} 5xx`, hard: true },
      {
        target: `exactly ${SEATS} locked`,
        ok: o.ok === SEATS && inv.locked === SEATS && inv.sold === 0 && inv.pendingOrders === SEATS && inv.allOrders === SEATS,
        detail: `200 answers ${o.ok}; trip capacity ${inv.capacity}, sold ${inv.sold}, locked ${inv.locked}; PENDING orders on the trip ${inv.pendingOrders} (orders on the trip in any status: ${inv.allOrders}${counterWarmedBy ? ', the --warm-counter order left out' : ''})`,
        hard: true,
      },
      {
        target: 'refusals made without a PostgreSQL round trip',
        ok: Number.isFinite(perRefusal) && perRefusal < 0.05 && (!Number.isFinite(perProbe) || perProbe < 0.05),
        detail:
          `≈ ${num(perRefusal, 2)} PostgreSQL transactions per refusal during the burst` +
          (Number.isFinite(perProbe) ? `, ${num(perProbe, 2)} per refusal after it (probe)` : ''),
        hard: false,
      },
      { target: 'drain time and p95 reported', ok: true, detail: `drain ${num(burst.drainMs)} ms, p95 ${num(burst.latency.p95, 1)} ms`, hard: false },
    ];
    for (const ch of checks) if (!ch.ok) (ch.hard ? failures : missedTargets).push(`${ch.target}: ${ch.detail}`);
    if (floorSqlTrip && (floorSqlTrip.locked !== SEATS || floorSqlTrip.orders !== SEATS)) {
      failures.push(`raw-SQL floor broke the invariant: locked ${floorSqlTrip.locked}, orders ${floorSqlTrip.orders}`);
    }

    // Requests that passed admission reach the order transaction, whose first statement inserts the
    // order row (n_tup_ins counts rolled-back rows too): inserted − locked were refused by PostgreSQL.
    const ordersInserted = (burstDb.tables.orders?.inserted ?? 0) - (counterWarmedBy ? 1 : 0);
    const admittedThenRefused = ordersInserted - o.ok;

    // Report.
    const L = (f: RunFigures | null, k: 'p50' | 'p95' | 'p99' | 'max') => (f ? f.latency[k] : null);
    const rows: string[][] = [['', 'server', 'floor: bare http', 'server ÷ floor', 'floor: raw SQL, pool 20', 'server ÷ floor']];
    const row = (label: string, get: (f: RunFigures | null) => number | null, digits = 0) =>
      rows.push([label, num(get(burst), digits), num(get(floorHttp), digits), ratio(get(burst), get(floorHttp)), num(get(floorSql), digits), ratio(get(burst), get(floorSql))]);
    row('answered', (f) => f?.answered ?? null);
    row('throughput (answers/s)', (f) => f?.throughput ?? null);
    row('p50 (ms)', (f) => L(f, 'p50'), 1);
    row('p95 (ms)', (f) => L(f, 'p95'), 1);
    row('p99 (ms)', (f) => L(f, 'p99'), 1);
    row('max (ms)', (f) => L(f, 'max'), 1);
    row('drain: first send → last answer (ms)', (f) => f?.drainMs ?? null);
    rows.push(['load generator CPU (s)', num(burst.clientCpuSeconds, 2), num(floorHttp?.clientCpuSeconds, 2), '', num(floorSql?.clientCpuSeconds, 2), '']);

    const byOutcome = (['ok', 'soldOut', 'busyRetry'] as const)
      .filter((k) => burst.latencyByOutcome[k])
      .map((k) => {
        const s = burst.latencyByOutcome[k]!;
        return `${{ ok: 'locked', soldOut: 'SOLD_OUT', busyRetry: 'BUSY_RETRY' }[k]} p50 ${num(s.p50, 1)} / p95 ${num(s.p95, 1)} / max ${num(s.max, 1)} ms`;
      })
      .join('; ');
    const mainTables = ['traveller', 'trip', 'orders', 'order_item', 'order_passenger', 'state_transition', 'outbox_event', 'setting', 'product'];
    const lines = [
      `hot-trip: ${num(N)} simultaneous POST /orders on one trip with ${SEATS} seats (auth: ${auth === 'dev' ? 'dev tokens, test mode' : 'signed session tokens'}; admission counter ${warmCounter ? 'built just before the burst' : 'cold'})`,
      `machine: ${cpus().length} cores, load average ${loadAtStart.toFixed(2)} at start${loadAtStart > 1 ? ' (NOT quiet: something else was running)' : ''}`,
      `connections: ${num(burst.connections.opened)} of ${num(N)} opened in ${num(burst.connections.ms)} ms` +
        (burst.connections.failed ? ` (${num(burst.connections.failed)} failed: ${JSON.stringify(burst.connections.errors)})` : '') +
        `; all ${num(N)} requests written within ${num(burst.sendSpreadMs, 1)} ms`,
      '',
      table(rows),
      '',
      `outcomes (server): ${outcomeLine(burst, 'locked')}`,
      `latency by outcome (server): ${byOutcome}`,
      `answers over time (server): first answer after ${num(burst.firstAnswerMs)} ms, last seat locked after ${num(burst.lastOkMs)} ms; per second: ${burst.timeline
        .map((b) => `${b.ok}/${b.soldOut + b.busyRetry + b.other}`)
        .join(' ')} (locked/refused)`,
      ...(floorHttp ? [`outcomes (bare http): ${outcomeLine(floorHttp, '200')}`] : []),
      ...(floorSql && floorSqlTrip
        ? [
            `outcomes (raw SQL): ${outcomeLine(floorSql, 'locked')}; trip locked ${floorSqlTrip.locked}, orders ${floorSqlTrip.orders}` +
              (floorSqlDb ? `; ${num(floorSqlDb.xacts)} PostgreSQL transactions` : ''),
          ]
        : []),
      '',
      `PostgreSQL during the burst: ${num(burstXacts)} transactions (${num(burstXacts / N, 2)} per request; background ${num(noisePerSecond, 1)}/s removed), ${num(burstDb.rollbacks)} rolled back`,
      `  one successful order costs ${num(perOrder, 1)} transactions (warm-up) → refusals ≈ ${num(perRefusal, 2)} each`,
      `  admitted by admission control but refused by PostgreSQL: ≈ ${num(admittedThenRefused)} (order rows inserted, rolled back ones included: ${num(ordersInserted)}; seats locked: ${num(o.ok)})`,
      `  tables: ${tablesLine(burstDb, mainTables)}`,
      ...(probe && probeDb && o.timeouts
        ? ['  (the burst had time-outs: the server was probably still working on them during the probe, whose figures are then not clean)']
        : []),
      ...(probe && probeDb
        ? [
            `  after sell-out (probe, ${probe.requests} requests by known travellers): ${outcomeLine(probe, 'locked')}`,
            `    ${num(perProbe, 2)} transactions per refusal; tables: ${tablesLine(probeDb, mainTables) || 'none touched'}; p95 ${num(probe.latency.p95, 1)} ms`,
          ]
        : []),
      `CPU during the burst run (connect + requests): machine ${machine ? `${num(machine.busySeconds, 1)} s busy, ${num(machine.busyShare * 100)} % of all cores` : '–'}; ` +
        `server process ${num(serverCpu, 1)} s (peak RSS ${num(serverRss)} MB, exit ${exitCode}); load generator ${num(burst.clientCpuSeconds, 1)} s; the rest is mostly PostgreSQL and Redis`,
      ...(warm ? [`server warm-up: ${outcomeLine(warm, 'locked')}; p95 ${num(warm.latency.p95, 1)} ms, ${num(warm.throughput)}/s`] : []),
      `invariant: trip capacity ${inv.capacity}, sold ${inv.sold}, locked ${inv.locked}; PENDING orders on the trip ${inv.pendingOrders}`,
      '',
      'targets (PRODUCT.md, burst):',
      ...checks.map((c) => `  [${c.ok ? 'PASS' : c.hard ? 'FAIL' : 'MISS'}] ${c.target}: ${c.detail}`),
    ];

    return {
      text: lines.join('\n'),
      failures,
      missedTargets,
      data: {
        parameters: { requests: N, connections: N, seats: SEATS, auth, timeoutMs, warmup: WARM, probe: PROBE, floors: withFloors, sqlFloorPool: 20, warmCounter },
        counterWarmedBy,
        ids: { hotTrip: data.hot, warmTrip: data.warm, floorTrip: data.floor, database: db.name, redisPrefix: env.redisPrefix },
        server: { readyMs: server.readyMs, cpuSecondsDuringBurst: serverCpu, peakRssMb: serverRss, exit: exitCode },
        machineCpuDuringBurst: machine,
        burst,
        floors: { http: floorHttp, sql: floorSql, sqlTrip: floorSqlTrip, sqlDb: floorSqlDb },
        ratios: {
          throughputVsHttp: floorHttp ? burst.throughput / floorHttp.throughput : null,
          throughputVsSql: floorSql ? burst.throughput / floorSql.throughput : null,
          p95VsHttp: floorHttp ? burst.latency.p95 / floorHttp.latency.p95 : null,
          p95VsSql: floorSql ? burst.latency.p95 / floorSql.latency.p95 : null,
          drainVsHttp: floorHttp ? burst.drainMs / floorHttp.drainMs : null,
          drainVsSql: floorSql ? burst.drainMs / floorSql.drainMs : null,
        },
        postgres: {
          noiseXactsPerSecond: noisePerSecond,
          warmup: warmDb,
          xactsPerSuccessfulOrder: perOrder,
          burst: burstDb,
          burstXactsCorrected: burstXacts,
          xactsPerRefusalInBurst: perRefusal,
          orderRowsInsertedInBurst: ordersInserted,
          admittedThenRefusedByPostgres: admittedThenRefused,
          probe: probeDb,
          xactsPerRefusalAfterSellOut: perProbe,
        },
        warmup: warm,
        probe,
        invariant: inv,
        checks,
      },
    };
  },
};

