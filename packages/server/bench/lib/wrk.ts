/**
 * Closed-loop HTTP load from wrk (Debian's `wrk` package), for scenarios where the load generator's
 * own CPU matters: our Node load generator (load-worker.ts) needs about a core to send 10,000
 * requests/s, which on this 2-core machine is taken from the server it measures. wrk is written in C
 * and costs a fraction of that. It reports aggregates (counts, latency percentiles), not one row per
 * request, so scenarios that check every answer keep load-worker.ts.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadRequest } from './load-types.js';
import type { LatencySummary, Outcomes, RunFigures } from './stats.js';

/** Where Debian installs wrk. */
export const WRK_PATH = '/usr/bin/wrk';

export function wrkAvailable(): boolean {
  return existsSync(WRK_PATH);
}

/** A wrk run: the requests are sent round-robin over `connections` keep-alive connections for `seconds`. */
export interface WrkJob {
  host: string;
  port: number;
  connections: number;
  requests: LoadRequest[];
  seconds: number;
  /** wrk threads (default 1: one thread drives > 30,000 requests/s here and leaves the most CPU to the server). */
  threads?: number;
  /** A request not answered this long is a time-out (default 10 s). */
  timeoutMs?: number;
}

/** What the Lua `done` hook prints (one JSON line). */
interface WrkReport {
  requests: number;
  durationUs: number;
  latencyUs: { min: number; max: number; mean: number; p50: number; p90: number; p95: number; p99: number; p999: number };
  errors: { connect: number; read: number; write: number; timeout: number; status: number };
  statuses: Record<string, number>;
}

/** Lua string literal: long brackets cannot be closed by the body. */
function luaString(s: string): string {
  let level = '';
  while (s.includes(`]${level}]`)) level += '=';
  return `[${level}[${s}]${level}]`;
}

/** The wrk script: the request list round-robin, statuses counted per thread, one JSON line at the end. */
function script(requests: LoadRequest[]): string {
  const reqs = requests.map((r) => {
    const headers = { 'content-type': 'application/json', ...(r.headers ?? {}) };
    const h = Object.entries(headers).map(([k, v]) => `[ ${luaString(k)} ] = ${luaString(v)}`).join(', ');
    return `wrk.format(${luaString(r.method)}, ${luaString(r.path)}, { ${h} }, ${r.body === undefined ? 'nil' : luaString(r.body)})`;
  });
  return `
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  reqs = { ${reqs.join(',\n    ')} }
  n = 0
  statuses = {}
end
function request()
  n = n + 1
  return reqs[(n % #reqs) + 1]
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local counts = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("statuses")) do counts[k] = (counts[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(counts) do table.insert(parts, string.format('"%d":%d', k, v)) end
  local e = summary.errors
  io.write(string.format('WRK_REPORT {"requests":%d,"durationUs":%d,"latencyUs":{"min":%d,"max":%d,"mean":%.1f,"p50":%d,"p90":%d,"p95":%d,"p99":%d,"p999":%d},"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d,"status":%d},"statuses":{%s}}\\n',
    summary.requests, summary.duration, latency.min, latency.max, latency.mean,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99), latency:percentile(99.9),
    e.connect, e.read, e.write, e.timeout, e.status, table.concat(parts, ",")))
end
`;
}

/**
 * Runs wrk and returns the figures in the shape the other load generator's give (no per-second
 * timeline; first answer and last answer are the run's bounds). The wrk process's CPU time comes
 * from its parent shell's `cutime`/`cstime` once it has been reaped.
 */
export async function runWrk(job: WrkJob): Promise<RunFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'dt-wrk-'));
  try {
    const file = join(dir, 'load.lua');
    writeFileSync(file, script(job.requests));
    const timeout = `${Math.max(1, Math.ceil((job.timeoutMs ?? 10_000) / 1000))}s`;
    const args = [`-t${job.threads ?? 1}`, `-c${job.connections}`, `-d${job.seconds}s`, `--timeout`, timeout, '-s', file, `http://${job.host}:${job.port}/`];
    // sh reaps wrk, then prints its own /proc stat: fields 16 and 17 are the children's user and system ticks.
    const shell = `"$0" "$@"; code=$?; echo "WRK_SHELL_STAT $(cat /proc/$$/stat)"; exit $code`;
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn('sh', ['-c', shell, WRK_PATH, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const bound = setTimeout(() => child.kill('SIGKILL'), (job.seconds + 60) * 1000);
      child.on('error', reject);
      child.on('close', (c) => {
        clearTimeout(bound);
        resolve({ code: c, stdout: out, stderr: err });
      });
    });
    const line = stdout.split('\n').find((l) => l.startsWith('WRK_REPORT '));
    if (code !== 0 || !line) throw new Error(`wrk failed (exit ${code}): ${stderr.slice(-500)} ${stdout.slice(-500)}`);
    const report = JSON.parse(line.slice('WRK_REPORT '.length)) as WrkReport;
    const stat = stdout.split('\n').find((l) => l.startsWith('WRK_SHELL_STAT '));
    const fields = stat ? stat.slice(stat.lastIndexOf(')') + 2).split(' ') : [];
    const ticks = fields.length > 14 ? Number(fields[13]) + Number(fields[14]) : NaN;
    return figuresOfWrk(job, report, Number.isFinite(ticks) ? ticks / 100 : NaN);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function figuresOfWrk(job: WrkJob, r: WrkReport, cpuSeconds: number): RunFigures {
  const socketErrors = r.errors.connect + r.errors.read + r.errors.write;
  const outcomes: Outcomes = { ok: 0, soldOut: 0, busyRetry: 0, other4xx: {}, http5xx: {}, errors: {}, timeouts: r.errors.timeout, notSent: 0 };
  let answered = 0;
  for (const [status, count] of Object.entries(r.statuses)) {
    const st = Number(status);
    answered += count;
    if (st >= 200 && st < 300) outcomes.ok += count;
    else if (st === 429) outcomes.busyRetry += count;
    else if (st >= 400 && st < 500) outcomes.other4xx[status] = count;
    else if (st >= 500) outcomes.http5xx[status] = count;
    else outcomes.errors[`status ${status}`] = count;
  }
  for (const [k, v] of Object.entries({ connect: r.errors.connect, read: r.errors.read, write: r.errors.write })) if (v) outcomes.errors[k] = v;
  const ms = (us: number) => us / 1000;
  const latency: LatencySummary = {
    count: answered,
    min: ms(r.latencyUs.min),
    mean: ms(r.latencyUs.mean),
    p50: ms(r.latencyUs.p50),
    p90: ms(r.latencyUs.p90),
    p95: ms(r.latencyUs.p95),
    p99: ms(r.latencyUs.p99),
    p999: ms(r.latencyUs.p999),
    max: ms(r.latencyUs.max),
  };
  const durationMs = r.durationUs / 1000;
  return {
    requests: r.requests + r.errors.timeout + socketErrors,
    answered,
    throughput: durationMs > 0 ? (answered * 1000) / durationMs : 0,
    drainMs: durationMs,
    sendSpreadMs: durationMs,
    latency,
    latencyByOutcome: { ok: latency },
    outcomes,
    connections: { requested: job.connections, opened: job.connections - r.errors.connect, failed: r.errors.connect, errors: {}, ms: 0 },
    clientCpuSeconds: cpuSeconds,
    firstAnswerMs: ms(r.latencyUs.min),
    lastOkMs: durationMs,
    timeline: [],
  };
}
