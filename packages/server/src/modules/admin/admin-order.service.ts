import type { RequestContext } from '../../app/context.js';
import { AppError } from '../../common/errors.js';
import { addDays, isLocalDate, startOfLocalDate } from '@deeptravel/shared';
import { requireAdmin } from './admin-session.js';
import type { Page } from './admin-query.service.js';

/** What an order search looks at. AUTO picks one from the text's shape (see `detectOrderSearchKind`). */
export const ORDER_SEARCH_KINDS = ['AUTO', 'ORDER_NO', 'TRANSACTION_ID', 'TICKET_CODE', 'TRAVELLER'] as const;
/** One of ORDER_SEARCH_KINDS. */
export type OrderSearchKind = (typeof ORDER_SEARCH_KINDS)[number];

/** Columns an order list may be sorted by (`field:ASC|DESC`), mapped to SQL. */
const ORDER_SORTS: Record<string, string> = {
  createdAt: 'o.created_at',
  paidAt: 'o.paid_at',
  totalAmount: 'o.total_amount',
  orderNo: 'o.order_no',
  status: 'o.status',
};

/**
 * Which kind of thing a typed search text is: an order number (`DT` + digits), a ticket code
 * (`TKT-…`), a WeChat Pay transaction id (16 to 32 digits), otherwise a traveller (openid, part of
 * the nickname, or the phone of a saved or order passenger, or a passenger's name). Other
 * transaction ids (the mock gateway's) are found with the kind given explicitly.
 */
export function detectOrderSearchKind(text: string): Exclude<OrderSearchKind, 'AUTO'> {
  const t = text.trim();
  if (/^DT\d{10,}$/i.test(t)) return 'ORDER_NO';
  if (/^TKT-[A-Z0-9]+$/i.test(t)) return 'TICKET_CODE';
  if (/^\d{16,32}$/.test(t)) return 'TRANSACTION_ID';
  return 'TRAVELLER';
}

/** The SQL condition (on `orders o`) for a search of one kind; `$n` is the search text. */
function searchCondition(kind: Exclude<OrderSearchKind, 'AUTO'>, n: number): string {
  switch (kind) {
    case 'ORDER_NO':
      return `o.order_no = upper($${n})`;
    case 'TICKET_CODE':
      return `o.id IN (SELECT order_id FROM ticket WHERE code = upper($${n}))`;
    case 'TRANSACTION_ID':
      return `o.id IN (SELECT order_id FROM payment WHERE gateway_txn_id = $${n} UNION SELECT claimed_order_id FROM payment WHERE gateway_txn_id = $${n} AND claimed_order_id IS NOT NULL)`;
    case 'TRAVELLER':
      return `(o.traveller_id IN (SELECT id FROM traveller WHERE openid = $${n} OR nickname ILIKE '%' || $${n} || '%'
                                  UNION SELECT traveller_id FROM saved_passenger WHERE phone = $${n})
               OR o.id IN (SELECT order_id FROM order_passenger WHERE phone = $${n} OR name = $${n}))`;
  }
}

/** A filter of the admin order list. */
export interface AdminOrderFilter {
  status?: string | null;
  fromDate?: string | null;
  toDate?: string | null;
  orderNo?: string | null;
  search?: string | null;
  searchKind?: string | null;
  sort?: string | null;
  limit?: number | null;
  offset?: number | null;
}

/** Everything about one order for the admin order page. */
export interface AdminOrderDetail {
  order: Record<string, unknown> & { id: number; travellerId: number };
  traveller: { id: number; openid: string | null; nickname: string | null } | null;
  items: unknown[];
  passengers: unknown[];
  payments: unknown[];
  refunds: unknown[];
  tickets: unknown[];
  redemptions: unknown[];
  conflicts: unknown[];
  notifications: unknown[];
  history: unknown[];
}

const ORDER_COLUMNS = `o.id, o.order_no AS "orderNo", o.traveller_id AS "travellerId", o.status, o.currency, o.total_amount AS "totalAmount",
  o.discount_amount AS "discountAmount", o.lock_expire_at AS "lockExpireAt", o.snapshot, o.created_at AS "createdAt", o.paid_at AS "paidAt",
  o.cancelled_at AS "cancelledAt", o.cancel_reason AS "cancelReason", o.promotion_id AS "promotionId", o.payment_state AS "paymentState"`;

/**
 * Admin orders: the list with search (order number, WeChat transaction id, ticket code, traveller),
 * filters and sorting on the server, and the order page (lines, payments, refunds, tickets,
 * redemptions, offline conflicts, messages and every transition). ADMIN and OPERATOR may read.
 */
export class AdminOrderService {
  async list(ctx: RequestContext, f: AdminOrderFilter): Promise<Page<unknown> & { searchKind: string | null }> {
    requireAdmin(ctx.principal, 'read');
    for (const [k, v] of [['fromDate', f.fromDate], ['toDate', f.toDate]] as const) {
      if (v && !isLocalDate(v)) throw new AppError('BAD_USER_INPUT', `${k}: YYYY-MM-DD`, { field: k });
    }
    const requested = (f.searchKind ?? 'AUTO').toUpperCase();
    if (!(ORDER_SEARCH_KINDS as readonly string[]).includes(requested)) throw new AppError('BAD_USER_INPUT', `searchKind: ${ORDER_SEARCH_KINDS.join(', ')}`, { field: 'searchKind' });
    const text = f.search?.trim() || null;
    const kind = text ? (requested === 'AUTO' ? detectOrderSearchKind(text) : (requested as Exclude<OrderSearchKind, 'AUTO'>)) : null;
    const params: unknown[] = [f.status ?? null, f.fromDate ? startOfLocalDate(f.fromDate) : null, f.toDate ? startOfLocalDate(addDays(f.toDate, 1)) : null, f.orderNo?.trim() || null];
    let where = `($1::text IS NULL OR o.status = $1) AND ($2::timestamptz IS NULL OR o.created_at >= $2) AND ($3::timestamptz IS NULL OR o.created_at < $3)
                 AND ($4::text IS NULL OR o.order_no = $4)`;
    if (kind) {
      params.push(text);
      where += ` AND ${searchCondition(kind, params.length)}`;
    }
    const [field, dir] = (f.sort ?? 'createdAt:DESC').split(':');
    const column = ORDER_SORTS[field];
    const direction = (dir ?? 'DESC').toUpperCase();
    if (!column || (direction !== 'ASC' && direction !== 'DESC')) {
      throw new AppError('BAD_USER_INPUT', `sort: one of ${Object.keys(ORDER_SORTS).join(', ')} with :ASC or :DESC`, { field: 'sort' });
    }
    const [{ total }] = await ctx.app.db.query<{ total: number }>(`SELECT count(*)::int AS total FROM orders o WHERE ${where}`, params);
    const limit = Math.min(Math.max(f.limit ?? 50, 1), 500);
    const items = await ctx.app.db.query(
      `SELECT ${ORDER_COLUMNS} FROM orders o WHERE ${where}
        ORDER BY ${column} ${direction} NULLS LAST, o.id ${direction} LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, limit, Math.max(f.offset ?? 0, 0)],
    );
    return { items, total, searchKind: kind };
  }

  /** The order page: by id or by order number. */
  async detail(ctx: RequestContext, ref: { id?: number | null; orderNo?: string | null }): Promise<AdminOrderDetail> {
    requireAdmin(ctx.principal, 'read');
    const db = ctx.app.db;
    const [order] = await db.query<AdminOrderDetail['order']>(
      `SELECT ${ORDER_COLUMNS} FROM orders o WHERE ${ref.id ? 'o.id = $1' : 'o.order_no = upper($1)'}`,
      [ref.id ?? ref.orderNo ?? ''],
    );
    if (!order) throw new AppError('ORDER_NOT_FOUND', 'No such order');
    const id = order.id;
    const [traveller] = await db.query<{ id: number; openid: string | null; nickname: string | null }>('SELECT id, openid, nickname FROM traveller WHERE id = $1', [order.travellerId]);
    const items = await db.query(
      `SELECT i.id, i.product_id AS "productId", i.product_name AS "productName", i.trip_id AS "tripId", i.travel_date::text AS "travelDate", i.qty,
              i.unit_price AS "unitPrice", i.discount, i.subtotal, i.passenger_type AS "passengerType", t.departure_at AS "departureAt"
         FROM order_item i LEFT JOIN trip t ON t.id = i.trip_id WHERE i.order_id = $1 ORDER BY i.id`,
      [id],
    );
    const passengers = await db.query(`SELECT id, name, passenger_type AS "passengerType", phone FROM order_passenger WHERE order_id = $1 ORDER BY id`, [id]);
    const payments = await db.query<{ id: number }>(
      `SELECT id, gateway, gateway_txn_id AS "gatewayTxnId", amount, currency, status, flag, source, refund_status AS "refundStatus", created_at AS "createdAt"
         FROM payment WHERE order_id = $1 OR claimed_order_id = $1 ORDER BY id`,
      [id],
    );
    const refunds = await db.query<{ id: number; ticketIds: number[] }>(
      `SELECT r.id, r.refund_no AS "refundNo", r.kind, r.status, r.amount, r.fee, r.currency, r.reason, r.requested_by AS "requestedBy",
              r.failure_reason AS "failureReason", r.created_at AS "createdAt", r.completed_at AS "completedAt",
              COALESCE((SELECT array_agg(t.code ORDER BY t.id) FROM ticket t WHERE t.id IN (SELECT jsonb_array_elements_text(r.ticket_ids)::int)), '{}') AS "ticketCodes"
         FROM refund r WHERE r.order_id = $1 ORDER BY r.id`,
      [id],
    );
    const tickets = await db.query<{ id: number }>(
      `SELECT t.id, t.code, t.status, t.product_name AS "productName", p.name AS "passengerName", t.travel_date::text AS "travelDate",
              t.valid_from AS "validFrom", t.valid_until AS "validUntil", t.price, t.shared, t.replaces_ticket_id AS "replacesTicketId"
         FROM ticket t LEFT JOIN order_passenger p ON p.id = t.passenger_id WHERE t.order_id = $1 ORDER BY t.id`,
      [id],
    );
    const ticketIds = tickets.map((t) => t.id);
    const lines = await db.query<{ ticketId: number }>(
      `SELECT l.id, l.ticket_id AS "ticketId", l.name, m.name AS "merchantName", l.uses_total AS "usesTotal", l.uses_left AS "usesLeft"
         FROM ticket_line l LEFT JOIN merchant m ON m.id = l.merchant_id WHERE l.ticket_id = ANY($1::int[]) ORDER BY l.id`,
      [ticketIds],
    );
    const redemptions = await db.query(
      `SELECT r.id::text AS id, r.at, t.code AS "ticketCode", l.name AS "lineName", m.name AS "merchantName", tm.code AS "terminalCode",
              s.username AS "staffUsername", r.uses_left_after AS "usesLeftAfter", r.scan_nonce LIKE 'off:%' AS offline
         FROM redemption r JOIN ticket t ON t.id = r.ticket_id JOIN ticket_line l ON l.id = r.ticket_line_id
         LEFT JOIN merchant m ON m.id = r.merchant_id LEFT JOIN terminal tm ON tm.id = r.terminal_id LEFT JOIN merchant_staff s ON s.id = r.staff_id
        WHERE r.ticket_id = ANY($1::int[]) ORDER BY r.at, r.id`,
      [ticketIds],
    );
    const conflicts = await db.query(
      `SELECT c.id, c.status, c.reason, c.scanned_at AS "scannedAt", t.code AS "ticketCode", l.name AS "lineName", tm.code AS "terminalCode",
              m.name AS "merchantName", c.resolution_note AS "resolutionNote", c.resolved_by AS "resolvedBy", c.resolved_at AS "resolvedAt"
         FROM redemption_conflict c JOIN ticket t ON t.id = c.ticket_id JOIN ticket_line l ON l.id = c.ticket_line_id
         JOIN terminal tm ON tm.id = c.terminal_id LEFT JOIN merchant m ON m.id = c.merchant_id
        WHERE c.ticket_id = ANY($1::int[]) ORDER BY c.scanned_at, c.id`,
      [ticketIds],
    );
    const notifications = await db.query(
      `SELECT id::int AS id, kind, status, reason, attempts, last_error AS "lastError", created_at AS "createdAt", sent_at AS "sentAt"
         FROM notification WHERE order_id = $1 OR ticket_id = ANY($2::int[]) ORDER BY created_at, id`,
      [id, ticketIds],
    );
    const history = await db.query(
      `SELECT h.id::text AS id, h.entity_type AS "entityType", h.entity_id AS "entityId", h.from_state AS "fromState", h.to_state AS "toState",
              h.actor, h.reason, h.at
         FROM state_transition h
        WHERE (h.entity_type = 'order' AND h.entity_id = $1)
           OR (h.entity_type = 'ticket' AND h.entity_id = ANY($2::int[]))
           OR (h.entity_type = 'refund' AND h.entity_id = ANY($3::int[]))
           OR (h.entity_type = 'payment' AND h.entity_id = ANY($4::int[]))
           OR (h.entity_type = 'ticket_change' AND h.entity_id IN (SELECT id FROM ticket_change WHERE order_id = $1))
           OR (h.entity_type = 'redemption_conflict' AND h.entity_id IN (SELECT id FROM redemption_conflict WHERE ticket_id = ANY($2::int[])))
           OR (h.entity_type = 'notification' AND h.entity_id IN (SELECT id FROM notification WHERE order_id = $1))
        ORDER BY h.at, h.id`,
      [id, ticketIds, refunds.map((r) => r.id), payments.map((p) => p.id)],
    );
    return {
      order, traveller: traveller ?? null, items, passengers, payments, refunds,
      tickets: tickets.map((t) => ({ ...t, lines: lines.filter((l) => l.ticketId === t.id) })),
      redemptions, conflicts, notifications, history,
    };
  }

  /** The latest redemptions everywhere (the dashboard's live list), newest first. */
  async recentRedemptions(ctx: RequestContext, limit = 20): Promise<unknown[]> {
    requireAdmin(ctx.principal, 'read');
    return ctx.app.db.query(
      `SELECT r.id::text AS id, r.at, t.code AS "ticketCode", t.product_name AS "productName", l.name AS "lineName", m.name AS "merchantName",
              tm.code AS "terminalCode", r.scan_nonce LIKE 'off:%' AS offline
         FROM (SELECT * FROM redemption ORDER BY id DESC LIMIT $1) r JOIN ticket t ON t.id = r.ticket_id JOIN ticket_line l ON l.id = r.ticket_line_id
         LEFT JOIN merchant m ON m.id = r.merchant_id LEFT JOIN terminal tm ON tm.id = r.terminal_id
        ORDER BY r.id DESC`,
      [Math.min(Math.max(limit, 1), 100)],
    );
  }

  /** Admin accounts (no password hashes). */
  async accounts(ctx: RequestContext): Promise<unknown[]> {
    requireAdmin(ctx.principal, 'read');
    return ctx.app.db.query(`SELECT id, username, role, enabled, created_at AS "createdAt" FROM admin_user ORDER BY id`);
  }
}
