/**
 * The SQL floor: the seat transaction of createOrder as raw SQL through `pg`, with no HTTP, no
 * framework and no admission in front, in a process of its own. Every attempt is started at once and
 * queued on a pool (default 20, like the server's), so its latency includes the wait for a connection,
 * as a request's does in the server.
 *
 *   BEGIN;
 *   UPDATE trip SET locked = locked + 1 … WHERE id = $1 AND capacity - sold - locked >= 1 RETURNING …;
 *   INSERT INTO orders (…) VALUES (…)         -- a minimal PENDING row, only when a seat was taken
 *   COMMIT;                                  -- ROLLBACK when no seat was left
 *
 * Same protocol as load-worker.ts; outcomes use HTTP-like statuses (200 locked, 409 SOLD_OUT, 0 error).
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { STATUS_ERROR, STATUS_TIMEOUT, type LoadResult, type SqlFloorJob } from './load-types.js';

async function run(job: SqlFloorJob): Promise<LoadResult> {
  const pool = new pg.Pool({ connectionString: job.url, max: job.pool });
  pool.on('error', () => {});
  // Open the pool's connections first (the server's pool is warm too).
  const warm = await Promise.all(Array.from({ length: job.pool }, () => pool.connect()));
  for (const c of warm) c.release();

  const n = job.attempts;
  const status: number[] = new Array(n).fill(STATUS_TIMEOUT);
  const latency: number[] = new Array(n).fill(NaN);
  const sent: number[] = new Array(n).fill(0);
  const code: Array<string | null> = new Array(n).fill('TIMEOUT');
  let lastDone = 0;
  let done = 0;
  const firedAt = Date.now();
  const t0 = performance.now();

  const attempt = async (i: number) => {
    const start = performance.now();
    sent[i] = Math.round((start - t0) * 1000) / 1000;
    let st = STATUS_ERROR;
    let c: string | null = null;
    let client: pg.PoolClient | null = null;
    try {
      client = await pool.connect();
      await client.query('BEGIN');
      const r = await client.query(
        `UPDATE trip SET locked = locked + 1, updated_at = now()
          WHERE id = $1 AND status = 'SCHEDULED' AND departure_at > now() AND capacity - sold - locked >= 1
          RETURNING capacity - sold - locked AS left`,
        [job.tripId],
      );
      if (r.rowCount) {
        await client.query(
          `INSERT INTO orders (order_no, traveller_id, status, total_amount, lock_expire_at, snapshot)
           VALUES ($1, $2, 'PENDING', 26000, now() + interval '10 minutes', '{}'::jsonb) RETURNING id`,
          [`${job.orderNoPrefix}${i}`, job.travellerId],
        );
        await client.query('COMMIT');
        st = 200;
      } else {
        await client.query('ROLLBACK');
        st = 409;
        c = 'SOLD_OUT';
      }
    } catch (err) {
      c = (err as { code?: string }).code ?? 'ERROR';
      try {
        await client?.query('ROLLBACK');
      } catch {
        /* connection broken */
      }
    } finally {
      client?.release();
    }
    const now = performance.now();
    status[i] = st;
    code[i] = c;
    latency[i] = Math.round((now - start) * 1000) / 1000;
    lastDone = now;
    done++;
  };

  const all = Promise.all(Array.from({ length: n }, (_, i) => attempt(i)));
  const lastSend = performance.now();
  await Promise.race([all, new Promise((r) => setTimeout(r, job.maxDurationMs))]);
  for (let i = 0; i < n; i++) if (Number.isNaN(latency[i])) latency[i] = performance.now() - t0;
  if (done === n) await pool.end();
  const cpu = process.cpuUsage();
  return {
    mode: 'burst',
    connections: { requested: job.pool, opened: job.pool, failed: 0, errors: {}, ms: 0 },
    firedAt,
    lastSendMs: lastSend - t0,
    lastDoneMs: (lastDone || performance.now()) - t0,
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
  run(m.job as SqlFloorJob).then(
    (result) => process.send!({ type: 'result', result }, () => process.exit(0)),
    (err: Error) => process.send!({ type: 'error', message: err.stack ?? String(err) }, () => process.exit(1)),
  );
});
process.send!({ type: 'ready' });
