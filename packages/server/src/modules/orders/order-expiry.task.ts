import type { App } from '../../app/app.js';
import { createSystemContext } from '../../app/context.js';

/** Scheduled job names of the orders module (tests trigger them with `scheduler.runNow`). */
export const ORDER_JOBS = { expireLocks: 'order-lock-expiry' } as const;

/** Every 15 s: cancel PENDING orders whose seat lock expired and free their seats. */
export function registerOrderJobs(app: App): void {
  app.scheduler.register({
    name: ORDER_JOBS.expireLocks,
    cron: '*/15 * * * * *',
    timeoutMs: 60_000,
    run: async () => ({ expired: await app.services.orders.expireLocks(createSystemContext(app, ORDER_JOBS.expireLocks)) }),
  });
}
