import { STATUS_ERROR, STATUS_NOT_SENT, STATUS_TIMEOUT, type LoadResult } from './load-types.js';

export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

/** Nearest-rank percentile of an ascending array (p in 0..100). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (!sorted.length) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function summarizeLatency(values: number[]): LatencySummary {
  const s = Float64Array.from(values.filter((v) => Number.isFinite(v))).sort();
  const r = (v: number) => Math.round(v * 10) / 10;
  const mean = s.length ? s.reduce((a, b) => a + b, 0) / s.length : NaN;
  return {
    count: s.length,
    min: r(s[0] ?? NaN),
    mean: r(mean),
    p50: r(percentile(s, 50)),
    p90: r(percentile(s, 90)),
    p95: r(percentile(s, 95)),
    p99: r(percentile(s, 99)),
    p999: r(percentile(s, 99.9)),
    max: r(s[s.length - 1] ?? NaN),
  };
}

/** What every request came to. */
export interface Outcomes {
  /** 2xx (for createOrder: a seat locked). */
  ok: number;
  soldOut: number;
  busyRetry: number;
  /** Other 4xx, by `status code`. */
  other4xx: Record<string, number>;
  /** 5xx, by `status code` (admission control answers 429 BUSY_RETRY, counted in `busyRetry`). */
  http5xx: Record<string, number>;
  /** No answer: socket errors, connect failures, by code. */
  errors: Record<string, number>;
  timeouts: number;
  notSent: number;
}

export type OutcomeKind = 'ok' | 'soldOut' | 'busyRetry' | 'other4xx' | 'http5xx' | 'error' | 'timeout' | 'notSent' | 'other';

export function outcomeOf(status: number, code: string | null): OutcomeKind {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 409 && code === 'SOLD_OUT') return 'soldOut';
  if (status === 429 && code === 'BUSY_RETRY') return 'busyRetry';
  if (status >= 400 && status < 500) return 'other4xx';
  if (status >= 500) return 'http5xx';
  if (status === STATUS_ERROR) return 'error';
  if (status === STATUS_TIMEOUT) return 'timeout';
  if (status === STATUS_NOT_SENT) return 'notSent';
  return 'other';
}

const bump = (o: Record<string, number>, k: string) => (o[k] = (o[k] ?? 0) + 1);

export interface RunFigures {
  requests: number;
  /** Requests that got an HTTP answer (any status). */
  answered: number;
  /** Answers per second between the first send and the last answer. */
  throughput: number;
  /** First send → last answer (ms). */
  drainMs: number;
  /** First send → last send (ms): how "simultaneous" the burst really was. */
  sendSpreadMs: number;
  latency: LatencySummary;
  latencyByOutcome: Partial<Record<OutcomeKind, LatencySummary>>;
  outcomes: Outcomes;
  connections: LoadResult['connections'];
  /** CPU seconds the load generator itself used. */
  clientCpuSeconds: number;
  /** First send → first answer, and → last 2xx answer (ms). */
  firstAnswerMs: number;
  lastOkMs: number;
  /** Answers per second of the run, by outcome (second 0 = the first second after the first send). */
  timeline: Array<{ second: number; ok: number; soldOut: number; busyRetry: number; other: number }>;
}

export function figuresOf(r: LoadResult): RunFigures {
  const outcomes: Outcomes = { ok: 0, soldOut: 0, busyRetry: 0, other4xx: {}, http5xx: {}, errors: {}, timeouts: 0, notSent: 0 };
  const groups: Partial<Record<OutcomeKind, number[]>> = {};
  let answered = 0;
  for (let i = 0; i < r.status.length; i++) {
    const st = r.status[i];
    const c = r.code[i];
    const kind = outcomeOf(st, c);
    if (st > 0) answered++;
    (groups[kind] ??= []).push(r.latencyMs[i]);
    switch (kind) {
      case 'ok': outcomes.ok++; break;
      case 'soldOut': outcomes.soldOut++; break;
      case 'busyRetry': outcomes.busyRetry++; break;
      case 'other4xx': bump(outcomes.other4xx, `${st} ${c ?? ''}`.trim()); break;
      case 'http5xx': bump(outcomes.http5xx, `${st} ${c ?? ''}`.trim()); break;
      case 'error': bump(outcomes.errors, c ?? 'ERROR'); break;
      case 'timeout': outcomes.timeouts++; break;
      case 'notSent': outcomes.notSent++; break;
      default: bump(outcomes.errors, `status ${st}`);
    }
  }
  const answeredLatencies = r.latencyMs.filter((_, i) => r.status[i] > 0);
  const timeline: RunFigures['timeline'] = [];
  let firstAnswer = Infinity;
  let lastOk = NaN;
  for (let i = 0; i < r.status.length; i++) {
    const at = r.sentMs[i] + r.latencyMs[i];
    if (!Number.isFinite(at)) continue;
    if (r.status[i] > 0) firstAnswer = Math.min(firstAnswer, at);
    const kind = outcomeOf(r.status[i], r.code[i]);
    if (kind === 'ok') lastOk = Number.isNaN(lastOk) ? at : Math.max(lastOk, at);
    const s = Math.floor(at / 1000);
    while (timeline.length <= s) timeline.push({ second: timeline.length, ok: 0, soldOut: 0, busyRetry: 0, other: 0 });
    const b = timeline[s];
    if (kind === 'ok' || kind === 'soldOut' || kind === 'busyRetry') b[kind]++;
    else b.other++;
  }
  const drainMs = Math.round(r.lastDoneMs * 10) / 10;
  return {
    requests: r.status.length,
    answered,
    throughput: drainMs > 0 ? Math.round((answered / drainMs) * 1000) : 0,
    drainMs,
    sendSpreadMs: Math.round(r.lastSendMs * 10) / 10,
    latency: summarizeLatency(answeredLatencies),
    latencyByOutcome: Object.fromEntries(Object.entries(groups).map(([k, v]) => [k, summarizeLatency(v!)])),
    outcomes,
    connections: r.connections,
    clientCpuSeconds: Math.round((r.cpu.user + r.cpu.system) * 100) / 100,
    firstAnswerMs: Math.round(firstAnswer * 10) / 10,
    lastOkMs: Math.round(lastOk * 10) / 10,
    timeline,
  };
}

/** Requests that did not end with an HTTP answer. */
export function unanswered(o: Outcomes): number {
  return Object.values(o.errors).reduce((a, b) => a + b, 0) + o.timeouts + o.notSent;
}

export function count5xx(o: Outcomes): number {
  return Object.values(o.http5xx).reduce((a, b) => a + b, 0);
}
