import type { App } from '../../app/app.js';
import { createSystemContext } from '../../app/context.js';
import { DEFAULT_OUTBOX_POLICY, type Outbox } from '../../common/outbox/outbox.js';
import { draftsForEvent, expiringDrafts, NOTIFIED_TOPICS } from './notification-content.js';
import { notificationRepository } from './notification.repository.js';
import { NOTIFICATION_DELIVER_TOPIC } from './notification.service.js';

export const NOTIFICATION_JOBS = { reminders: 'notification-reminders' } as const;

/**
 * Notifications run from the outbox: each notified topic's handler creates the message rows (one
 * transaction per event, or per run of the topic's events in a claimed batch; idempotent on the
 * event id), and `notification.deliver` sends one message with the outbox's retries and back-off,
 * several at a time. The reminder job finds entitlements about to expire.
 *
 * `outbox` defaults to the app's; tests pass a second dispatcher over the same database to prove
 * two dispatchers never send a message twice. The job is registered with the app's outbox only.
 */
export function registerNotificationHandlers(app: App, outbox: Outbox = app.outbox): void {
  const service = () => app.services.notifications;
  for (const topic of NOTIFIED_TOPICS) {
    const ctx = () => createSystemContext(app, `notify:${topic}`);
    outbox.on(topic, async (m) => {
      const c = ctx();
      await service().createMany(c, await draftsForEvent(c, m));
    }, {
      // A burst (redeems at a gate, paid orders) in one transaction; a bad event fails its batch and
      // the outbox then delivers each alone, so only that one is retried or given up.
      batch: async (messages) => {
        const c = ctx();
        const drafts = await Promise.all(messages.map((m) => draftsForEvent(c, m)));
        await service().createMany(c, drafts.flat());
      },
    });
  }
  // Each send waits on WeChat (~100 ms): several at once. Safe: every message is claimed by its own
  // conditional update before it is sent, so no two senders ever send one message.
  outbox.on(NOTIFICATION_DELIVER_TOPIC, async (m) => {
    const ctx = createSystemContext(app, 'notify:deliver');
    await service().deliver(ctx, Number(m.payload.notificationId), { lastAttempt: m.attempt >= DEFAULT_OUTBOX_POLICY.maxAttempts });
  }, { concurrency: app.config.NOTIFICATION_SEND_CONCURRENCY });
  if (outbox !== app.outbox) return;
  app.scheduler.register({
    name: NOTIFICATION_JOBS.reminders,
    cron: '20 */10 * * * *',
    timeoutMs: 300_000,
    run: async () => {
      const ctx = createSystemContext(app, NOTIFICATION_JOBS.reminders);
      let created = 0;
      const drafts = await expiringDrafts(ctx);
      // In slices, so a day with many expiring passes is many short transactions, not one long one.
      for (let i = 0; i < drafts.length; i += 100) created += (await service().createMany(ctx, drafts.slice(i, i + 100))).filter((r) => r.created).length;
      // Senders that died mid-send and whose event went DEAD meanwhile: close those rows too.
      const interrupted = await notificationRepository.sweepInterrupted(app.db, app.clock.now());
      return { reminders: created, interrupted };
    },
  });
}
