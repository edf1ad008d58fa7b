import type { App } from '../../app/app.js';
import { createSystemContext } from '../../app/context.js';
import { DEFAULT_OUTBOX_POLICY, type Outbox } from '../../common/outbox/outbox.js';
import { draftsForEvent, expiringDrafts, NOTIFIED_TOPICS } from './notification-content.js';
import { notificationRepository } from './notification.repository.js';
import { NOTIFICATION_DELIVER_TOPIC } from './notification.service.js';

export const NOTIFICATION_JOBS = { reminders: 'notification-reminders' } as const;

/**
 * Notifications run from the outbox: each notified topic's handler creates the message rows (one
 * transaction each, idempotent on the event id), and `notification.deliver` sends one message with
 * the outbox's retries and back-off. The reminder job finds entitlements about to expire.
 *
 * `outbox` defaults to the app's; tests pass a second dispatcher over the same database to prove
 * two dispatchers never send a message twice. The job is registered with the app's outbox only.
 */
export function registerNotificationHandlers(app: App, outbox: Outbox = app.outbox): void {
  const service = () => app.services.notifications;
  for (const topic of NOTIFIED_TOPICS) {
    outbox.on(topic, async (m) => {
      const ctx = createSystemContext(app, `notify:${topic}`);
      for (const draft of await draftsForEvent(ctx, m)) await service().create(ctx, draft);
    });
  }
  outbox.on(NOTIFICATION_DELIVER_TOPIC, async (m) => {
    const ctx = createSystemContext(app, 'notify:deliver');
    await service().deliver(ctx, Number(m.payload.notificationId), { lastAttempt: m.attempt >= DEFAULT_OUTBOX_POLICY.maxAttempts });
  });
  if (outbox !== app.outbox) return;
  app.scheduler.register({
    name: NOTIFICATION_JOBS.reminders,
    cron: '20 */10 * * * *',
    timeoutMs: 300_000,
    run: async () => {
      const ctx = createSystemContext(app, NOTIFICATION_JOBS.reminders);
      let created = 0;
      for (const draft of await expiringDrafts(ctx)) if ((await service().create(ctx, draft)).created) created++;
      // Senders that died mid-send and whose event went DEAD meanwhile: close those rows too.
      const interrupted = await notificationRepository.sweepInterrupted(app.db, app.clock.now());
      return { reminders: created, interrupted };
    },
  });
}
