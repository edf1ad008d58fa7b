import type { Sql } from '../../../common/db/sql.js';
import { NOTIFICATION_STATUSES } from '../../notifications/notification-kinds.js';

/**
 * The dashboard's current-state gauges (not flows, so not rolled up): each reads only the rows in
 * a small state through a status index (the backlog, the failures, open differences), so its cost
 * follows the backlog, not the history.
 */

/** Messages waiting or failed now, and the latest failures. */
export interface NotificationBacklogGauge {
  pending: number;
  sending: number;
  /** FAILED: rejected by the channel for good. */
  failed: number;
  /** UNCONFIRMED: the channel's answer was lost; not resent (never twice). */
  unconfirmed: number;
  /** DEAD: retries used up. */
  dead: number;
  oldestPendingSeconds: number | null;
  failures: Array<{ id: number; kind: string; travellerId: number; status: string; reason: string | null; lastError: string | null; attempts: number; createdAt: Date }>;
}

/** The outbox, notifications and gateway gauges. */
export interface LiveGauges {
  outbox: { pending: number; dead: number; oldestPendingSeconds: number | null };
  notifications: Array<{ key: string; count: number }>;
  notificationBacklog: NotificationBacklogGauge;
  paymentAnomalies: number;
  reconciliationDifferences: number;
  reconciliationDifferencesByKind: Array<{ key: string; count: number }>;
}

const ageSeconds = (now: Date, at: Date | null) => (at ? Math.max(0, Math.round((now.getTime() - new Date(at).getTime()) / 1000)) : null);

/** Reads every gauge; `start`/`end` bound the notification counts by status (messages created in the range). */
export async function liveGauges(db: Sql, now: Date, start: Date, end: Date, failureLimit = 10): Promise<LiveGauges> {
  const [outbox, notifications, backlog, failures, gateway, byKind] = await Promise.all([
    db.query<{ pending: number; dead: number; oldest: Date | null }>(
      `SELECT (SELECT count(*) FROM outbox_event WHERE status = 'PENDING')::int AS pending,
              (SELECT count(*) FROM outbox_event WHERE status = 'DEAD')::int AS dead,
              (SELECT min(created_at) FROM outbox_event WHERE status = 'PENDING') AS oldest`,
    ),
    // One index range scan per status (status, created_at), not a scan of every message.
    db.query<{ key: string; count: number }>(
      `SELECT s.status AS key, (SELECT count(*) FROM notification n WHERE n.status = s.status AND n.created_at >= $2 AND n.created_at < $3)::int AS count
         FROM unnest($1::text[]) AS s(status) ORDER BY s.status`,
      [NOTIFICATION_STATUSES, start, end],
    ),
    db.query<{ key: string; count: number; oldest: Date | null }>(
      `SELECT s.status AS key, (SELECT count(*) FROM notification n WHERE n.status = s.status)::int AS count,
              (SELECT min(created_at) FROM notification n WHERE n.status = s.status) AS oldest
         FROM unnest(ARRAY['PENDING', 'SENDING', 'FAILED', 'UNCONFIRMED', 'DEAD']) AS s(status)`,
    ),
    db.query<NotificationBacklogGauge['failures'][number]>(
      `SELECT id::int AS id, kind, traveller_id AS "travellerId", status, reason, last_error AS "lastError", attempts, created_at AS "createdAt"
         FROM notification WHERE status IN ('DEAD', 'FAILED', 'UNCONFIRMED') ORDER BY updated_at DESC, id DESC LIMIT $1`,
      [failureLimit],
    ),
    db.query<{ anomalies: number; differences: number }>(
      `SELECT (SELECT count(*) FROM payment_anomaly WHERE NOT resolved)::int AS anomalies,
              (SELECT count(*) FROM reconciliation_difference WHERE NOT resolved)::int AS differences`,
    ),
    db.query<{ key: string; count: number }>(
      `SELECT kind AS key, count(*)::int AS count FROM reconciliation_difference WHERE NOT resolved GROUP BY kind ORDER BY kind`,
    ),
  ]);
  const n = Object.fromEntries(backlog.map((b) => [b.key, b])) as Record<string, { count: number; oldest: Date | null }>;
  const oldest = [n.PENDING?.oldest, n.SENDING?.oldest].filter((d): d is Date => !!d).map((d) => new Date(d)).sort((a, b) => a.getTime() - b.getTime())[0] ?? null;
  return {
    outbox: { pending: outbox[0].pending, dead: outbox[0].dead, oldestPendingSeconds: ageSeconds(now, outbox[0].oldest) },
    notifications: notifications.filter((s) => s.count > 0),
    notificationBacklog: {
      pending: n.PENDING?.count ?? 0,
      sending: n.SENDING?.count ?? 0,
      failed: n.FAILED?.count ?? 0,
      unconfirmed: n.UNCONFIRMED?.count ?? 0,
      dead: n.DEAD?.count ?? 0,
      oldestPendingSeconds: ageSeconds(now, oldest),
      failures,
    },
    paymentAnomalies: gateway[0].anomalies,
    reconciliationDifferences: gateway[0].differences,
    reconciliationDifferencesByKind: byKind,
  };
}
