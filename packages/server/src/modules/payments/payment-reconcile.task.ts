import type { App } from '../../app/app.js';
import { createSystemContext } from '../../app/context.js';

export const PAYMENT_JOBS = { reconcile: 'payment-reconcile' } as const;

/** Every minute: query the gateway about unpaid orders that were sent to pay; close expired ones. */
export function registerPaymentJobs(app: App): void {
  app.scheduler.register({
    name: PAYMENT_JOBS.reconcile,
    cron: '20 * * * * *',
    timeoutMs: 120_000,
    run: async () => app.services.payments.reconcile(createSystemContext(app, PAYMENT_JOBS.reconcile)),
  });
}
