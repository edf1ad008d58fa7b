import type { Sql } from '../../common/db/sql.js';
import type { NotificationKind, NotificationStatus } from './notification-kinds.js';
import type { MessageField } from './wechat-fields.js';

/** A message row as the service reads it. */
export interface NotificationRow {
  id: number;
  idempotencyKey: string;
  travellerId: number;
  kind: NotificationKind;
  eventId: number | null;
  orderId: number | null;
  ticketId: number | null;
  templateId: string | null;
  openid: string | null;
  page: string | null;
  fields: MessageField[];
  status: NotificationStatus;
  reason: string | null;
  attempts: number;
  lastError: string | null;
  leaseUntil: Date | null;
  consentId: number | null;
  msgId: string | null;
  sentAt: Date | null;
  createdAt: Date;
}

export const NOTIFICATION_COLUMNS = `id::int AS id, idempotency_key AS "idempotencyKey", traveller_id AS "travellerId", kind,
  event_id::int AS "eventId", order_id AS "orderId", ticket_id AS "ticketId", template_id AS "templateId", openid, page, fields,
  status, reason, attempts, last_error AS "lastError", lease_until AS "leaseUntil", consent_id AS "consentId", msg_id AS "msgId",
  sent_at AS "sentAt", created_at AS "createdAt"`;

/** What a new message row holds. */
export interface NewNotification {
  key: string;
  travellerId: number;
  kind: NotificationKind;
  eventId: number | null;
  orderId: number | null;
  ticketId: number | null;
  templateId: string | null;
  page: string | null;
  fields: MessageField[];
  now: Date;
}

/** The SQL of notifications and consents (hand-written: each step is one statement). */
export const notificationRepository = {
  /**
   * Inserts the message unless its key exists, reading the traveller's openid in the same statement:
   * the status is `SKIPPED_NO_TEMPLATE` without a template, `SKIPPED_NO_OPENID` without an openid, else
   * PENDING. Returns the new row's id, status and openid; null for a duplicate key or an unknown traveller.
   */
  async insertForTraveller(
    sql: Sql,
    n: NewNotification,
  ): Promise<{ id: number; status: NotificationStatus; openid: string | null } | null> {
    const [row] = await sql.query<{ id: number; status: NotificationStatus; openid: string | null }>(
      `INSERT INTO notification (idempotency_key, traveller_id, kind, event_id, order_id, ticket_id, template_id, openid, page, fields, status, reason, created_at, updated_at)
       SELECT $1, t.id, $3, $4, $5, $6, $7::text, t.openid, $8, $9,
              CASE WHEN $7::text IS NULL THEN 'SKIPPED_NO_TEMPLATE' WHEN t.openid IS NULL THEN 'SKIPPED_NO_OPENID' ELSE 'PENDING' END,
              CASE WHEN $7::text IS NULL THEN 'NO_TEMPLATE' WHEN t.openid IS NULL THEN 'NO_OPENID' END,
              $10, $10
         FROM traveller t WHERE t.id = $2
       ON CONFLICT (idempotency_key) DO NOTHING RETURNING id::int AS id, status, openid`,
      [n.key, n.travellerId, n.kind, n.eventId, n.orderId, n.ticketId, n.templateId, n.page, JSON.stringify(n.fields), n.now],
    );
    return row ?? null;
  },

  /** Takes one use of the traveller's consent for a PENDING message and records it on the message (SKIPPED_NO_CONSENT when none is left). */
  async attachConsent(sql: Sql, notificationId: number, travellerId: number, templateId: string, now: Date): Promise<number | null> {
    const [row] = await sql.query<{ consentId: number | null }>(
      `WITH c AS (
         UPDATE notification_consent SET remaining = remaining - 1, updated_at = $4
          WHERE traveller_id = $2 AND template_id = $3 AND remaining > 0 RETURNING id)
       UPDATE notification SET consent_id = (SELECT id FROM c),
              status = CASE WHEN (SELECT id FROM c) IS NULL THEN 'SKIPPED_NO_CONSENT' ELSE status END,
              reason = CASE WHEN (SELECT id FROM c) IS NULL THEN 'NO_CONSENT' ELSE reason END
        WHERE id = $1 RETURNING consent_id::int AS "consentId"`,
      [notificationId, travellerId, templateId, now],
    );
    return row?.consentId ?? null;
  },

  async byKey(sql: Sql, key: string): Promise<NotificationRow | null> {
    const [row] = await sql.query<NotificationRow>(`SELECT ${NOTIFICATION_COLUMNS} FROM notification WHERE idempotency_key = $1`, [key]);
    return row ?? null;
  },

  async byId(sql: Sql, id: number): Promise<NotificationRow | null> {
    const [row] = await sql.query<NotificationRow>(`SELECT ${NOTIFICATION_COLUMNS} FROM notification WHERE id = $1`, [id]);
    return row ?? null;
  },

  /** Takes one use of the traveller's consent to a template; the consent id, or null when none is left. */
  async takeConsent(sql: Sql, travellerId: number, templateId: string, now: Date): Promise<number | null> {
    const [row] = await sql.query<{ id: number }>(
      `UPDATE notification_consent SET remaining = remaining - 1, updated_at = $3
        WHERE traveller_id = $1 AND template_id = $2 AND remaining > 0 RETURNING id`,
      [travellerId, templateId, now],
    );
    return row?.id ?? null;
  },

  /** Gives a use back (WeChat never took the message), or empties it (WeChat says none is left). */
  async returnConsent(sql: Sql, consentId: number, mode: 'GIVE_BACK' | 'EMPTY', now: Date): Promise<void> {
    await sql.query(
      `UPDATE notification_consent SET remaining = ${mode === 'EMPTY' ? '0' : 'remaining + 1'}, updated_at = $2 WHERE id = $1`,
      [consentId, now],
    );
  },

  /** Adds the traveller's answers for several templates in one statement; returns the counts left. */
  async recordConsents(sql: Sql, travellerId: number, templateIds: string[], accepted: boolean, now: Date): Promise<Array<{ templateId: string; remaining: number }>> {
    return sql.query(
      `INSERT INTO notification_consent (traveller_id, template_id, remaining, accepted_total, rejected_total, last_decision, decided_at, created_at, updated_at)
       SELECT $1, t, $3, $3, $4, $5, $6, $6, $6 FROM unnest($2::text[]) AS t
       ON CONFLICT (traveller_id, template_id) DO UPDATE SET
         remaining = notification_consent.remaining + EXCLUDED.remaining,
         accepted_total = notification_consent.accepted_total + EXCLUDED.accepted_total,
         rejected_total = notification_consent.rejected_total + EXCLUDED.rejected_total,
         last_decision = EXCLUDED.last_decision, decided_at = EXCLUDED.decided_at, updated_at = EXCLUDED.updated_at
       RETURNING template_id AS "templateId", remaining`,
      [travellerId, templateIds, accepted ? 1 : 0, accepted ? 0 : 1, accepted ? 'ACCEPTED' : 'REJECTED', now],
    );
  },

  async consentsOf(sql: Sql, travellerId: number): Promise<Map<string, number>> {
    const rows = await sql.query<{ templateId: string; remaining: number }>(
      'SELECT template_id AS "templateId", remaining FROM notification_consent WHERE traveller_id = $1',
      [travellerId],
    );
    return new Map(rows.map((r) => [r.templateId, r.remaining]));
  },

  /** A traveller's messages, newest first. */
  async ofTraveller(sql: Sql, travellerId: number, limit: number, offset: number): Promise<NotificationRow[]> {
    return sql.query<NotificationRow>(
      `SELECT ${NOTIFICATION_COLUMNS} FROM notification WHERE traveller_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`,
      [travellerId, limit, offset],
    );
  },

  /** Rows stuck in SENDING past their lease (the sender died): never resent, marked UNCONFIRMED. */
  async sweepInterrupted(sql: Sql, now: Date, id?: number): Promise<number> {
    const rows = await sql.query(
      `UPDATE notification SET status = 'UNCONFIRMED', reason = 'INTERRUPTED', lease_until = NULL, updated_at = $1,
              last_error = 'the sender stopped while sending; WeChat may or may not have the message, so it is not sent again'
        WHERE status = 'SENDING' AND lease_until <= $1 ${id ? 'AND id = $2' : ''} RETURNING id`,
      id ? [now, id] : [now],
    );
    return rows.length;
  },
};
