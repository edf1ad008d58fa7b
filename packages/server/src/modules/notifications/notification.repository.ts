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

/** What a new message row holds (its traveller's openid is read when it is inserted). */
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
}

/** The SQL of notifications and consents (hand-written: each step is one statement). */
export const notificationRepository = {
  /**
   * Inserts the messages whose key does not exist yet, in one statement that reads each traveller's
   * openid: the status is `SKIPPED_NO_TEMPLATE` without a template, `SKIPPED_NO_OPENID` without an
   * openid, else PENDING. Returns the new rows by key; a duplicate key or an unknown traveller is absent.
   */
  async insertForTravellers(sql: Sql, rows: NewNotification[], now: Date): Promise<Map<string, { id: number; status: NotificationStatus }>> {
    const inserted = await sql.query<{ id: number; key: string; status: NotificationStatus }>(
      `INSERT INTO notification (idempotency_key, traveller_id, kind, event_id, order_id, ticket_id, template_id, openid, page, fields, status, reason, created_at, updated_at)
       SELECT d.j->>'key', t.id, d.j->>'kind', (d.j->>'eventId')::bigint, (d.j->>'orderId')::int, (d.j->>'ticketId')::int, d.j->>'templateId', t.openid, d.j->>'page', d.j->'fields',
              CASE WHEN d.j->>'templateId' IS NULL THEN 'SKIPPED_NO_TEMPLATE' WHEN t.openid IS NULL THEN 'SKIPPED_NO_OPENID' ELSE 'PENDING' END,
              CASE WHEN d.j->>'templateId' IS NULL THEN 'NO_TEMPLATE' WHEN t.openid IS NULL THEN 'NO_OPENID' END,
              $2, $2
         FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS d(j, n)
         JOIN traveller t ON t.id = (d.j->>'travellerId')::int
        ORDER BY d.n
       ON CONFLICT (idempotency_key) DO NOTHING RETURNING id::int AS id, idempotency_key AS key, status`,
      [JSON.stringify(rows), now],
    );
    return new Map(inserted.map((r) => [r.key, { id: r.id, status: r.status }]));
  },

  /**
   * Takes one use of its traveller's consent for each PENDING message, in one statement: messages of
   * one traveller and template take uses in id order while any are left, the rest become
   * SKIPPED_NO_CONSENT. Returns each message's consent id (null: none left). The consent rows are
   * locked first, so concurrent callers count from each other's results (and `remaining` never goes
   * below zero: a check constraint backs that).
   */
  async attachConsents(sql: Sql, notificationIds: number[], now: Date): Promise<Map<number, number | null>> {
    const rows = await sql.query<{ id: number; consentId: number | null }>(
      `WITH p AS (
         SELECT n.id, n.traveller_id, n.template_id, row_number() OVER (PARTITION BY n.traveller_id, n.template_id ORDER BY n.id) AS rn
           FROM notification n WHERE n.id = ANY($1::bigint[]) AND n.status = 'PENDING' AND n.consent_id IS NULL),
       c AS (
         SELECT nc.id, nc.traveller_id, nc.template_id, nc.remaining FROM notification_consent nc
          WHERE (nc.traveller_id, nc.template_id) IN (SELECT traveller_id, template_id FROM p) AND nc.remaining > 0
          ORDER BY nc.id FOR UPDATE),
       taken AS (SELECT p.id, c.id AS consent_id FROM p JOIN c USING (traveller_id, template_id) WHERE p.rn <= c.remaining),
       used AS (
         UPDATE notification_consent nc SET remaining = nc.remaining - k.n, updated_at = $2
           FROM (SELECT consent_id, count(*)::int AS n FROM taken GROUP BY consent_id) k WHERE nc.id = k.consent_id RETURNING nc.id)
       UPDATE notification n SET consent_id = taken.consent_id,
              status = CASE WHEN taken.consent_id IS NULL THEN 'SKIPPED_NO_CONSENT' ELSE n.status END,
              reason = CASE WHEN taken.consent_id IS NULL THEN 'NO_CONSENT' ELSE n.reason END
         FROM p LEFT JOIN taken ON taken.id = p.id
        WHERE n.id = p.id
       RETURNING n.id::int AS id, n.consent_id::int AS "consentId"`,
      [notificationIds, now],
    );
    return new Map(rows.map((r) => [r.id, r.consentId]));
  },

  /** Existing messages by key (a repeated event): id and status. */
  async byKeys(sql: Sql, keys: string[]): Promise<Map<string, { id: number; status: NotificationStatus }>> {
    const rows = await sql.query<{ id: number; key: string; status: NotificationStatus }>(
      `SELECT id::int AS id, idempotency_key AS key, status FROM notification WHERE idempotency_key = ANY($1::text[])`,
      [keys],
    );
    return new Map(rows.map((r) => [r.key, { id: r.id, status: r.status }]));
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
