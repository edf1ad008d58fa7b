import type { RequestContext } from '../../app/context.js';
import type { Sql } from '../../common/db/sql.js';
import { concurrentReads } from '../../common/db/concurrent-reads.js';
import { PermanentDeliveryError, type OutboxMessage } from '../../common/outbox/outbox.js';
import { ORDER_COMPLETED_EVENT } from '../orders/order-completion.js';
import { ORDER_EVENTS } from '../orders/order.service.js';
import { PAYMENT_EVENTS } from '../payments/payment.service.js';
import { REDEMPTION_EVENTS } from '../redemption/redemption.service.js';
import { REFUND_EVENTS } from '../refunds/refund.service.js';
import { CANCEL_REASON_TEXT, NOTIFICATION_PAGES, type NotificationKind } from './notification-kinds.js';
import type { NotificationDraft } from './notification.service.js';
import { formatAmount, formatTime, formatValidUntil, summariseProducts } from './wechat-fields.js';

/** The outbox topics that become messages. */
export const NOTIFIED_TOPICS = [
  PAYMENT_EVENTS.succeeded,
  ORDER_EVENTS.cancelled,
  REFUND_EVENTS.succeeded,
  REFUND_EVENTS.failed,
  REDEMPTION_EVENTS.recorded,
  ORDER_COMPLETED_EVENT,
] as const;

interface OrderFacts {
  id: number;
  orderNo: string;
  travellerId: number;
  currency: string;
  totalAmount: number;
  paidAt: Date | null;
  cancelledAt: Date | null;
  products: string[];
}

/** The orders' facts, one per id (null: no such order), in one statement. */
async function ordersFacts(sql: Sql, orderIds: readonly number[]): Promise<Array<OrderFacts | null>> {
  const rows = await sql.query<Omit<OrderFacts, 'products'> & { products: string[] | null }>(
    `SELECT id, order_no AS "orderNo", traveller_id AS "travellerId", currency, total_amount AS "totalAmount", paid_at AS "paidAt", cancelled_at AS "cancelledAt",
            (SELECT json_agg(i.product_name ORDER BY i.id) FROM order_item i WHERE i.order_id = orders.id) AS products
       FROM orders WHERE id = ANY($1::int[])`,
    [[...new Set(orderIds)]],
  );
  const byId = new Map(rows.map((o) => [Number(o.id), { ...o, products: o.products ?? [] }]));
  return orderIds.map((id) => byId.get(id) ?? null);
}

/** Events handled together (an outbox batch) read their orders with one statement. */
const orderReaders = new WeakMap<Sql, (orderId: number) => Promise<OrderFacts | null>>();

async function orderFacts(sql: Sql, orderId: number): Promise<OrderFacts> {
  let read = orderReaders.get(sql);
  if (!read) orderReaders.set(sql, (read = concurrentReads((ids) => ordersFacts(sql, ids))));
  const o = await read(orderId);
  if (!o) throw new PermanentDeliveryError(`order ${orderId} does not exist`);
  return o;
}

const num = (v: unknown): number | null => (v === null || v === undefined || v === '' || !Number.isFinite(Number(v)) ? null : Number(v));

/** What a refund message says under its result, by refund kind. */
const REFUND_NOTES: Record<string, string> = {
  TICKETS: '款项将原路退回，请留意到账',
  DOUBLE_PAYMENT: '重复支付的款项已原路退回',
  LATE_PAYMENT: '订单已取消，款项已原路退回',
  CHANGE_DIFFERENCE: '改签差价已原路退回',
};

/**
 * The message(s) an outbox event becomes (none for "order completed" unless admins turned it on).
 * Keys are `evt:<event id>:<kind>`: the outbox re-delivering the event can never add a second one.
 */
export async function draftsForEvent(ctx: RequestContext, msg: OutboxMessage): Promise<NotificationDraft[]> {
  const p = msg.payload as Record<string, unknown>;
  const db = ctx.app.db;
  const now = ctx.app.clock.now();
  const draft = (kind: NotificationKind, travellerId: number, rest: Omit<NotificationDraft, 'key' | 'kind' | 'travellerId' | 'eventId'>): NotificationDraft => ({
    key: `evt:${msg.id}:${kind}`, kind, travellerId, eventId: msg.id, ...rest,
  });
  const orderId = num(p.orderId);
  switch (msg.topic) {
    case PAYMENT_EVENTS.succeeded: {
      const o = await orderFacts(db, orderId!);
      return [draft('PAYMENT_SUCCESS', o.travellerId, {
        orderId: o.id, page: NOTIFICATION_PAGES.order(o.id),
        values: { orderNo: o.orderNo, amount: formatAmount(num(p.amount) ?? o.totalAmount, o.currency), products: summariseProducts(o.products), paidAt: formatTime(o.paidAt ?? now) },
      })];
    }
    case ORDER_EVENTS.cancelled: {
      const o = await orderFacts(db, orderId!);
      return [draft('ORDER_CANCELLED', o.travellerId, {
        orderId: o.id, page: NOTIFICATION_PAGES.order(o.id),
        values: { orderNo: o.orderNo, products: summariseProducts(o.products), reason: CANCEL_REASON_TEXT[String(p.reason)] ?? '订单已取消', cancelledAt: formatTime(o.cancelledAt ?? now) },
      })];
    }
    case REFUND_EVENTS.succeeded:
    case REFUND_EVENTS.failed: {
      const ok = msg.topic === REFUND_EVENTS.succeeded;
      const o = await orderFacts(db, orderId!);
      return [draft('REFUND_RESULT', o.travellerId, {
        orderId: o.id, page: NOTIFICATION_PAGES.order(o.id),
        values: {
          orderNo: o.orderNo, amount: formatAmount(num(p.amount) ?? 0, o.currency), result: ok ? '退款成功' : '退款失败',
          note: ok ? (REFUND_NOTES[String(p.kind)] ?? REFUND_NOTES.TICKETS) : '请在订单详情页重新申请退款',
        },
      })];
    }
    case REDEMPTION_EVENTS.recorded: {
      const travellerId = num(p.travellerId);
      if (travellerId === null) throw new PermanentDeliveryError('redemption.recorded without travellerId');
      const code = String(p.ticketCode ?? p.code ?? '');
      const at = p.at ? new Date(String(p.at)) : now;
      return [draft('REDEMPTION_SUCCESS', travellerId, {
        orderId, ticketId: num(p.ticketId), page: code ? NOTIFICATION_PAGES.ticket(code) : null,
        values: {
          item: String(p.lineName ?? p.productName ?? '-'),
          place: String(p.merchantName ?? p.terminalName ?? p.terminal ?? '-'),
          redeemedAt: formatTime(Number.isNaN(at.getTime()) ? now : at),
          ticketCode: code,
        },
      })];
    }
    case ORDER_COMPLETED_EVENT: {
      if (!(await ctx.app.services.settings.get(ctx)).orderCompletedNotification) return [];
      const o = await orderFacts(db, orderId!);
      return [draft('ORDER_COMPLETED', o.travellerId, {
        orderId: o.id, page: NOTIFICATION_PAGES.order(o.id),
        values: { orderNo: o.orderNo, products: summariseProducts(o.products), completedAt: formatTime(now) },
      })];
    }
    default:
      return [];
  }
}

/** How far ahead of the end of validity the reminder goes out. */
export const EXPIRY_REMINDER_WINDOW_MS = 24 * 3600_000;

/**
 * Reminders for entitlements about to expire: ACTIVE pass tickets (no trip) whose validity ends
 * within 24 h and that still have unused lines, one message per order and validity end (a family
 * of four gets one reminder, not four), keyed `expiring:<order>:<end>` so it goes out once however
 * often the job runs. Tickets bought inside the window get none: the traveller just chose them.
 */
export async function expiringDrafts(ctx: RequestContext, limit = 500): Promise<NotificationDraft[]> {
  const now = ctx.app.clock.now();
  const rows = await ctx.app.db.query<{ orderId: number; travellerId: number; validUntil: Date; ticketId: number; code: string; products: string[]; unused: number }>(
    `SELECT t.order_id AS "orderId", o.traveller_id AS "travellerId", t.valid_until AS "validUntil", min(t.id) AS "ticketId",
            min(t.code) AS code, array_agg(DISTINCT t.product_name) AS products, sum(l.unused)::int AS unused
       FROM ticket t
       JOIN orders o ON o.id = t.order_id
       JOIN LATERAL (SELECT count(*)::int AS unused FROM ticket_line l WHERE l.ticket_id = t.id AND l.uses_left > 0) l ON l.unused > 0
      WHERE t.status = 'ACTIVE' AND t.trip_id IS NULL AND t.valid_until > $1 AND t.valid_until <= $2
        AND t.created_at <= t.valid_until - make_interval(secs => $4 / 1000.0)
        AND NOT EXISTS (SELECT 1 FROM notification n WHERE n.idempotency_key = 'expiring:' || t.order_id || ':' || floor(extract(epoch FROM t.valid_until))::bigint)
      GROUP BY t.order_id, o.traveller_id, t.valid_until
      ORDER BY t.valid_until LIMIT $3`,
    [now, new Date(now.getTime() + EXPIRY_REMINDER_WINDOW_MS), limit, EXPIRY_REMINDER_WINDOW_MS],
  );
  return rows.map((r) => {
    const until = new Date(r.validUntil);
    return {
      key: `expiring:${r.orderId}:${Math.floor(until.getTime() / 1000)}`,
      kind: 'ENTITLEMENT_EXPIRING' as const,
      travellerId: r.travellerId,
      eventId: null,
      orderId: r.orderId,
      ticketId: r.ticketId,
      page: NOTIFICATION_PAGES.order(r.orderId),
      values: {
        product: summariseProducts(r.products),
        validUntil: formatValidUntil(until),
        note: `尚有${r.unused}项权益未使用，请尽快使用`,
        ticketCode: r.code,
      },
    };
  });
}
