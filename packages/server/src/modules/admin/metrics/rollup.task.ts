import type { App } from '../../../app/app.js';
import { foldDashboardRollups } from './rollup-fold.js';

/** Scheduler job names of the dashboard rollups. */
export const ROLLUP_JOBS = { fold: 'dashboard-rollups.fold' } as const;

/**
 * Every 5 seconds, on one instance at a time (the scheduler's lock; the watermark row lock makes a
 * concurrent fold harmless anyway): fold what is new into the dashboard rollups. The first run after
 * the migration also folds the rows from before it (the backfill).
 */
export function registerDashboardRollupJobs(app: App): void {
  app.scheduler.register({
    name: ROLLUP_JOBS.fold,
    cron: '*/5 * * * * *',
    timeoutMs: 600_000,
    run: async () => {
      const r = await foldDashboardRollups(app.db);
      return { rows: r.rows, backfill: r.backfill, ms: r.ms };
    },
  });
}
