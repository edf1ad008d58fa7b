import { join } from 'node:path';
import { spawnTs, waitForMessage, SERVER_DIR } from './proc.js';
import type { LoadJob, LoadResult, SqlFloorJob } from './load-types.js';

export type { LoadJob, LoadRequest, LoadResult, SqlFloorJob } from './load-types.js';

/**
 * Runs a worker script in its own process: waits for `ready`, sends the job, returns the `result`.
 * Bounded: the worker bounds its own run, and this side kills it after `boundMs` regardless.
 */
async function runWorker(name: string, script: string, job: unknown, boundMs: number, nofile?: number): Promise<LoadResult> {
  const child = spawnTs(name, join(SERVER_DIR, script), { ipc: true, nofile });
  try {
    await waitForMessage(child, (m) => m?.type === 'ready', 30_000);
    child.process.send({ type: 'job', job });
    const m = await waitForMessage<{ type: string; result?: LoadResult; message?: string }>(
      child,
      (x) => x?.type === 'result' || x?.type === 'error',
      boundMs,
    );
    if (m.type === 'error') throw new Error(`${name} failed: ${m.message}`);
    return m.result!;
  } finally {
    await child.stop(5000);
  }
}

/** One HTTP load job, from a separate load-generator process (bench/lib/load-worker.ts). */
export function runLoad(job: LoadJob): Promise<LoadResult> {
  // Opening connections (≤ 30 s per connect, a bounded number at a time) + the run + reporting.
  const bound = job.maxDurationMs + 30_000 + Math.ceil(job.connections / (job.connectConcurrency ?? 256)) * 1000 + 60_000;
  return runWorker('load generator', 'bench/lib/load-worker.ts', job, bound, job.connections + 1024);
}

/** The raw-SQL floor of the seat transaction, from its own process (bench/lib/sql-floor-worker.ts). */
export function runSqlFloor(job: SqlFloorJob): Promise<LoadResult> {
  return runWorker('sql floor', 'bench/lib/sql-floor-worker.ts', job, job.maxDurationMs + 60_000);
}
