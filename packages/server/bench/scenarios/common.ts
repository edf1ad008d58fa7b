/** Helpers shared by the issue 9 scenarios (search, redemption, orders-sustained, notify, workers). */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { LoadResult } from '../lib/load-types.js';
import { spawnTs, waitForMessage, SERVER_DIR } from '../lib/proc.js';
import { num, ratio, table } from '../lib/report.js';
import { count5xx, unanswered, type RunFigures } from '../lib/stats.js';
import type { SqlTxFloorJob } from '../lib/sql-tx-floor-worker.js';
import { withClient } from '../lib/db.js';
import { wrkAvailable } from '../lib/wrk.js';
import type { BenchOptions } from './types.js';

export type { SqlTxFloorJob } from '../lib/sql-tx-floor-worker.js';

/** Runs lib/sql-tx-floor-worker.ts in a process of its own and returns its result. */
export async function runSqlTxFloor(job: SqlTxFloorJob): Promise<LoadResult> {
  const child = spawnTs('sql floor', join(SERVER_DIR, 'bench/lib/sql-tx-floor-worker.ts'), { ipc: true });
  try {
    await waitForMessage(child, (m) => m?.type === 'ready', 30_000);
    child.process.send({ type: 'job', job });
    const m = await waitForMessage<{ type: string; result?: LoadResult; message?: string }>(
      child, (x) => x?.type === 'result' || x?.type === 'error', job.maxDurationMs + 60_000,
    );
    if (m.type === 'error') throw new Error(`sql floor failed: ${m.message}`);
    return m.result!;
  } finally {
    await child.stop(5000);
  }
}

/** POST /graphql from this process (set-up only, never the measured load). */
export async function gql<T = any>(url: string, query: string, variables: Record<string, unknown>, token?: string | null): Promise<{ status: number; data?: T; errors?: any[] }> {
  const r = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const j = (await r.json()) as { data?: T; errors?: any[] };
  return { status: r.status, ...j };
}

/** REST call from this process (set-up only). */
export async function rest(url: string, method: string, path: string, body?: unknown, token?: string | null): Promise<{ status: number; body: any }> {
  const r = await fetch(`${url}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: r.status, body: parsed };
}

/** One committer's group-commit counters, read from the server's /metrics (see src/http/metrics.ts). */
export interface GroupCommitCounts {
  grouped: number;
  alone: number;
  transactions: number;
  rolledBack: number;
}

/**
 * Reads a committer's counters from /metrics. With WORKERS > 1 a scrape reaches one worker only, so
 * the figures are that worker's (the scenarios that print them run one worker).
 */
export async function groupCommitCounts(url: string, committer: 'orders' | 'redeems'): Promise<GroupCommitCounts | null> {
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    const read = (metric: string, label: string) => {
      const m = text.match(new RegExp(`^${metric}\\{committer="${committer}",${label}\\} (\\d+)`, 'm'));
      return m ? Number(m[1]) : 0;
    };
    return {
      grouped: read('deeptravel_group_commit_jobs_total', 'mode="grouped"'),
      alone: read('deeptravel_group_commit_jobs_total', 'mode="alone"'),
      transactions: read('deeptravel_group_commit_transactions_total', 'result="committed"'),
      rolledBack: read('deeptravel_group_commit_transactions_total', 'result="rolled_back"'),
    };
  } catch {
    return null;
  }
}

/** "N jobs in G group transactions (mean M), A alone, R rolled back" between two readings. */
export function groupCommitText(a: GroupCommitCounts | null, b: GroupCommitCounts | null): string {
  if (!a || !b) return 'group commit: no /metrics reading';
  const grouped = b.grouped - a.grouped;
  const tx = b.transactions - a.transactions;
  return `group commit: ${grouped.toLocaleString('en-US')} in ${tx.toLocaleString('en-US')} group transactions (mean ${tx ? (grouped / tx).toFixed(1) : '–'} per transaction), ` +
    `${(b.alone - a.alone).toLocaleString('en-US')} alone, ${b.rolledBack - a.rolledBack} groups rolled back`;
}

/** How the after-commit work of a run (the outbox events of one topic) kept up with it. */
export interface OutboxDrain {
  topic: string;
  /** Events of the topic written after the mark (`outboxMark`). */
  events: number;
  /** Still undelivered when the measured run ended. */
  pendingAtRunEnd: number;
  /** From the run's end until none was left (null: still some after the time limit). */
  drainedAfterMs: number | null;
  /** Events ÷ (run start → drained): how fast the handlers went while they had work. */
  deliveredPerSecond: number | null;
  /** Notification rows made from these events. */
  notifications: number;
}

/** The newest outbox event id now (events after it belong to what follows). */
export async function outboxMark(dbUrl: string): Promise<number> {
  return withClient(dbUrl, async (c) => Number((await c.query(`SELECT coalesce(max(id), 0)::bigint AS n FROM outbox_event`)).rows[0].n));
}

/**
 * Waits (polling every 100 ms, at most `limitMs`) until no event of `topic` written after `mark` is
 * undelivered, and says how long that took after the run: a handler slower than the request rate
 * leaves a backlog that grows for as long as the load lasts.
 */
export async function outboxDrain(dbUrl: string, topic: string, mark: number, runStartedAt: number, runEndedAt: number, limitMs = 120_000): Promise<OutboxDrain> {
  return withClient(dbUrl, async (c) => {
    const pending = async () =>
      Number((await c.query(`SELECT count(*)::int AS n FROM outbox_event WHERE topic = $1 AND id > $2 AND status = 'PENDING'`, [topic, mark])).rows[0].n);
    const atEnd = await pending();
    let drainedAt: number | null = atEnd === 0 ? runEndedAt : null;
    while (drainedAt === null && performance.now() - runEndedAt < limitMs) {
      await new Promise((r) => setTimeout(r, 100));
      if ((await pending()) === 0) drainedAt = performance.now();
    }
    const counts = (
      await c.query(
        `SELECT count(*)::int AS events, (SELECT count(*)::int FROM notification n WHERE n.event_id IN (SELECT id FROM outbox_event WHERE topic = $1 AND id > $2)) AS notifications
           FROM outbox_event WHERE topic = $1 AND id > $2`,
        [topic, mark],
      )
    ).rows[0];
    const events = Number(counts.events);
    return {
      topic, events, pendingAtRunEnd: atEnd,
      drainedAfterMs: drainedAt === null ? null : Math.round(drainedAt - runEndedAt),
      deliveredPerSecond: drainedAt === null ? null : Math.round(events / ((drainedAt - runStartedAt) / 1000)),
      notifications: Number(counts.notifications),
    };
  });
}

/** "after-commit work (outbox payment.succeeded): 2,000 events, 189 undelivered at the run's end, drained 0.2 s later (≈ 410 events/s from the run's start); 2,000 notification rows". */
export function outboxDrainText(d: OutboxDrain): string {
  return `after-commit work (outbox ${d.topic}): ${num(d.events)} events, ${num(d.pendingAtRunEnd)} undelivered at the run's end, ` +
    (d.drainedAfterMs === null ? 'NOT drained within the limit' : d.pendingAtRunEnd === 0 ? 'kept up with the run' : `drained ${num(d.drainedAfterMs / 1000, 1)} s later (≈ ${num(d.deliveredPerSecond)} events/s from the run's start)`) +
    `; ${num(d.notifications)} notification rows`;
}

/** Runs fn(0..n-1) with at most `concurrency` in flight (set-up work). */
export async function inParallel<T>(n: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, async () => {
    while (next < n) {
      const i = next++;
      out[i] = await fn(i);
    }
  }));
  return out;
}

/** Everything that is not a 2xx answer, summed (for "no errors" checks). */
export function nonOk(f: RunFigures): number {
  return unanswered(f.outcomes) + count5xx(f.outcomes) + Object.values(f.outcomes.other4xx).reduce((a, b) => a + b, 0) + f.outcomes.soldOut + f.outcomes.busyRetry;
}

export function outcomesText(f: RunFigures): string {
  const o = f.outcomes;
  const list = (r: Record<string, number>) => Object.entries(r).map(([k, v]) => `${k}: ${num(v)}`).join(', ');
  return [
    `2xx ${num(o.ok)}`,
    ...(o.soldOut ? [`409 SOLD_OUT ${num(o.soldOut)}`] : []),
    ...(o.busyRetry ? [`429 BUSY_RETRY ${num(o.busyRetry)}`] : []),
    `other 4xx ${num(Object.values(o.other4xx).reduce((a, b) => a + b, 0))}${Object.keys(o.other4xx).length ? ` (${list(o.other4xx)})` : ''}`,
    `5xx ${num(count5xx(o))}${count5xx(o) ? ` (${list(o.http5xx)})` : ''}`,
    `errors ${num(Object.values(o.errors).reduce((a, b) => a + b, 0))}${Object.keys(o.errors).length ? ` (${list(o.errors)})` : ''}`,
    `time-outs ${num(o.timeouts)}`,
    ...(o.notSent ? [`not sent ${num(o.notSent)}`] : []),
  ].join(' · ');
}

/** Table: the app's run beside its floors (columns), ratio app ÷ floor after each floor. */
export function figuresTable(app: { label: string; f: RunFigures }, floors: Array<{ label: string; f: RunFigures | null }>): string {
  const head = ['', app.label];
  for (const fl of floors) head.push(fl.label, `${app.label} ÷ floor`);
  const rows: string[][] = [head];
  const row = (label: string, get: (f: RunFigures) => number, digits = 0) => {
    const r = [label, num(get(app.f), digits)];
    for (const fl of floors) r.push(fl.f ? num(get(fl.f), digits) : '–', fl.f ? ratio(get(app.f), get(fl.f)) : '–');
    rows.push(r);
  };
  row('requests', (f) => f.requests);
  row('2xx', (f) => f.outcomes.ok);
  row('throughput (answers/s)', (f) => f.throughput);
  row('p50 (ms)', (f) => f.latency.p50, 1);
  row('p95 (ms)', (f) => f.latency.p95, 1);
  row('p99 (ms)', (f) => f.latency.p99, 1);
  row('max (ms)', (f) => f.latency.max, 1);
  row('duration (ms)', (f) => f.drainMs);
  row('load generator CPU (s)', (f) => f.clientCpuSeconds, 2);
  return table(rows);
}

export function loadLine(at: number[]): string {
  const now = loadavg();
  return `load average at start ${at.map((v) => v.toFixed(2)).join(' / ')}, at end ${now.map((v) => v.toFixed(2)).join(' / ')} (1/5/15 min; above ~1 the 2-core machine was shared)`;
}

export interface Check {
  target: string;
  ok: boolean;
  detail: string;
  /** Hard: a broken invariant or lost request (exit 1). Otherwise a missed target. */
  hard: boolean;
}

export function checkLines(checks: Check[]): string[] {
  return checks.map((c) => `  [${c.ok ? 'PASS' : c.hard ? 'FAIL' : 'MISS'}] ${c.target}: ${c.detail}`);
}

export function sortChecks(checks: Check[], failures: string[], missed: string[]): void {
  for (const c of checks) if (!c.ok) (c.hard ? failures : missed).push(`${c.target}: ${c.detail}`);
}

/** YYYY-MM-DD, `days` after today (UTC). */
export function dateIn(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** Which load generator measures: ours (one row per request) or wrk (`--wrk`: aggregates, far less CPU). */
export type Generator = 'node' | 'wrk';

/** `--wrk` asks for wrk (Debian's package); without it, the Node load generator. */
export function generatorOf(opts: BenchOptions): Generator {
  if (!opts.args.wrk) return 'node';
  if (!wrkAvailable()) throw new Error('--wrk needs Debian\'s wrk (apt-get install wrk)');
  return 'wrk';
}
