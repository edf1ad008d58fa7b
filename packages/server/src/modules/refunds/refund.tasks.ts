import type { App } from '../../app/app.js';
import { createSystemContext } from '../../app/context.js';
import { PAYMENT_EVENTS } from '../payments/payment.service.js';
import { REFUND_EVENTS } from './refund.service.js';

export const REFUND_JOBS = { sync: 'refund-sync', changeExpiry: 'change-expiry' } as const;

/**
 * Refund side effects run from the outbox (after commit, retried with back-off): sending a requested
 * refund to the gateway, and refunding payments we must give back. Jobs: poll refunds still
 * PROCESSING (a lost refund notify), and undo changes whose difference was not paid in time.
 */
export function registerRefundHandlersAndJobs(app: App): void {
  app.outbox.on(REFUND_EVENTS.requested, async (m) => {
    await app.services.refunds.executeRefund(createSystemContext(app, 'refund-executor'), Number(m.payload.refundId));
  });
  app.outbox.on(PAYMENT_EVENTS.refundRequired, async (m) => {
    const ctx = createSystemContext(app, 'payment-refunds');
    await app.services.refunds.refundPayment(ctx, Number(m.payload.paymentId), m.payload.reason === 'DOUBLE_PAYMENT' ? 'DOUBLE_PAYMENT' : 'LATE_PAYMENT');
  });
  app.scheduler.register({
    name: REFUND_JOBS.sync,
    cron: '40 */2 * * * *',
    timeoutMs: 120_000,
    run: async () => ({ applied: await app.services.refunds.syncProcessing(createSystemContext(app, REFUND_JOBS.sync)) }),
  });
  app.scheduler.register({
    name: REFUND_JOBS.changeExpiry,
    cron: '*/15 * * * * *',
    timeoutMs: 60_000,
    run: async () => ({ abandoned: await app.services.changes.expireChanges(createSystemContext(app, REFUND_JOBS.changeExpiry)) }),
  });
}
