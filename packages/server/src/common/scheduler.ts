import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../app/logger.js';
import type { LockManager } from './infra/locks.js';

/** A scheduled job: what it does, how often, and the longest one run may take. */
export interface JobDefinition {
  name: string;
  /** node-cron expression (with seconds), e.g. every 15 s: "*\/15 * * * * *". */
  cron: string;
  /** Lease length; the lock is released at the end of the run anyway. */
  timeoutMs: number;
  /** Time zone of the cron expression (default: the server's). */
  timezone?: string;
  run(): Promise<Record<string, unknown> | void>;
}

/**
 * One small scheduler for every job: each run takes a named lock first, so with several instances
 * a job runs on one of them at a time; each run is logged; tests call `runNow` instead of waiting.
 */
export class Scheduler {
  private readonly jobs = new Map<string, JobDefinition>();
  private readonly tasks: ScheduledTask[] = [];
  private readonly running = new Set<Promise<boolean>>();

  constructor(private readonly locks: LockManager, private readonly log: Logger) {}

  register(job: JobDefinition): void {
    this.jobs.set(job.name, job);
  }

  /** Starts the cron timers. */
  start(): void {
    for (const job of this.jobs.values()) {
      this.tasks.push(cron.schedule(job.cron, () => void this.runNow(job.name), { name: job.name, noOverlap: true, ...(job.timezone ? { timezone: job.timezone } : {}) }));
    }
  }

  /** Stops the timers and waits for runs in progress, so their locks are released before exit. */
  async stop(): Promise<void> {
    for (const t of this.tasks) await t.stop();
    this.tasks.length = 0;
    await Promise.allSettled([...this.running]);
  }

  /** Runs a job once if no instance is running it; returns false when another holds the lock. */
  async runNow(name: string): Promise<boolean> {
    const run = this.runOnce(name);
    this.running.add(run);
    try {
      return await run;
    } finally {
      this.running.delete(run);
    }
  }

  private async runOnce(name: string): Promise<boolean> {
    const job = this.jobs.get(name);
    if (!job) throw new Error(`unknown job ${name}`);
    const lease = await this.locks.tryAcquire(`job:${name}`, job.timeoutMs);
    if (!lease) return false;
    const started = Date.now();
    try {
      const result = await job.run();
      this.log.info({ job: name, ms: Date.now() - started, ...(result ?? {}) }, 'job run');
      return true;
    } catch (err) {
      this.log.error({ err, job: name }, 'job failed');
      return true;
    } finally {
      await lease.release();
    }
  }
}
