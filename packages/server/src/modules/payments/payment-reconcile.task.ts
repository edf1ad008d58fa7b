import type { App } from '../../app/app.js';
import { createSystemContext } from '../../app/context.js';

export const PAYMENT_JOBS = { reconcile: 'payment-reconcile', bills: 'bill-reconciliation' } as const;

/** Every minute: query the gateway about unpaid orders that were sent to pay; close expired ones. */
export function registerPaymentJobs(app: App): void {
  app.scheduler.register({
    name: PAYMENT_JOBS.reconcile,
    cron: '20 * * * * *',
    timeoutMs: 120_000,
    run: async () => app.services.payments.reconcile(createSystemContext(app, PAYMENT_JOBS.reconcile)),
  });
  // Next-day reconciliation after WeChat publishes the bills (from 10:00 Beijing/Hong Kong time).
  app.scheduler.register({
    name: PAYMENT_JOBS.bills,
    cron: '0 30 10 * * *',
    timezone: 'Asia/Shanghai',
    timeoutMs: 600_000,
    run: async () => app.services.reconciliation.reconcileYesterday(createSystemContext(app, PAYMENT_JOBS.bills)),
  });
}
