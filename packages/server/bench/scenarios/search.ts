/**
 * search (issue 9): `searchOffers` for hot cities served from the cache, at max throughput over
 * keep-alive connections (closed loop, autocannon-style) or at a stated rate (`--rate`), beside a bare
 * node:http floor given the same connections and requests in the same run.
 *
 * workers: the same search load against a server with WORKERS=1 and one with WORKERS=2 (node:cluster),
 * one after the other on fresh databases; the ratio is the target (≥ 1.7×).
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { DEFAULT_PERSISTED_QUERIES_FILE } from '../../src/http/persisted-queries.js';
import { defer } from '../lib/cleanup.js';
import { diffCounters, readCounters, type CounterDiff } from '../lib/db.js';
import { startBenchEnv } from '../lib/env.js';
import { startHttpFloor } from '../lib/floor-http.js';
import { runLoad, type LoadJob, type LoadRequest } from '../lib/load.js';
import { runWrk } from '../lib/wrk.js';
import { machineCpu, procTreeCpuSeconds, sleep } from '../lib/proc.js';
import { num, ratio } from '../lib/report.js';
import { figuresOf, type RunFigures } from '../lib/stats.js';
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
  warm: { keys: number; offers: number; problems: string[] };
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

/** One server (WORKERS=n), warmed, then the load. */
async function searchAgainstServer(opts: BenchOptions, name: string, workers: number, job: Omit<LoadJob, 'host' | 'port'>, style: SearchStyle): Promise<SearchRun> {
  const env = await startBenchEnv({ logName: `${name}-w${workers}-${opts.stamp}`, serverEnv: workers > 1 ? { WORKERS: String(workers) } : {} });
  const { server } = env;
  opts.log(`server (WORKERS=${workers}) pid ${server.child.pid} ready in ${server.readyMs} ms at ${server.url}`);
  const warm = await warmAndCheck(server.url, style);
  if (warm.problems.length) throw new Error(`search does not answer cleanly: ${warm.problems.join('; ')}`);
  // JIT and cache warm-up through the load generator, then the measured run.
  await runLoad({ ...job, host: server.host, port: server.port, mode: 'closed', requests: job.requests.slice(0, 3000), maxDurationMs: 30_000 });
  // PostgreSQL statistics need ~11 s to settle before and after: only when figures are wanted.
  const countPg = workers === 1 && !opts.smoke;
  if (countPg) await sleep(11_000);
  const c0 = countPg ? await readCounters(env.db) : null;
  const cpu0 = procTreeCpuSeconds(server.child.pid);
  const m0 = machineCpu();
  const figures = await measure(opts, server.host, server.port, job);
  const m1 = machineCpu();
  const cpu1 = procTreeCpuSeconds(server.child.pid);
  if (countPg) await sleep(11_000);
  const pg = c0 ? diffCounters(c0, await readCounters(env.db)) : null;
  // After the run: the answers really were search results (not errors with HTTP 200).
  const after = await warmAndCheck(server.url, style);
  warm.problems.push(...after.problems);
  await server.stop();
  return {
    figures,
    // The primary and its workers (WORKERS > 1): node:cluster forks them as direct children.
    serverCpuSeconds: cpu0 !== null && cpu1 !== null ? Math.round((cpu1 - cpu0) * 100) / 100 : null,
    machineBusyShare: m0 && m1 ? (m1.busy - m0.busy) / (m1.total - m0.total) : null,
    warm,
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
      { target: 'every request answered 2xx, no error', ok: nonOk(f) === 0 && s.warm.problems.length === 0, detail: `${outcomesText(f)}${s.warm.problems.length ? `; GraphQL problems: ${s.warm.problems.join('; ')}` : ''}`, hard: true },
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

/** Cores the server processes used on average during the measured run. */
function coresOf(run: SearchRun): string {
  return run.serverCpuSeconds !== null && run.figures.drainMs > 0 ? num(run.serverCpuSeconds / (run.figures.drainMs / 1000), 2) : '–';
}

export const workersScenario: Scenario = {
  name: 'workers',
  title: 'The search load against WORKERS=1 and WORKERS=2 (node:cluster): scaling ratio',
  smokeArgs: { requests: '600' },
  options: ['(takes --connections, --requests, --rate, --seconds, --free-form and --wrk as search does)'],
  async run(opts: BenchOptions): Promise<ScenarioOutcome> {
    const load0 = loadavg();
    const { job, describe } = loadJob(opts);
    const failures: string[] = [];
    const missedTargets: string[] = [];
    opts.log('floor: bare node:http …');
    const fl = await startHttpFloor();
    defer('stop http floor', () => fl.stop());
    await runLoad({ ...job, host: fl.host, port: fl.port, mode: 'closed', requests: job.requests.slice(0, 3000), maxDurationMs: 30_000 });
    const floor = await measure(opts, fl.host, fl.port, job);
    await fl.stop();
    opts.log(`WORKERS=1: ${describe} …`);
    const one = await searchAgainstServer(opts, 'workers', 1, job, styleOf(opts));
    opts.log(`  ${num(one.figures.throughput)}/s, p95 ${num(one.figures.latency.p95, 1)} ms`);
    opts.log(`WORKERS=2: ${describe} …`);
    const two = await searchAgainstServer(opts, 'workers', 2, job, styleOf(opts));
    opts.log(`  ${num(two.figures.throughput)}/s, p95 ${num(two.figures.latency.p95, 1)} ms`);
    const r = two.figures.throughput / one.figures.throughput;
    const checks: Check[] = [
      { target: 'WORKERS=1: every request answered 2xx', ok: nonOk(one.figures) === 0 && !one.warm.problems.length, detail: outcomesText(one.figures), hard: true },
      { target: 'WORKERS=2: every request answered 2xx', ok: nonOk(two.figures) === 0 && !two.warm.problems.length, detail: outcomesText(two.figures), hard: true },
      { target: 'two workers ≥ 1.7× one', ok: r >= 1.7, detail: `${num(two.figures.throughput)}/s ÷ ${num(one.figures.throughput)}/s = ${r.toFixed(2)}×`, hard: false },
    ];
    sortChecks(checks, failures, missedTargets);
    const text = [
      `workers: searchOffers (hot cities, from cache) against WORKERS=1 then WORKERS=2; ${describe}`,
      loadLine(load0),
      '',
      figuresTable({ label: 'WORKERS=2', f: two.figures }, [{ label: 'WORKERS=1', f: one.figures }, { label: 'floor: bare http', f: floor }]),
      '',
      `server cores used (CPU-s ÷ run time): WORKERS=1 ${coresOf(one)}, WORKERS=2 ${coresOf(two)}; load generator: ${num(one.figures.clientCpuSeconds, 2)} / ${num(two.figures.clientCpuSeconds, 2)} CPU-s`,
      `machine busy during the run: WORKERS=1 ${one.machineBusyShare !== null ? num(one.machineBusyShare * 100) : '–'} %, WORKERS=2 ${two.machineBusyShare !== null ? num(two.machineBusyShare * 100) : '–'} %`,
      '',
      'targets (PRODUCT.md):',
      ...checkLines(checks),
    ].join('\n');
    return { text, failures, missedTargets, data: { parameters: { ...job, requests: job.requests.length }, loadAverageAtStart: load0, workers1: one, workers2: two, floorHttp: floor, ratio: r, checks } };
  },
};
