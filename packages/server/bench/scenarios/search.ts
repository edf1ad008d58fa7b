/**
 * search (issue 9): `searchOffers` for hot cities served from the cache, at max throughput over
 * keep-alive connections (closed loop, autocannon-style) or at a stated rate (`--rate`), beside a bare
 * node:http floor given the same connections and requests in the same run.
 *
 * workers: the same search load against a server with WORKERS=1 and one with WORKERS=2 (node:cluster),
 * each on a fresh database, both up at once and measured in alternating rounds; the ratio is the
 * target (≥ 1.7×).
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { DEFAULT_PERSISTED_QUERIES_FILE } from '../../src/http/persisted-queries.js';
import { defer } from '../lib/cleanup.js';
import { diffCounters, readCounters, type BenchDatabase, type CounterDiff } from '../lib/db.js';
import { startBenchEnv } from '../lib/env.js';
import { startHttpFloor } from '../lib/floor-http.js';
import { runLoad, type LoadJob, type LoadRequest } from '../lib/load.js';
import { runWrk } from '../lib/wrk.js';
import { machineCpu, procTreeCpuSeconds, sleep } from '../lib/proc.js';
import { num, ratio } from '../lib/report.js';
import { figuresOf, type LatencySummary, type RunFigures } from '../lib/stats.js';
import { checkLines, dateIn, figuresTable, generatorOf, gql, loadLine, nonOk, outcomesText, sortChecks, type Check } from './common.js';
import { numArg, type BenchOptions, type Scenario, type ScenarioOutcome } from './types.js';

const HOT_PAIRS: Array<[string, string]> = [['SZX', 'HKG'], ['HKG', 'SZX'], ['MFM', 'HKG'], ['HKG', 'MFM'], ['CAN', 'HKG'], ['HKG', 'CAN']];
/** A free-form search document: executed on every request (the response cache takes only the apps' persisted documents). */
const FREE_FORM_SEARCH = `query S($input: SearchOffersInput!) { searchOffers(input: $input) { date blackout offers { id kind productName available lowStock totalPrice unavailableReason } } }`;

/** The traveller app's own `SearchOffers` document and hash, from the persisted-query manifest the server loads. */
function appSearchDocument(): { query: string; hash: string } {
  const manifest = JSON.parse(readFileSync(DEFAULT_PERSISTED_QUERIES_FILE, 'utf8')) as Record<string, string>;
  const found = Object.entries(manifest).find(([, q]) => q.startsWith('query SearchOffers('));
  if (!found) throw new Error(`no SearchOffers document in ${DEFAULT_PERSISTED_QUERIES_FILE} (run pnpm --filter @deeptravel/client codegen)`);
  return { hash: found[0], query: found[1] };
}

/** How the searches are sent: as the traveller app does (persisted hash, answered from the response cache) or free-form. */
export type SearchStyle = 'app' | 'free-form';

/** The request bodies of one style: hot-city pairs × the next 3 days, one adult. */
function searchBodies(style: SearchStyle): string[] {
  const keys = HOT_PAIRS.flatMap(([o, d]) => [1, 2, 3].map((k) => ({ origin: o, destination: d, date: dateIn(k), passengers: [{ type: 'ADULT', count: 1 }] })));
  if (style === 'free-form') return keys.map((input) => JSON.stringify({ query: FREE_FORM_SEARCH, variables: { input } }));
  const doc = appSearchDocument();
  return keys.map((input) => JSON.stringify({ operationName: 'SearchOffers', query: doc.query, variables: { input }, extensions: { persistedQuery: { version: 1, sha256Hash: doc.hash } } }));
}

/** The search requests, round-robin over the keys. */
export function searchRequests(n: number, style: SearchStyle = 'app'): LoadRequest[] {
  const bodies = searchBodies(style);
  return Array.from({ length: n }, (_, i) => ({ method: 'POST', path: '/graphql', body: bodies[i % bodies.length] }));
}

/** Every key once through the API, sent exactly as the load sends it, and a check that the answer is a real result. */
async function warmAndCheck(url: string, style: SearchStyle): Promise<{ keys: number; offers: number; problems: string[] }> {
  const problems: string[] = [];
  let offers = 0;
  const bodies = searchBodies(style);
  for (const body of bodies) {
    const r = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const j = (await r.json()) as { data?: any; errors?: unknown };
    const input = JSON.parse(body).variables.input;
    if (r.status !== 200 || j.errors || !j.data?.searchOffers) problems.push(`${input.origin}→${input.destination} ${input.date}: HTTP ${r.status} ${JSON.stringify(j.errors ?? '').slice(0, 200)}`);
    else offers += j.data.searchOffers.offers.length;
  }
  return { keys: bodies.length, offers, problems };
}

interface SearchRun {
  figures: RunFigures;
  serverCpuSeconds: number | null;
  machineBusyShare: number | null;
  /** GraphQL problems in the answers checked after the run. */
  problems: string[];
  readyMs: number;
  /** PostgreSQL transactions during the measured run (read after 11 quiet seconds). */
  pg: CounterDiff | null;
}

/** The measured run against host:port with the chosen generator (wrk runs for the job's --seconds, closed loop). */
async function measure(opts: BenchOptions, host: string, port: number, job: Omit<LoadJob, 'host' | 'port'>): Promise<RunFigures> {
  if (generatorOf(opts) === 'node') return figuresOf(await runLoad({ ...job, host, port }));
  if (job.mode !== 'closed') throw new Error('--wrk measures closed loop only (no --rate)');
  const distinct = job.requests.slice(0, new Set(job.requests.map((r) => r.body)).size);
  return runWrk({ host, port, connections: job.connections, requests: distinct, seconds: numArg(opts, 'seconds', 10), timeoutMs: job.timeoutMs });
}

/** A bench server for the search load: started on a fresh database, warmed and checked; measured by `measureRound`. */
interface RoundServer {
  workers: number;
  host: string;
  port: number;
  url: string;
  pid: number;
  readyMs: number;
  db: BenchDatabase;
  stop(): Promise<unknown>;
}

/** One measured round against one server: its figures, the server's CPU and the machine's. */
interface Round {
  figures: RunFigures;
  serverCpuSeconds: number | null;
  machine: { busy: number; total: number } | null;
}

async function startRoundServer(opts: BenchOptions, name: string, workers: number, job: Omit<LoadJob, 'host' | 'port'>, style: SearchStyle): Promise<RoundServer> {
  const env = await startBenchEnv({ logName: `${name}-w${workers}-${opts.stamp}`, serverEnv: workers > 1 ? { WORKERS: String(workers) } : {} });
  const { server } = env;
  opts.log(`server (WORKERS=${workers}) pid ${server.child.pid} ready in ${server.readyMs} ms at ${server.url}`);
  const warm = await warmAndCheck(server.url, style);
  if (warm.problems.length) throw new Error(`search does not answer cleanly (WORKERS=${workers}): ${warm.problems.join('; ')}`);
  // JIT and cache warm-up through the load generator.
  await runLoad({ ...job, host: server.host, port: server.port, mode: 'closed', requests: job.requests.slice(0, 3000), maxDurationMs: 30_000 });
  return { workers, host: server.host, port: server.port, url: server.url, pid: server.child.pid!, readyMs: server.readyMs, db: env.db, stop: () => server.stop() };
}

async function measureRound(opts: BenchOptions, s: RoundServer, job: Omit<LoadJob, 'host' | 'port'>): Promise<Round> {
  const cpu0 = procTreeCpuSeconds(s.pid);
  const m0 = machineCpu();
  const figures = await measure(opts, s.host, s.port, job);
  const m1 = machineCpu();
  const cpu1 = procTreeCpuSeconds(s.pid);
  return {
    figures,
    serverCpuSeconds: cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : null,
    machine: m0 && m1 ? { busy: m1.busy - m0.busy, total: m1.total - m0.total } : null,
  };
}

/** One server (WORKERS=n), warmed, then the load. */
async function searchAgainstServer(opts: BenchOptions, name: string, workers: number, job: Omit<LoadJob, 'host' | 'port'>, style: SearchStyle): Promise<SearchRun> {
  const server = await startRoundServer(opts, name, workers, job, style);
  // PostgreSQL statistics need ~11 s to settle before and after: only when figures are wanted.
  const countPg = workers === 1 && !opts.smoke;
  if (countPg) await sleep(11_000);
  const c0 = countPg ? await readCounters(server.db) : null;
  const run = await measureRound(opts, server, job);
  if (countPg) await sleep(11_000);
  const pg = c0 ? diffCounters(c0, await readCounters(server.db)) : null;
  // After the run: the answers really were search results (not errors with HTTP 200).
  const after = await warmAndCheck(server.url, style);
  await server.stop();
  return {
    figures: run.figures,
    // The primary and its workers (WORKERS > 1): node:cluster forks them as direct children.
    serverCpuSeconds: run.serverCpuSeconds !== null ? Math.round(run.serverCpuSeconds * 100) / 100 : null,
    machineBusyShare: run.machine ? run.machine.busy / run.machine.total : null,
    problems: after.problems,
    readyMs: server.readyMs,
    pg,
  };
}

/** `--free-form`: send a free-form document (executed every time) instead of the app's persisted one. */
function styleOf(opts: BenchOptions): SearchStyle {
  return opts.args['free-form'] ? 'free-form' : 'app';
}

function loadJob(opts: BenchOptions): { job: Omit<LoadJob, 'host' | 'port'>; describe: string } {
  const connections = numArg(opts, 'connections', 64);
  const rate = numArg(opts, 'rate', 0);
  const seconds = numArg(opts, 'seconds', 10);
  const n = rate ? Math.round(rate * seconds) : numArg(opts, 'requests', 40_000);
  const style = styleOf(opts);
  const job: Omit<LoadJob, 'host' | 'port'> = rate
    ? { mode: 'rate', rate, connections, requests: searchRequests(n, style), timeoutMs: 10_000, maxDurationMs: seconds * 1000 + 15_000 }
    : { mode: 'closed', connections, requests: searchRequests(n, style), timeoutMs: 10_000, maxDurationMs: 180_000 };
  const how = style === 'app' ? "the traveller app's persisted SearchOffers (response cache)" : 'a free-form search document (executed every time)';
  if (generatorOf(opts) === 'wrk') return { job, describe: `${how}; wrk, closed loop for ${seconds} s over ${connections} keep-alive connections` };
  return { job, describe: `${how}; ` + (rate ? `${num(n)} requests at ${num(rate)}/s (open loop) over ${connections} keep-alive connections` : `${num(n)} requests, closed loop (max throughput) over ${connections} keep-alive connections`) };
}

export const search: Scenario = {
  name: 'search',
  title: 'searchOffers for hot cities from cache, beside a bare node:http floor',
  smokeArgs: { requests: '600' },
  options: [
    '--connections N  keep-alive connections (default 64)',
    '--requests N     requests in closed-loop mode (default 40000)',
    '--rate N         open loop at N requests/s for --seconds (default: closed loop, max throughput)',
    '--seconds N      duration in rate mode (default 10)',
    '--workers N      WORKERS of the server (default 1)',
    "--free-form      send a free-form document, executed on every request (default: the app's persisted SearchOffers, which the server answers from its response cache)",
    '--wrk            measure with wrk (closed loop for --seconds; far less CPU than the Node load generator) instead of the Node load generator',
  ],
  async run(opts: BenchOptions): Promise<ScenarioOutcome> {
    const load0 = loadavg();
    const { job, describe } = loadJob(opts);
    const workers = numArg(opts, 'workers', 1);
    const failures: string[] = [];
    const missedTargets: string[] = [];

    opts.log('floor: bare node:http …');
    const fl = await startHttpFloor();
    defer('stop http floor', () => fl.stop());
    await runLoad({ ...job, host: fl.host, port: fl.port, mode: 'closed', requests: job.requests.slice(0, 3000), maxDurationMs: 30_000 });
    const floor = await measure(opts, fl.host, fl.port, job);
    await fl.stop();
    opts.log(`  ${num(floor.throughput)}/s, p95 ${num(floor.latency.p95, 1)} ms`);

    opts.log(`server: ${describe} …`);
    const s = await searchAgainstServer(opts, 'search', workers, job, styleOf(opts));
    const f = s.figures;
    opts.log(`  ${num(f.throughput)}/s, p95 ${num(f.latency.p95, 1)} ms`);

    const checks: Check[] = [
      { target: 'every request answered 2xx, no error', ok: nonOk(f) === 0 && s.problems.length === 0, detail: `${outcomesText(f)}${s.problems.length ? `; GraphQL problems: ${s.problems.join('; ')}` : ''}`, hard: true },
      { target: 'search from cache ≥ 3,000/s', ok: f.throughput >= 3000, detail: `${num(f.throughput)}/s (${ratio(f.throughput, floor.throughput)} of the bare-http floor's ${num(floor.throughput)}/s)`, hard: false },
      { target: 'p95 < 50 ms', ok: f.latency.p95 < 50, detail: `p95 ${num(f.latency.p95, 1)} ms`, hard: false },
    ];
    sortChecks(checks, failures, missedTargets);
    const text = [
      `search: searchOffers over ${HOT_PAIRS.length} hot-city pairs × 3 dates (${HOT_PAIRS.length * 3} cache keys, warmed first), WORKERS=${workers}; ${describe}`,
      loadLine(load0),
      '',
      figuresTable({ label: 'server', f }, [{ label: 'floor: bare http', f: floor }]),
      '',
      `outcomes (server): ${outcomesText(f)}`,
      `PostgreSQL during the run: ${s.pg ? `${num(s.pg.xacts)} transactions over ${num(s.pg.seconds, 1)} s (≈ ${num(s.pg.xacts / f.requests, 2)} per search, background included); tables read: ${Object.entries(s.pg.tables).map(([k, v]) => `${k} ${num(v.scans)}`).join(', ')}` : '–'}`,
      `CPU: server processes ${num(s.serverCpuSeconds, 1)} s${workers > 1 ? ' (primary and workers)' : ''}; machine ${s.machineBusyShare !== null ? num(s.machineBusyShare * 100) : '–'} % busy during the run`,
      '',
      'targets (PRODUCT.md):',
      ...checkLines(checks),
    ].join('\n');
    return { text, failures, missedTargets, data: { parameters: { ...job, requests: job.requests.length, workers }, loadAverageAtStart: load0, server: f, floorHttp: floor, postgres: s.pg, serverCpuSeconds: s.serverCpuSeconds, machineBusyShare: s.machineBusyShare, readyMs: s.readyMs, checks } };
  },
};

/** Middle value (the mean of the two middle ones for an even count). */
function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * The rounds of one side as one run: counts and time add up (throughput = all answers ÷ all run time);
 * latency percentiles are the median of the rounds' (the table says so).
 */
function combinedFigures(rounds: RunFigures[]): RunFigures {
  const sumRecord = (get: (f: RunFigures) => Record<string, number>) => {
    const out: Record<string, number> = {};
    for (const f of rounds) for (const [k, v] of Object.entries(get(f))) out[k] = (out[k] ?? 0) + v;
    return out;
  };
  const sum = (get: (f: RunFigures) => number) => rounds.reduce((a, f) => a + get(f), 0);
  const lat = (k: keyof LatencySummary) => median(rounds.map((f) => f.latency[k]));
  const drainMs = sum((f) => f.drainMs);
  const answered = sum((f) => f.answered);
  return {
    requests: sum((f) => f.requests),
    answered,
    throughput: drainMs > 0 ? Math.round((answered * 1000) / drainMs) : 0,
    drainMs,
    sendSpreadMs: sum((f) => f.sendSpreadMs),
    latency: { count: sum((f) => f.latency.count), min: lat('min'), mean: lat('mean'), p50: lat('p50'), p90: lat('p90'), p95: lat('p95'), p99: lat('p99'), p999: lat('p999'), max: Math.max(...rounds.map((f) => f.latency.max)) },
    latencyByOutcome: {},
    outcomes: {
      ok: sum((f) => f.outcomes.ok), soldOut: sum((f) => f.outcomes.soldOut), busyRetry: sum((f) => f.outcomes.busyRetry),
      other4xx: sumRecord((f) => f.outcomes.other4xx), http5xx: sumRecord((f) => f.outcomes.http5xx), errors: sumRecord((f) => f.outcomes.errors),
      timeouts: sum((f) => f.outcomes.timeouts), notSent: sum((f) => f.outcomes.notSent),
    },
    connections: rounds[0].connections,
    clientCpuSeconds: sum((f) => f.clientCpuSeconds),
    firstAnswerMs: rounds[0].firstAnswerMs,
    lastOkMs: rounds[0].lastOkMs,
    timeline: [],
  };
}

/** Cores a side's server processes used on average over its rounds, and the machine's busy share then. */
function usage(rounds: Round[]): { cores: number | null; busy: number | null } {
  const cpu = rounds.every((r) => r.serverCpuSeconds !== null) ? rounds.reduce((a, r) => a + r.serverCpuSeconds!, 0) : null;
  const ms = rounds.reduce((a, r) => a + r.figures.drainMs, 0);
  const m = rounds.every((r) => r.machine) ? rounds.reduce((a, r) => ({ busy: a.busy + r.machine!.busy, total: a.total + r.machine!.total }), { busy: 0, total: 0 }) : null;
  return { cores: cpu !== null && ms > 0 ? cpu / (ms / 1000) : null, busy: m && m.total > 0 ? m.busy / m.total : null };
}

/**
 * workers: one server with WORKERS=1 and one with WORKERS=2, both up at once (the idle one costs
 * nothing), measured in alternating rounds (1,2 then 2,1, …) so that a change in the shared machine's
 * speed during the scenario (often ±20–40 % within minutes here) falls on both sides alike instead of
 * on whichever ran second. The ratio is that of all rounds' answers per second.
 */
export const workersScenario: Scenario = {
  name: 'workers',
  title: 'The search load against WORKERS=1 and WORKERS=2 (node:cluster) in alternating rounds: scaling ratio',
  smokeArgs: { requests: '600', rounds: '2' },
  options: [
    '--rounds N       alternating rounds per side (default 6; order 1,2 then 2,1, …)',
    '--seconds N      with --wrk: seconds per round (default 3); with the Node generator --requests are split over the rounds',
    '(and takes --connections, --requests, --free-form and --wrk as search does; closed loop only)',
  ],
  async run(opts: BenchOptions): Promise<ScenarioOutcome> {
    const load0 = loadavg();
    const roundsPerSide = Math.max(1, numArg(opts, 'rounds', 6));
    const wrk = generatorOf(opts) === 'wrk';
    const seconds = numArg(opts, 'seconds', 3);
    // Every measurement below (floor and rounds) runs wrk for `seconds`.
    const o: BenchOptions = { ...opts, args: { ...opts.args, seconds: String(seconds) } };
    const { job } = loadJob(o);
    if (job.mode !== 'closed') throw new Error('workers measures closed loop only (no --rate)');
    const perRound = Math.max(1, Math.floor(job.requests.length / roundsPerSide));
    const style = styleOf(opts);
    const how = style === 'app' ? "the traveller app's persisted SearchOffers (response cache)" : 'a free-form search document (executed every time)';
    const describe = `${how}; ${roundsPerSide} alternating rounds per side, each ${wrk ? `wrk for ${seconds} s` : `${num(perRound)} requests (Node load generator)`}, closed loop over ${job.connections} keep-alive connections`;
    const failures: string[] = [];
    const missedTargets: string[] = [];
    opts.log('floor: bare node:http …');
    const fl = await startHttpFloor();
    defer('stop http floor', () => fl.stop());
    await runLoad({ ...job, host: fl.host, port: fl.port, mode: 'closed', requests: job.requests.slice(0, 3000), maxDurationMs: 30_000 });
    const floor = await measure(o, fl.host, fl.port, { ...job, requests: job.requests.slice(0, perRound) });
    await fl.stop();
    const one = await startRoundServer(opts, 'workers', 1, job, style);
    const two = await startRoundServer(opts, 'workers', 2, job, style);
    // One unmeasured round each first, as the measured ones run: the JIT of a server started later
    // (WORKERS=2 here) is otherwise still warming in round 1.
    opts.log('warm-up round (not measured) …');
    for (const s of [one, two]) await measure(o, s.host, s.port, { ...job, requests: wrk ? job.requests : job.requests.slice(0, perRound) });
    opts.log(`rounds: ${describe} …`);
    const rounds: Record<1 | 2, Round[]> = { 1: [], 2: [] };
    for (let i = 0; i < roundsPerSide; i++) {
      const roundJob = { ...job, requests: wrk ? job.requests : job.requests.slice(i * perRound, (i + 1) * perRound) };
      for (const s of i % 2 === 0 ? [one, two] : [two, one]) rounds[s.workers as 1 | 2].push(await measureRound(o, s, roundJob));
      opts.log(`  round ${i + 1}: WORKERS=1 ${num(rounds[1][i].figures.throughput)}/s, WORKERS=2 ${num(rounds[2][i].figures.throughput)}/s (${(rounds[2][i].figures.throughput / rounds[1][i].figures.throughput).toFixed(2)}×)`);
    }
    // After the rounds: the answers still are search results (not errors with HTTP 200).
    const problems = [...(await warmAndCheck(one.url, style)).problems, ...(await warmAndCheck(two.url, style)).problems];
    await one.stop();
    await two.stop();
    const f1 = combinedFigures(rounds[1].map((r) => r.figures));
    const f2 = combinedFigures(rounds[2].map((r) => r.figures));
    const u1 = usage(rounds[1]);
    const u2 = usage(rounds[2]);
    const r = f2.throughput / f1.throughput;
    const pairRatios = rounds[1].map((x, i) => rounds[2][i].figures.throughput / x.figures.throughput);
    const checks: Check[] = [
      { target: 'WORKERS=1: every request answered 2xx', ok: nonOk(f1) === 0 && !problems.length, detail: `${outcomesText(f1)}${problems.length ? `; GraphQL problems: ${problems.join('; ')}` : ''}`, hard: true },
      { target: 'WORKERS=2: every request answered 2xx', ok: nonOk(f2) === 0 && !problems.length, detail: outcomesText(f2), hard: true },
      { target: 'two workers ≥ 1.7× one', ok: r >= 1.7, detail: `${num(f2.throughput)}/s ÷ ${num(f1.throughput)}/s = ${r.toFixed(2)}× over ${roundsPerSide} rounds each (per round ${pairRatios.map((x) => x.toFixed(2)).join(' / ')}; median ${median(pairRatios).toFixed(2)}×)`, hard: false },
    ];
    sortChecks(checks, failures, missedTargets);
    const pct = (x: number | null) => (x !== null ? num(x * 100) : '–');
    const text = [
      `workers: searchOffers (hot cities, from cache) against WORKERS=1 and WORKERS=2; ${describe}`,
      loadLine(load0),
      '',
      figuresTable({ label: 'WORKERS=2', f: f2 }, [{ label: 'WORKERS=1', f: f1 }, { label: 'floor: bare http (one round)', f: floor }]),
      '(all rounds of a side together: counts, time and throughput add up; latencies are the median of the rounds\')',
      '',
      `per round (answers/s): WORKERS=1 ${rounds[1].map((x) => num(x.figures.throughput)).join(' / ')}; WORKERS=2 ${rounds[2].map((x) => num(x.figures.throughput)).join(' / ')}`,
      `server cores used (CPU-s ÷ run time): WORKERS=1 ${num(u1.cores, 2)}, WORKERS=2 ${num(u2.cores, 2)}; load generator: ${num(f1.clientCpuSeconds, 2)} / ${num(f2.clientCpuSeconds, 2)} CPU-s`,
      `machine busy during the rounds: WORKERS=1 ${pct(u1.busy)} %, WORKERS=2 ${pct(u2.busy)} %`,
      '',
      'targets (PRODUCT.md):',
      ...checkLines(checks),
    ].join('\n');
    return {
      text, failures, missedTargets,
      data: {
        parameters: { ...job, requests: job.requests.length, rounds: roundsPerSide, secondsPerRound: wrk ? seconds : null, requestsPerRound: wrk ? null : perRound },
        loadAverageAtStart: load0, workers1: { figures: f1, rounds: rounds[1], usage: u1, readyMs: one.readyMs }, workers2: { figures: f2, rounds: rounds[2], usage: u2, readyMs: two.readyMs },
        floorHttp: floor, ratio: r, pairRatios, checks,
      },
    };
  },
};
