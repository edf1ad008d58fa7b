/**
 * A generic raw-SQL floor (issue 9 scenarios): runs a list of prepared transactions through `pg`, each
 * `BEGIN; <statements>; COMMIT`, with `concurrency` of them in flight at once on a pool of `pool`
 * connections (closed loop: as fast as PostgreSQL answers). A transaction whose `expectRows`
 * statement touched no row is ROLLED BACK and counted as 409 (nothing to do), so the floor can be
 * checked like the server (e.g. exactly one success per redeemed line).
 *
 * Same protocol and result shape as load-worker.ts; statuses are HTTP-like (200 done, 409 refused, 0 error).
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { STATUS_ERROR, STATUS_NOT_SENT, type LoadResult } from './load-types.js';

export interface SqlTxFloorJob {
  url: string;
  pool: number;
  concurrency: number;
  /** One entry per transaction: its statements in order; `expectRows` marks a statement that must touch ≥ 1 row. */
  txs: Array<Array<{ sql: string; params: unknown[]; expectRows?: boolean }>>;
  maxDurationMs: number;
}

async function run(job: SqlTxFloorJob): Promise<LoadResult> {
  const pool = new pg.Pool({ connectionString: job.url, max: job.pool });
  pool.on('error', () => {});
  const warm = await Promise.all(Array.from({ length: job.pool }, () => pool.connect()));
  for (const c of warm) c.release();
  const n = job.txs.length;
  const status: number[] = new Array(n).fill(STATUS_NOT_SENT);
  const latency: number[] = new Array(n).fill(NaN);
  const sent: number[] = new Array(n).fill(NaN);
  const code: Array<string | null> = new Array(n).fill('NOT_SENT');
  const firedAt = Date.now();
  const t0 = performance.now();
  const deadline = t0 + job.maxDurationMs;
  let next = 0;
  let lastDone = t0;
  let lastSend = t0;
  const one = async (i: number) => {
    const start = performance.now();
    sent[i] = Math.round((start - t0) * 1000) / 1000;
    lastSend = start;
    let st = STATUS_ERROR;
    let c: string | null = null;
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      let refused = false;
      for (const s of job.txs[i]) {
        const r = await client.query(s.sql, s.params);
        if (s.expectRows && !r.rowCount) {
          refused = true;
          break;
        }
      }
      if (refused) {
        await client.query('ROLLBACK');
        st = 409;
        c = 'NOTHING_TO_DO';
      } else {
        await client.query('COMMIT');
        st = 200;
      }
    } catch (err) {
      c = (err as { code?: string }).code ?? 'ERROR';
      try {
        await client.query('ROLLBACK');
      } catch {
        /* broken connection */
      }
    } finally {
      client.release();
    }
    const now = performance.now();
    status[i] = st;
    code[i] = c;
    latency[i] = Math.round((now - start) * 1000) / 1000;
    lastDone = now;
  };
  await Promise.all(
    Array.from({ length: Math.max(1, job.concurrency) }, async () => {
      while (next < n && performance.now() < deadline) await one(next++);
    }),
  );
  await pool.end();
  const cpu = process.cpuUsage();
  return {
    mode: 'closed',
    connections: { requested: job.pool, opened: job.pool, failed: 0, errors: {}, ms: 0 },
    firedAt,
    lastSendMs: lastSend - t0,
    lastDoneMs: lastDone - t0,
    status,
    sentMs: sent,
    latencyMs: latency,
    code,
    samples: [],
    cpu: { user: cpu.user / 1e6, system: cpu.system / 1e6 },
  };
}

process.on('message', (m: any) => {
  if (m?.type !== 'job') return;
  run(m.job as SqlTxFloorJob).then(
    (result) => process.send!({ type: 'result', result }, () => process.exit(0)),
    (err: Error) => process.send!({ type: 'error', message: err.stack ?? String(err) }, () => process.exit(1)),
  );
});
process.send!({ type: 'ready' });
