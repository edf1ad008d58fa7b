/**
 * redemption (issue 9): sustained `redeem(scanNonce, ticketId, lineId)` by a TURBOJET staff terminal
 * on many paid tickets, beside the raw-SQL floor of the same transaction (the conditional
 * ticket_line UPDATE of redemptionRepository.redeemLine + the redemption/redemption_log INSERT of
 * insertRedemption, through `pg`) and a bare node:http floor.
 *
 * Set-up (not measured): travellers in SQL; orders of product 101 (3-in-1 pass, a TURBOJET ferry
 * line per passenger) through POST /orders and paid through POST /payments/notify (mock gateway), so
 * the tickets are real; half of them go to the SQL floor. Each server ticket's QR comes from
 * GET /my/tickets and is scanned once (scanCode, from this process: it returns the nonce redeem needs,
 * valid 2 minutes), then the redeems are sent from the load generator. The scans' rate is printed too.
 *
 * Closed loop by default (the most the server gives, beside the floor's most: the "≥ 60 % of the
 * raw-SQL floor" target); `--rate 2000` is the "sustained at 2,000/s, p95 < 50 ms" target as PRODUCT.md
 * words it: an open loop at that rate, latency counted from each redeem's scheduled time.
 */
import { loadavg } from 'node:os';
import { defer } from '../lib/cleanup.js';
import { withClient } from '../lib/db.js';
import { startBenchEnv } from '../lib/env.js';
import { startHttpFloor } from '../lib/floor-http.js';
import { runLoad, type LoadRequest } from '../lib/load.js';
import { machineCpu, sleep } from '../lib/proc.js';
import { runWrk } from '../lib/wrk.js';
import { num, ratio } from '../lib/report.js';
import { figuresOf, type RunFigures } from '../lib/stats.js';
import { checkLines, figuresTable, generatorOf, gql, groupCommitCounts, groupCommitText, inParallel, outboxDrain, outboxDrainText, outboxMark, loadLine, nonOk, outcomesText, rest, runSqlTxFloor, sortChecks, type Check } from './common.js';
import { addTravellers, createOrders, notifyRequests, pendingOrders } from './prep.js';
import { numArg, type BenchOptions, type Scenario, type ScenarioOutcome } from './types.js';

const STAFF_LOGIN = `mutation L($input: StaffLoginInput!) { staffLogin(input: $input) { token } }`;
const SCAN = `mutation S($payload: String!) { scanCode(payload: $payload) { scanNonce tickets { id redeemable lines { id own redeemable } } } }`;
const REDEEM = `mutation R($n: String!, $t: ID!, $l: ID!) { redeem(scanNonce: $n, ticketId: $t, lineId: $l) { id usesLeft } }`;
const QTY = 4;
const PREFIX = 'rdm-';

export const redemption: Scenario = {
  name: 'redemption',
  title: 'Sustained redeem (after one scan per ticket) beside the raw-SQL floor of the redeem transaction',
  smokeArgs: { redeems: '120', warmup: '20' },
  options: [
    '--redeems N      measured redeems (default 3000; as many more tickets are prepared for the SQL floor)',
    '--warmup N       redeems sent before the measured run (default 300)',
    '--connections N  keep-alive connections of the load generator, and transactions in flight in the SQL floor (default 64; 128 with --rate)',
    '--rate N         open loop: redeems at N/s for --seconds (default 5), latency counted from each one\'s scheduled time ("sustained at',
    '                 2,000/s" in PRODUCT.md); --redeems defaults to N × seconds then. Default: closed loop at the most the server gives',
    '--wrk            measure the redeems with wrk (closed loop for --seconds, default 2; far less CPU than the Node load generator;',
    '                 --redeems defaults to 6000 then, more than wrk can send, so no redeem is sent twice)',
  ],
  async run(opts: BenchOptions): Promise<ScenarioOutcome> {
    const load0 = loadavg();
    const generator = generatorOf(opts);
    const rate = numArg(opts, 'rate', 0);
    if (rate && generator === 'wrk') throw new Error('--rate is an open loop of the Node load generator; wrk measures closed loop only');
    const wrkSeconds = numArg(opts, 'seconds', 2);
    const rateSeconds = numArg(opts, 'seconds', 5);
    const N = numArg(opts, 'redeems', rate ? Math.round(rate * rateSeconds) : generator === 'wrk' ? 6000 : 3000);
    const W = numArg(opts, 'warmup', 300);
    const C = numArg(opts, 'connections', rate ? 128 : 64);
    const failures: string[] = [];
    const missedTargets: string[] = [];
    const env = await startBenchEnv({ logName: `redemption-${opts.stamp}` });
    const { server, db } = env;
    opts.log(`server pid ${server.child.pid} ready in ${server.readyMs} ms at ${server.url}`);

    // 1. Paid tickets through the API.
    const serverOrders = Math.ceil((N + W) / QTY);
    const floorOrders = Math.ceil(N / QTY);
    const travellers = serverOrders + floorOrders;
    await addTravellers(db.url, PREFIX, travellers);
    // The demo pass has a daily quota (500): lift it for the bench (before any order reads it).
    await withClient(db.url, async (c) => {
      await c.query(`UPDATE product SET daily_quota = 1000000 WHERE id = 101`);
      await c.query(`UPDATE daily_inventory SET quota = 1000000 WHERE product_id = 101`);
    });
    opts.log(`set-up: ${num(travellers)} orders of product 101 × ${QTY} passengers …`);
    const made = await createOrders(server, Array.from({ length: travellers }, (_, i) => ({ token: `${PREFIX}${i + 1}`, body: { items: [{ product_id: 101, qty: QTY }] } })));
    if (made.outcomes.ok !== travellers) throw new Error(`set-up: POST /orders: ${outcomesText(made)}`);
    const pending = await pendingOrders(db.url, PREFIX);
    const paid = figuresOf(await runLoad({ host: server.host, port: server.port, mode: 'closed', connections: 32, requests: notifyRequests(pending, 'T-rdm-'), timeoutMs: 30_000, maxDurationMs: 300_000 }));
    if (paid.outcomes.ok !== pending.length) throw new Error(`set-up: POST /payments/notify: ${outcomesText(paid)}`);
    opts.log(`  orders ${num(made.throughput)}/s, notify ${num(paid.throughput)}/s (set-up, closed loop, 32 connections)`);

    const ids = await withClient(db.url, async (c) => {
      const t = (await c.query(`SELECT id, merchant_id FROM terminal WHERE code = 'TURBOJET-T1'`)).rows[0];
      const s = (await c.query(`SELECT id FROM merchant_staff WHERE username = 'turbojet-staff'`)).rows[0];
      return { terminalId: Number(t.id), merchantId: Number(t.merchant_id), staffId: Number(s.id) };
    });
    const floorOrderIds = pending.slice(serverOrders).map((o) => o.id);
    const floorLines = await withClient(db.url, async (c) =>
      (
        await c.query<{ ticket_id: number; code: string; line_id: number }>(
          `SELECT t.id AS ticket_id, t.code, l.id AS line_id FROM ticket t JOIN ticket_line l ON l.ticket_id = t.id
            WHERE t.order_id = ANY($1::int[]) AND l.merchant_id = $2 AND t.status = 'ACTIVE' AND l.uses_left > 0 ORDER BY t.id`,
          [floorOrderIds, ids.merchantId],
        )
      ).rows,
    );

    // 2. Floors: bare http (same request count, small JSON), then the raw SQL of the redeem.
    opts.log('floor: bare node:http …');
    const fl = await startHttpFloor();
    defer('stop http floor', () => fl.stop());
    const dummy: LoadRequest[] = Array.from({ length: N }, () => ({ method: 'POST', path: '/graphql', headers: { authorization: 'Bearer x' }, body: JSON.stringify({ query: REDEEM, variables: { n: '00000000-0000-0000-0000-000000000000', t: '1', l: '1' } }) }));
    await runLoad({ host: fl.host, port: fl.port, mode: 'closed', connections: C, requests: dummy.slice(0, W || 1), timeoutMs: 10_000, maxDurationMs: 30_000 });
    const floorHttp = figuresOf(await runLoad({ host: fl.host, port: fl.port, mode: 'closed', connections: C, requests: dummy, timeoutMs: 10_000, maxDurationMs: 60_000 }));
    await fl.stop();
    opts.log(`  ${num(floorHttp.throughput)}/s, p95 ${num(floorHttp.latency.p95, 1)} ms`);

    opts.log(`floor: raw SQL redeem transaction (UPDATE ticket_line + INSERT redemption/redemption_log), pool 20, ${C} in flight, ${num(floorLines.length)} lines …`);
    const redeemLineSql = `WITH t AS (
         SELECT t.id, t.code, t.order_id, t.product_name, o.traveller_id, p.name AS passenger_name
           FROM ticket t JOIN orders o ON o.id = t.order_id LEFT JOIN order_passenger p ON p.id = t.passenger_id
          WHERE t.id = $1 AND t.status = 'ACTIVE' AND t.valid_from <= $4 AND t.valid_until > $4
            AND (t.code = $5 OR (o.order_no = $5 AND t.code = ANY($6::text[])))
            FOR UPDATE OF t)
       UPDATE ticket_line l SET uses_left = l.uses_left - 1, updated_at = $4
         FROM t
        WHERE l.id = $2 AND l.ticket_id = t.id AND l.merchant_id = $3 AND l.uses_left > 0
       RETURNING l.uses_left, l.uses_total, l.name, t.code`;
    const insertSql = `WITH r AS (
         INSERT INTO redemption (at, ticket_id, ticket_line_id, merchant_id, terminal_id, staff_id, scan_nonce, qr_ref, qr_step, uses_left_after)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id)
       INSERT INTO redemption_log (at, merchant_id, terminal_id, staff_id, action, result, scan_nonce, qr_typ, qr_ref, qr_step, ticket_id, ticket_line_id, redemption_id)
       SELECT $1, $4, $5, $6, 'REDEEM', 'ALLOWED', $7, $11, $8, $9, $2, $3, r.id FROM r
       RETURNING redemption_id AS id`;
    const now = new Date().toISOString();
    const floorSql = figuresOf(
      await runSqlTxFloor({
        url: db.url, pool: 20, concurrency: C, maxDurationMs: 120_000,
        txs: floorLines.map((l, i) => [
          { sql: redeemLineSql, params: [l.ticket_id, l.line_id, ids.merchantId, now, l.code, []], expectRows: true },
          { sql: insertSql, params: [now, l.ticket_id, l.line_id, ids.merchantId, ids.terminalId, ids.staffId, `floor-${i}`, l.code, 0, 0, 'T'] },
        ]),
      }),
    );
    opts.log(`  ${num(floorSql.throughput)}/s, p95 ${num(floorSql.latency.p95, 1)} ms; ${outcomesText(floorSql)}`);

    // 3. Staff login, the tickets' QR payloads, one scan per ticket.
    const login = await gql(server.url, STAFF_LOGIN, { input: { terminalCode: 'TURBOJET-T1', terminalKey: 'demo-terminal-key', username: 'turbojet-staff', password: 'demo1234' } });
    if (login.errors || !login.data?.staffLogin?.token) throw new Error(`staffLogin: ${JSON.stringify(login.errors)}`);
    const staff = login.data.staffLogin.token as string;
    // Each traveller's live QR codes are fetched right before they are scanned (a code is valid for a
    // short while only: fetching all first, then scanning all, outlasts it in the longer runs).
    opts.log(`scans: the QR codes of ${num(serverOrders)} travellers (GET /my/tickets), each ticket's scanned at once (scanCode; from this process, 32 travellers at a time) …`);
    const scanErrors: string[] = [];
    const s0 = performance.now();
    const scanLat: number[] = [];
    const scanned = (
      await inParallel(serverOrders, 32, async (i) => {
        const r = await rest(server.url, 'GET', '/my/tickets', undefined, `${PREFIX}${i + 1}`);
        if (r.status !== 200) throw new Error(`GET /my/tickets: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
        const qrs = (r.body.tickets as any[]).filter((t) => !t.shared && t.status === 'ACTIVE' && t.qr_payload).map((t) => t.qr_payload as string);
        const out: Array<{ n: string; t: string; l: string } | null> = [];
        for (const payload of qrs) {
          const t = performance.now();
          const sc = await gql(server.url, SCAN, { payload }, staff);
          scanLat.push(performance.now() - t);
          if (sc.errors) {
            if (scanErrors.length < 5) scanErrors.push(JSON.stringify(sc.errors).slice(0, 200));
            out.push(null);
            continue;
          }
          const tk = (sc.data.scanCode.tickets as any[]).find((x) => x.redeemable);
          const ln = tk?.lines.find((l: any) => l.own && l.redeemable);
          out.push(tk && ln ? { n: sc.data.scanCode.scanNonce as string, t: String(tk.id), l: String(ln.id) } : null);
        }
        return out;
      })
    ).flat().slice(0, N + W);
    const scanMs = performance.now() - s0;
    scanLat.sort((a, b) => a - b);
    const scanFig = { count: scanLat.length, perSecond: Math.round((scanLat.length / scanMs) * 1000), p50: Math.round(scanLat[Math.floor(scanLat.length * 0.5)] ?? NaN), p95: Math.round(scanLat[Math.floor(scanLat.length * 0.95)] ?? NaN) };
    opts.log(`  ${num(scanFig.perSecond)} scans/s (the QR fetches in between), p95 ${num(scanFig.p95)} ms`);
    const targets = scanned.filter((x): x is { n: string; t: string; l: string } => !!x);
    if (targets.length < scanned.length) failures.push(`${scanned.length - targets.length} scans gave nothing redeemable (${scanErrors.join('; ')})`);
    const reqs: LoadRequest[] = targets.map((v) => ({ method: 'POST', path: '/graphql', headers: { authorization: `Bearer ${staff}` }, body: JSON.stringify({ query: REDEEM, variables: v }) }));

    // 4. Redeems: warm-up, then the measured run (both within the scans' 2-minute validity).
    const warmReqs = reqs.slice(0, W);
    const runReqs = reqs.slice(W);
    if (W) await runLoad({ host: server.host, port: server.port, mode: 'closed', connections: C, requests: warmReqs, timeoutMs: 10_000, maxDurationMs: 30_000 });
    const ageAtStart = Math.round((performance.now() - s0) / 1000);
    const how = generator === 'wrk' ? `wrk for ${wrkSeconds} s (${num(runReqs.length)} distinct redeems ready)` : rate ? `${num(runReqs.length)} redeems at ${num(rate)}/s (open loop)` : `${num(runReqs.length)} redeems`;
    opts.log(`redeems: ${how}, ${rate ? '' : 'closed loop '}over ${C} keep-alive connections (first scan ${ageAtStart} s ago) …`);
    const g0 = await groupCommitCounts(server.url, 'redeems');
    const mark = await outboxMark(db.url);
    const cpu0 = server.child.cpuSeconds();
    const m0 = machineCpu();
    const t0 = performance.now();
    const f =
      generator === 'wrk'
        ? await runWrk({ host: server.host, port: server.port, connections: C, requests: runReqs, seconds: wrkSeconds, timeoutMs: 10_000 })
        : rate
          ? figuresOf(await runLoad({ host: server.host, port: server.port, mode: 'rate', rate, connections: C, requests: runReqs, timeoutMs: 10_000, maxDurationMs: (runReqs.length / rate) * 1000 + 15_000 }))
          : figuresOf(await runLoad({ host: server.host, port: server.port, mode: 'closed', connections: C, requests: runReqs, timeoutMs: 10_000, maxDurationMs: 90_000 }));
    const t1 = performance.now();
    // wrk stops at its deadline with up to C redeems unanswered; the server still finishes them.
    const sentByWrk = generator === 'wrk' ? f.requests + C : 0;
    if (generator === 'wrk') await settledRedemptions(db.url);
    const m1 = machineCpu();
    const cpu1 = server.child.cpuSeconds();
    const grouping = groupCommitText(g0, await groupCommitCounts(server.url, 'redeems'));
    opts.log(`  ${num(f.throughput)}/s, p95 ${num(f.latency.p95, 1)} ms; ${outcomesText(f)}`);
    opts.log(`  ${grouping}`);
    const drain = await outboxDrain(db.url, 'redemption.recorded', mark, t0, t1);
    opts.log(`  ${outboxDrainText(drain)}`);

    // 5. Invariants (GraphQL errors come with HTTP 200: the database is the judge).
    const inv = await withClient(db.url, async (c) => {
      const q = async (sql: string, p: unknown[] = []) => Number((await c.query(sql, p)).rows[0].n);
      return {
        serverRedemptions: await q(`SELECT count(*)::int AS n FROM redemption WHERE scan_nonce NOT LIKE 'floor-%'`),
        floorRedemptions: await q(`SELECT count(*)::int AS n FROM redemption WHERE scan_nonce LIKE 'floor-%'`),
        linesRedeemedTwice: await q(`SELECT count(*)::int AS n FROM (SELECT ticket_line_id FROM redemption GROUP BY ticket_line_id HAVING count(*) > 1) x`),
        linesOutOfStep: await q(
          `SELECT count(*)::int AS n FROM ticket_line l JOIN (SELECT ticket_line_id, count(*) AS k FROM redemption GROUP BY ticket_line_id) r ON r.ticket_line_id = l.id
            WHERE l.uses_total - l.uses_left <> r.k`,
        ),
        logRows: await q(`SELECT count(*)::int AS n FROM redemption_log WHERE action = 'REDEEM' AND result = 'ALLOWED'`),
      };
    });
    const expected = W + f.outcomes.ok;
    // With wrk, the redeems cut off at its deadline (at most one per connection) may have been taken too.
    const redemptionsAsAnswered = generator === 'wrk' ? inv.serverRedemptions >= expected && inv.serverRedemptions <= expected + C : inv.serverRedemptions === expected;
    const checks: Check[] = [
      { target: 'every redeem answered 2xx', ok: nonOk(f) === 0, detail: outcomesText(f), hard: true },
      ...(generator === 'wrk'
        ? [{ target: 'wrk sent each redeem at most once', ok: sentByWrk <= runReqs.length, detail: `${num(f.requests)} answered (+ ≤ ${C} cut off) of ${num(runReqs.length)} distinct redeems; raise --redeems`, hard: true }]
        : []),
      { target: 'one success per redeemed line (server and floor)', ok: redemptionsAsAnswered && inv.linesRedeemedTwice === 0 && inv.linesOutOfStep === 0 && inv.floorRedemptions === floorSql.outcomes.ok, detail: `server redemptions ${num(inv.serverRedemptions)} for ${num(expected)} 2xx answers (warm-up included${generator === 'wrk' ? `; + ≤ ${C} cut off by wrk's deadline` : ''}); floor ${num(inv.floorRedemptions)} for ${num(floorSql.outcomes.ok)}; lines redeemed twice ${inv.linesRedeemedTwice}; lines whose uses_left disagrees ${inv.linesOutOfStep}; ALLOWED REDEEM log rows ${num(inv.logRows)}`, hard: true },
      rate
        ? // Open loop: the server kept up if the answers came at the stated rate (2 % slack for the last ones' latency).
          { target: 'redemption sustained at 2,000/s', ok: rate >= 2000 && f.throughput >= rate * 0.98, detail: `${num(f.throughput)}/s answered at a stated ${num(rate)}/s for ${num(f.drainMs / 1000, 1)} s`, hard: false }
        : { target: 'redemption ≥ 2,000/s', ok: f.throughput >= 2000, detail: `${num(f.throughput)}/s`, hard: false },
      { target: 'p95 < 50 ms', ok: f.latency.p95 < 50, detail: `p95 ${num(f.latency.p95, 1)} ms${rate ? " (from each redeem's scheduled time)" : ''}`, hard: false },
      // Against a closed-loop floor this compares capacities: an open loop answers no faster than its rate.
      ...(rate ? [] : [{ target: '≥ 60 % of the raw-SQL floor', ok: f.throughput >= 0.6 * floorSql.throughput, detail: `${num(f.throughput)}/s ÷ ${num(floorSql.throughput)}/s = ${ratio(f.throughput, floorSql.throughput)}`, hard: false }]),
    ];
    sortChecks(checks, failures, missedTargets);
    const serverCpu = cpu0 !== null && cpu1 !== null ? Math.round((cpu1 - cpu0) * 100) / 100 : null;
    const busy = m0 && m1 ? (m1.busy - m0.busy) / (m1.total - m0.total) : null;
    await server.stop();
    const text = [
      `redemption: ${generator === 'wrk' ? `wrk for ${wrkSeconds} s, ${num(f.requests)} answered of` : ''} ${num(runReqs.length)} redeem(scanNonce, ticketId, lineId) by TURBOJET-T1 (after ${num(W)} warm-up), one line per ticket, ${rate ? `open loop at ${num(rate)}/s` : 'closed loop'} over ${C} keep-alive connections`,
      loadLine(load0),
      '',
      figuresTable({ label: 'server', f }, [{ label: 'floor: raw SQL', f: floorSql }, { label: 'floor: bare http', f: floorHttp }]),
      '',
      `outcomes (server): ${outcomesText(f)}`,
      `scans before the run (set-up, in-process fetch client, 32 travellers at a time, each GET /my/tickets then its scans; not the load generator): ${num(scanFig.count)} at ${num(scanFig.perSecond)}/s, p50 ${num(scanFig.p50)} ms, p95 ${num(scanFig.p95)} ms` +
        ` → scan+redeem pairs ≈ ${num(1 / (1 / scanFig.perSecond + 1 / Math.max(f.throughput, 1)))}/s`,
      `set-up through the API: ${num(travellers)} orders ${num(made.throughput)}/s (p95 ${num(made.latency.p95, 1)} ms), ${num(pending.length)} notify ${num(paid.throughput)}/s (p95 ${num(paid.latency.p95, 1)} ms), 32 connections`,
      `CPU during the run: server process ${num(serverCpu, 1)} s over ${num(f.drainMs / 1000, 1)} s; machine ${busy !== null ? num(busy * 100) : '–'} % busy`,
      grouping,
      outboxDrainText(drain),
      '',
      'targets (PRODUCT.md):',
      ...checkLines(checks),
    ].join('\n');
    return {
      text, failures, missedTargets,
      data: { parameters: { rate: rate || null, generator, wrkSeconds: generator === 'wrk' ? wrkSeconds : null, redeems: runReqs.length, warmup: W, connections: C, qtyPerOrder: QTY, sqlFloorPool: 20 }, loadAverageAtStart: load0, server: f, floorSql, floorHttp, scans: scanFig, setup: { orders: made, notify: paid }, serverCpuSeconds: serverCpu, machineBusyShare: busy, groupCommit: grouping, outboxDrain: drain, invariant: inv, checks },
    };
  },
};

/** Waits until the redemption count holds still for a moment (the redeems wrk cut off at its deadline finish on the server). */
async function settledRedemptions(dbUrl: string): Promise<void> {
  let last = -1;
  for (let i = 0; i < 100; i++) {
    const n = await withClient(dbUrl, async (c) => Number((await c.query(`SELECT count(*)::int AS n FROM redemption`)).rows[0].n));
    if (n === last) return;
    last = n;
    await sleep(100);
  }
}
