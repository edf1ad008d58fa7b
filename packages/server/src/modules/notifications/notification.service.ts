import type { AppConfig } from '../../app/config.js';
import type { RequestContext } from '../../app/context.js';
import { AppError } from '../../common/errors.js';
import { PermanentDeliveryError } from '../../common/outbox/outbox.js';
import { recordTransition } from '../../common/outbox/state-history.js';
import { requireAdmin } from '../admin/admin-session.js';
import { requireReason, writeAudit } from '../admin/audit.js';
import { requireTraveller } from '../identity/auth.service.js';
import { ChannelError, type NotificationChannel, type SendReceipt } from './channels/notification-channel.js';
import {
  KIND_DEFS,
  NOTIFICATION_KINDS,
  NOTIFICATION_STATUSES,
  REASON_TEXT,
  templatesFromConfig,
  type NotificationKind,
  type NotificationStatus,
  type TemplateConfig,
} from './notification-kinds.js';
import { notificationRepository as repo, NOTIFICATION_COLUMNS, type NotificationRow } from './notification.repository.js';
import { buildFields, toWechatData, type MessageField } from './wechat-fields.js';

/** Outbox topic of one message's delivery (payload `{ notificationId }`). */
export const NOTIFICATION_DELIVER_TOPIC = 'notification.deliver';

/** How long a sender owns a SENDING row; longer than the channel's worst case (token + send + refresh + send ≈ 40 s). */
export const SEND_LEASE_MS = 90_000;

/** A message to create: which traveller, which kind, its values, and its idempotency key. */
export interface NotificationDraft {
  key: string;
  kind: NotificationKind;
  travellerId: number;
  eventId: number | null;
  orderId?: number | null;
  ticketId?: number | null;
  page: string | null;
  /** Values by field name (KIND_DEFS); fitted to the template's keys when the row is made. */
  values: Record<string, string>;
}

/** What `create` did with a draft: the message's id and status, and whether this call made it. */
export interface NotificationCreated {
  id: number;
  status: NotificationStatus;
  created: boolean;
}

/** A message as the traveller's in-app list shows it. */
export interface NotificationView {
  id: number;
  kind: NotificationKind;
  title: string;
  status: NotificationStatus;
  reason: string | null;
  reasonText: string | null;
  fields: MessageField[];
  orderId: number | null;
  ticketId: number | null;
  createdAt: Date;
  sentAt: Date | null;
}

/** The admin view of the queue (for adminMetrics). */
export interface NotificationBacklog {
  byStatus: Record<NotificationStatus, number>;
  /** Age of the oldest message still PENDING or SENDING, seconds (null when none). */
  oldestPendingAgeSeconds: number | null;
  /** The latest messages that ended DEAD, FAILED or UNCONFIRMED, newest first. */
  failures: Array<Pick<NotificationRow, 'id' | 'kind' | 'travellerId' | 'status' | 'reason' | 'lastError' | 'attempts' | 'createdAt'>>;
}

/**
 * Notifications (US-010 G): messages made from outbox events with one consent each, delivered through
 * the channel from the outbox with retries, never twice (docs/notifications.md has the reasoning).
 */
export class NotificationService {
  readonly templates: Record<NotificationKind, TemplateConfig>;

  constructor(
    readonly channel: NotificationChannel,
    config: AppConfig,
  ) {
    this.templates = templatesFromConfig(config);
  }

  /** Creates one message once per key (see `createMany`). */
  async create(ctx: RequestContext, draft: NotificationDraft): Promise<NotificationCreated> {
    const [created] = await this.createMany(ctx, [draft]);
    return created;
  }

  /**
   * Creates messages once per key, all in one transaction of four statements whatever their number:
   * the rows (each reading its traveller's openid), the consents they use (one use per message, in
   * order, while the traveller has any), their delivery events, and the rows that already existed.
   * A repeated key (the outbox re-delivered the event) changes nothing and answers the existing row.
   * An unknown traveller fails the whole call with PermanentDeliveryError (an outbox batch then
   * retries its events one by one, so only that event's message is given up).
   */
  async createMany(ctx: RequestContext, drafts: NotificationDraft[]): Promise<NotificationCreated[]> {
    if (!drafts.length) return [];
    return ctx.app.db.tx(async (sql) => {
      const now = ctx.app.clock.now();
      const unique = [...new Map(drafts.map((d) => [d.key, d])).values()];
      const inserted = await repo.insertForTravellers(sql, unique.map((d) => {
        const template = this.templates[d.kind];
        return {
          key: d.key, travellerId: d.travellerId, kind: d.kind, eventId: d.eventId, orderId: d.orderId ?? null, ticketId: d.ticketId ?? null,
          templateId: template.templateId, page: d.page, fields: buildFields(template.fields, d.values),
        };
      }), now);
      const pending = [...inserted.values()].filter((r) => r.status === 'PENDING').map((r) => r.id);
      // The insert above won these keys, so this runs once per message: one consent per message.
      const consents = pending.length ? await repo.attachConsents(sql, pending, now) : new Map<number, number | null>();
      const toSend = pending.filter((id) => consents.get(id) != null);
      if (toSend.length) await ctx.app.outbox.addMany(sql, NOTIFICATION_DELIVER_TOPIC, toSend.map((notificationId) => ({ notificationId })));
      const repeated = unique.filter((d) => !inserted.has(d.key)).map((d) => d.key);
      const prior = repeated.length ? await repo.byKeys(sql, repeated) : new Map<string, { id: number; status: NotificationStatus }>();
      return drafts.map((d): NotificationCreated => {
        const row = inserted.get(d.key);
        if (row) return { id: row.id, status: row.status === 'PENDING' && consents.get(row.id) == null ? 'SKIPPED_NO_CONSENT' : row.status, created: true };
        const before = prior.get(d.key);
        if (!before) throw new PermanentDeliveryError(`traveller ${d.travellerId} does not exist`);
        return { id: before.id, status: before.status, created: false };
      });
    });
  }

  /**
   * Sends one message (the `notification.deliver` handler). The row is claimed by a conditional
   * update (PENDING → SENDING with a lease) before WeChat is called, so two dispatchers never send
   * it together, and a sender that died mid-send leaves a SENDING row that is never sent again.
   * Transient failures throw (the outbox retries with back-off); permanent ones, and the last
   * attempt, throw PermanentDeliveryError after recording FAILED or DEAD.
   */
  async deliver(ctx: RequestContext, id: number, opts: { lastAttempt: boolean }): Promise<void> {
    const now = ctx.app.clock.now();
    const [row] = await ctx.app.db.query<NotificationRow>(
      `UPDATE notification SET status = 'SENDING', attempts = attempts + 1, lease_until = $2, updated_at = $3
        WHERE id = $1 AND status = 'PENDING' RETURNING ${NOTIFICATION_COLUMNS}`,
      [id, new Date(now.getTime() + SEND_LEASE_MS), now],
    );
    if (!row) return this.notClaimed(ctx, id);
    let receipt: SendReceipt;
    try {
      receipt = await this.channel.send(row.openid!, row.templateId!, toWechatData(row.fields), row.page, row.idempotencyKey);
    } catch (err) {
      return this.recordFailure(ctx, row, err, opts.lastAttempt);
    }
    await this.recordSent(ctx, row, receipt);
  }

  /** Someone else has the row, or it is finished, or its sender died mid-send. */
  private async notClaimed(ctx: RequestContext, id: number): Promise<void> {
    const cur = await repo.byId(ctx.app.db, id);
    if (!cur) throw new PermanentDeliveryError(`notification ${id} does not exist`);
    if (cur.status === 'PENDING') throw new Error(`notification ${id} changed while being claimed; retrying`);
    if (cur.status !== 'SENDING') return; // SENT, skipped, FAILED, DEAD, UNCONFIRMED: nothing left to do
    if (cur.leaseUntil && cur.leaseUntil > ctx.app.clock.now()) {
      // Another dispatcher is sending it right now: come back later to see how that ended.
      throw new Error(`notification ${id} is being sent by another dispatcher`);
    }
    if (await repo.sweepInterrupted(ctx.app.db, ctx.app.clock.now(), id)) ctx.log.warn({ notificationId: id }, 'notification interrupted mid-send: marked UNCONFIRMED, not resent');
  }

  /** Records SENT; the write is retried a little, since WeChat already has the message. */
  private async recordSent(ctx: RequestContext, row: NotificationRow, receipt: SendReceipt): Promise<void> {
    for (let i = 1; ; i++) {
      try {
        ctx.app.faults.check('notification-record-sent');
        const now = ctx.app.clock.now();
        // UNCONFIRMED too: a sweep may have given up on a very slow sender that did succeed.
        await ctx.app.db.query(
          `UPDATE notification SET status = 'SENT', sent_at = $2, msg_id = $3, reason = NULL, last_error = NULL, lease_until = NULL, updated_at = $2
            WHERE id = $1 AND status IN ('SENDING', 'UNCONFIRMED')`,
          [row.id, now, receipt.msgId],
        );
        return;
      } catch (err) {
        if (i >= 3) throw err;
        await new Promise((r) => setTimeout(r, 50 * i));
      }
    }
  }

  private async recordFailure(ctx: RequestContext, row: NotificationRow, err: unknown, lastAttempt: boolean): Promise<never> {
    const e = err instanceof ChannelError ? err : new ChannelError((err as Error)?.message ?? String(err), false, 'ERROR');
    const message = e.message.slice(0, 1000);
    const final = e.permanent || lastAttempt;
    await ctx.app.db.tx(async (sql) => {
      const now = ctx.app.clock.now();
      const [status, reason] = e.permanent ? ['FAILED', e.code] : lastAttempt ? ['DEAD', 'RETRIES_EXHAUSTED'] : ['PENDING', null];
      const updated = await sql.query(
        `UPDATE notification SET status = $2, reason = $3, last_error = $4, lease_until = NULL, updated_at = $5 WHERE id = $1 AND status = 'SENDING' RETURNING id`,
        [row.id, status, reason, message, now],
      );
      // WeChat did not take the message, so its consent is still unused (43101: WeChat has none left).
      if (final && updated.length && row.consentId) await repo.returnConsent(sql, row.consentId, e.code === 'USER_REFUSED' ? 'EMPTY' : 'GIVE_BACK', now);
    });
    ctx.log.warn({ notificationId: row.id, code: e.code, errcode: e.errcode, permanent: e.permanent, lastAttempt }, 'notification delivery failed');
    throw final ? new PermanentDeliveryError(message) : e;
  }

  /** Records the traveller's answers to `wx.requestSubscribeMessage` (kinds or template ids). */
  async recordConsent(ctx: RequestContext, templateKeys: string[], accepted = true): Promise<Array<{ templateId: string; kinds: NotificationKind[]; remaining: number }>> {
    const travellerId = requireTraveller(ctx.principal);
    if (!templateKeys.length || templateKeys.length > 20) throw new AppError('BAD_USER_INPUT', 'Name 1 to 20 templates', { field: 'templateKeys' });
    const ids = new Set<string>();
    for (const key of templateKeys) {
      const byKind = (NOTIFICATION_KINDS as readonly string[]).includes(key) ? this.templates[key as NotificationKind].templateId : null;
      const byId = Object.values(this.templates).some((t) => t.templateId === key) ? key : null;
      const id = byKind ?? byId;
      if (!id) throw new AppError('BAD_USER_INPUT', `Unknown or unconfigured template: ${key}`, { field: 'templateKeys', key });
      ids.add(id);
    }
    const rows = await repo.recordConsents(ctx.app.db, travellerId, [...ids], accepted, ctx.app.clock.now());
    return rows.map((r) => ({ ...r, kinds: this.kindsOf(r.templateId) }));
  }

  /** The templates the app should ask consent for (configured ones; "order completed" only when on), with the caller's counts. */
  async templatesForApp(ctx: RequestContext): Promise<Array<{ kind: NotificationKind; templateId: string; title: string; fields: string[]; remaining: number | null }>> {
    const settings = await ctx.app.services.settings.get(ctx);
    const mine = ctx.principal?.kind === 'traveller' ? await repo.consentsOf(ctx.app.db, ctx.principal.travellerId) : null;
    return Object.values(this.templates)
      .filter((t) => t.templateId && (t.kind !== 'ORDER_COMPLETED' || settings.orderCompletedNotification))
      .map((t) => ({ kind: t.kind, templateId: t.templateId!, title: t.title, fields: t.fields.map((f) => f.label), remaining: mine ? (mine.get(t.templateId!) ?? 0) : null }));
  }

  /** The caller's messages, newest first, including the ones not sent and why. */
  async myNotifications(ctx: RequestContext, page: { limit?: number | null; offset?: number | null } = {}): Promise<NotificationView[]> {
    const travellerId = requireTraveller(ctx.principal);
    const limit = Math.min(Math.max(page.limit ?? 20, 1), 100);
    const offset = Math.max(page.offset ?? 0, 0);
    const rows = await repo.ofTraveller(ctx.app.db, travellerId, limit, offset);
    return rows.map((r) => ({
      id: r.id, kind: r.kind, title: KIND_DEFS[r.kind]?.title ?? r.kind, status: r.status, reason: r.reason,
      reasonText: r.reason ? (REASON_TEXT[r.reason] ?? REASON_TEXT.REJECTED) : null, fields: r.fields,
      orderId: r.orderId, ticketId: r.ticketId, createdAt: r.createdAt, sentAt: r.sentAt,
    }));
  }

  /** Counts by status, the oldest undelivered message's age, and the latest failures (adminMetrics; the caller checks the admin role). */
  async backlog(ctx: RequestContext, failureLimit = 20): Promise<NotificationBacklog> {
    const now = ctx.app.clock.now();
    const counts = await ctx.app.db.query<{ status: NotificationStatus; n: number }>('SELECT status, count(*)::int AS n FROM notification GROUP BY status');
    const byStatus = Object.fromEntries(NOTIFICATION_STATUSES.map((s) => [s, 0])) as Record<NotificationStatus, number>;
    for (const c of counts) byStatus[c.status] = c.n;
    const [oldest] = await ctx.app.db.query<{ at: Date | null }>(`SELECT min(created_at) AS at FROM notification WHERE status IN ('PENDING', 'SENDING')`);
    const failures = await ctx.app.db.query<NotificationBacklog['failures'][number]>(
      `SELECT id::int AS id, kind, traveller_id AS "travellerId", status, reason, last_error AS "lastError", attempts, created_at AS "createdAt"
         FROM notification WHERE status IN ('DEAD', 'FAILED', 'UNCONFIRMED') ORDER BY updated_at DESC, id DESC LIMIT $1`,
      [failureLimit],
    );
    return {
      byStatus,
      oldestPendingAgeSeconds: oldest?.at ? Math.max(0, Math.round((now.getTime() - new Date(oldest.at).getTime()) / 1000)) : null,
      failures,
    };
  }

  /**
   * An operator re-drives a FAILED or DEAD message, with a reason (ADMIN role; audited): it takes a
   * consent again (the failure gave its use back), goes back to PENDING and gets a new delivery
   * event, so the outbox sends it with fresh retries. Idempotent: a message already PENDING, SENDING
   * or SENT (a repeated click) is returned unchanged; a skipped or UNCONFIRMED one is refused
   * (INVALID_TRANSITION): WeChat may already have an UNCONFIRMED message, and a skipped one had no
   * consent or openid to begin with.
   */
  async adminResend(ctx: RequestContext, id: number, reason: string): Promise<NotificationRow & { requeued: boolean }> {
    const admin = requireAdmin(ctx.principal, 'write');
    const why = requireReason(reason);
    const requeued = await ctx.app.db.tx(async (sql) => {
      const [row] = await sql.query<NotificationRow>(`SELECT ${NOTIFICATION_COLUMNS} FROM notification WHERE id = $1 FOR UPDATE`, [id]);
      if (!row) throw new AppError('NOT_FOUND', `No notification ${id}`);
      if (row.status === 'PENDING' || row.status === 'SENDING' || row.status === 'SENT') return false;
      if (row.status !== 'FAILED' && row.status !== 'DEAD') throw new AppError('INVALID_TRANSITION', `A ${row.status} message is not resent`, { status: row.status });
      if (!row.templateId || !row.openid) throw new AppError('INVALID_TRANSITION', 'This message has no template or openid', { status: row.status });
      const now = ctx.app.clock.now();
      const consentId = await repo.takeConsent(sql, row.travellerId, row.templateId, now);
      if (consentId === null) throw new AppError('INVALID_TRANSITION', 'The traveller has no subscription left for this template', { status: row.status, reason: 'NO_CONSENT' });
      await sql.query(`UPDATE notification SET status = 'PENDING', reason = NULL, lease_until = NULL, consent_id = $2, updated_at = $3 WHERE id = $1`, [id, consentId, now]);
      await ctx.app.outbox.add(sql, NOTIFICATION_DELIVER_TOPIC, { notificationId: id });
      await recordTransition(sql, { entityType: 'notification', entityId: id, from: row.status, to: 'PENDING', actor: `admin:${admin.username}`, reason: why.slice(0, 200), at: now });
      await writeAudit(sql, admin, 'notification.resend', 'notification', id,
        { status: row.status, reason: row.reason, lastError: row.lastError, attempts: row.attempts }, { status: 'PENDING', reason: why });
      return true;
    });
    return { ...(await repo.byId(ctx.app.db, id))!, requeued };
  }

  private kindsOf(templateId: string): NotificationKind[] {
    return Object.values(this.templates).filter((t) => t.templateId === templateId).map((t) => t.kind);
  }
}
