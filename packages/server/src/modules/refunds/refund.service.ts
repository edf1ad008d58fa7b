import { announceOrderUpdate } from '../orders/order-updates.js';
import { randomInt } from 'node:crypto';
import { localDateOf, type TicketStatus } from '@deeptravel/shared';
import type { RequestContext } from '../../app/context.js';
import type { Sql, TxSql } from '../../common/db/sql.js';
import { AppError } from '../../common/errors.js';
import { recordTransition } from '../../common/outbox/state-history.js';
import { requireAdmin } from '../admin/admin-session.js';
import { requireReason, writeAudit } from '../admin/audit.js';
import { requireTraveller } from '../identity/auth.service.js';
import { packageKey, tripKey } from '../inventory/seat-admission.js';
import type { InventoryService } from '../inventory/inventory.service.js';
import { settleOrderIfFinal } from '../orders/order-completion.js';
import { orderRepository, type OrderRecord } from '../orders/order.repository.js';
import type { PaymentGateway } from '../payments/gateway.js';
import { transitionTickets } from '../tickets/ticket-transitions.js';
import { nextFeeStep, quoteTicketRefund } from './refund-rules.js';

/** Outbox topics of refunds. */
export const REFUND_EVENTS = { requested: 'refund.requested', succeeded: 'refund.succeeded', failed: 'refund.failed' } as const;

/** A refund as the API shows it. */
export interface RefundRecord {
  id: number;
  refundNo: string;
  orderId: number;
  kind: string;
  ticketIds: number[];
  paymentId: number | null;
  changeId: number | null;
  amount: number;
  fee: number;
  currency: string;
  status: 'REQUESTED' | 'PROCESSING' | 'SUCCEEDED' | 'FAILED';
  failureReason: string | null;
  reason: string | null;
  createdAt: Date;
  completedAt: Date | null;
}

/** The quote of one ticket. */
export interface RefundQuoteItem {
  ticketId: number;
  ticketCode: string;
  refundable: boolean;
  reason: string | null;
  price: number;
  hoursBefore: number;
  feePercent: number | null;
  fee: number;
  amount: number;
}

export interface RefundQuote {
  orderId: number;
  currency: string;
  items: RefundQuoteItem[];
  totalFee: number;
  totalAmount: number;
}

interface TicketForRefund {
  id: number;
  code: string;
  status: TicketStatus;
  shared: boolean;
  price: number;
  orderItemId: number;
  tripId: number | null;
  travelDate: string;
  productId: number;
  validFrom: Date;
  departureAt: Date | null;
  usesLeft: number;
  usesTotal: number;
  itemProductId: number;
  itemTripId: number | null;
  itemTravelDate: string;
}

const REFUND_COLUMNS = `id, refund_no AS "refundNo", order_id AS "orderId", kind, ticket_ids AS "ticketIds", payment_id AS "paymentId",
  change_id AS "changeId", amount, fee, currency, status, failure_reason AS "failureReason", reason, created_at AS "createdAt",
  completed_at AS "completedAt"`;

/** Our out_refund_no: "RF" + 16 digits (WeChat allows 1–64 alphanumerics). */
export function newRefundNo(prefix = 'RF'): string {
  return `${prefix}${Date.now()}${String(randomInt(0, 1e6)).padStart(6, '0')}`.slice(0, 32);
}

/**
 * Refunds (US-010 D): quote by the order's frozen refund rule, request (tickets → REFUNDING, one
 * refund row with a fixed out_refund_no, sent to the gateway after commit with retries), and apply
 * the gateway's result idempotently whichever way it arrives (answer, notify, or query).
 */
export class RefundService {
  constructor(private readonly gateway: PaymentGateway, private readonly inventory: InventoryService) {}

  async refundQuote(ctx: RequestContext, orderId: number, ticketCodes?: string[] | null): Promise<RefundQuote> {
    const order = await this.ownOrder(ctx, orderId);
    return this.quote(ctx, ctx.app.db, order, ticketCodes ?? null);
  }

  async listRefunds(ctx: RequestContext, orderId: number): Promise<RefundRecord[]> {
    return ctx.app.db.query<RefundRecord>(`SELECT ${REFUND_COLUMNS} FROM refund WHERE order_id = $1 ORDER BY id`, [orderId]);
  }

  /** Requests a refund of some (default: all usable) tickets of a paid order. */
  async requestRefund(ctx: RequestContext, orderId: number, ticketCodes?: string[] | null, reason?: string | null): Promise<RefundRecord> {
    const travellerId = requireTraveller(ctx.principal);
    const refundId = await ctx.app.db.tx(async (sql) => {
      const order = await orderRepository.byId(sql, orderId, true);
      if (!order || order.travellerId !== travellerId) throw new AppError('ORDER_NOT_FOUND', `Order ${orderId} not found`, { orderId });
      if (order.status !== 'PAID') {
        throw new AppError('INVALID_TRANSITION', order.status === 'PENDING' ? 'This order is not paid; cancel it instead' : `This order is ${order.status}`, { status: order.status });
      }
      // Lock the tickets (the order lock already serialises refunds of one order).
      await sql.query('SELECT id FROM ticket WHERE order_id = $1 ORDER BY id FOR UPDATE', [order.id]);
      const quote = await this.quote(ctx, sql, order, ticketCodes ?? null);
      const refused = quote.items.filter((i) => !i.refundable);
      if (refused.length) {
        const first = refused[0];
        const code = first.reason === 'REFUND_IN_PROGRESS' ? 'REFUND_IN_PROGRESS' : first.reason === 'INVALID_TRANSITION' ? 'INVALID_TRANSITION' : 'REFUND_NOT_ALLOWED';
        throw new AppError(code, `Ticket ${first.ticketCode} cannot be refunded (${first.reason})`, { tickets: refused.map((i) => ({ ticketCode: i.ticketCode, reason: i.reason })) });
      }
      const tickets = await sql.query<{ id: number; status: TicketStatus; code: string }>('SELECT id, status, code FROM ticket WHERE id = ANY($1::int[])', [
        quote.items.map((i) => i.ticketId),
      ]);
      await transitionTickets(ctx, sql, tickets, 'REFUNDING', `traveller:${travellerId}`, reason ?? undefined);
      return this.insertRefund(ctx, sql, {
        orderId: order.id, kind: 'TICKETS', ticketIds: tickets.map((t) => t.id), amount: quote.totalAmount, fee: quote.totalFee,
        currency: order.currency, reason: reason ?? null, requestedBy: `traveller:${travellerId}`,
      });
    });
    return this.byId(ctx.app.db, refundId);
  }

  /** Creates a refund row and its outbox event (the gateway is called after commit). */
  async insertRefund(
    ctx: RequestContext,
    sql: TxSql,
    r: { orderId: number; kind: string; ticketIds?: number[]; paymentId?: number | null; changeId?: number | null; amount: number; fee?: number; currency: string; reason: string | null; requestedBy: string; refundNo?: string },
  ): Promise<number> {
    const now = ctx.app.clock.now();
    const [row] = await sql.query<{ id: number }>(
      `INSERT INTO refund (refund_no, order_id, kind, ticket_ids, payment_id, change_id, amount, fee, currency, status, reason, requested_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'REQUESTED', $10, $11, $12, $12) RETURNING id`,
      [r.refundNo ?? newRefundNo(), r.orderId, r.kind, JSON.stringify(r.ticketIds ?? []), r.paymentId ?? null, r.changeId ?? null, r.amount, r.fee ?? 0, r.currency, r.reason, r.requestedBy, now],
    );
    await recordTransition(sql, { entityType: 'refund', entityId: row.id, from: null, to: 'REQUESTED', actor: r.requestedBy, reason: r.kind, at: now });
    await ctx.app.outbox.add(sql, REFUND_EVENTS.requested, { refundId: row.id });
    announceOrderUpdate(ctx, sql, r.orderId);
    return row.id;
  }

  /**
   * Sends a requested refund to the gateway (outbox handler; retried with back-off on errors). The
   * same out_refund_no every time, so WeChat refunds once however often this runs.
   */
  async executeRefund(ctx: RequestContext, refundId: number): Promise<void> {
    const refund = await this.byId(ctx.app.db, refundId);
    if (refund.status !== 'REQUESTED' && refund.status !== 'PROCESSING') return;
    if (refund.amount === 0) {
      await this.applyResult(ctx, refund.refundNo, 'SUCCESS', null);
      return;
    }
    const order = (await orderRepository.byId(ctx.app.db, refund.orderId))!;
    const [payment] = await ctx.app.db.query<{ txnId: string; amount: number }>(
      refund.paymentId
        ? `SELECT gateway_txn_id AS "txnId", amount FROM payment WHERE id = $2 AND order_id = $1`
        : `SELECT gateway_txn_id AS "txnId", amount FROM payment WHERE order_id = $1 AND status = 'SUCCEEDED' AND $2::int IS NULL ORDER BY id LIMIT 1`,
      [refund.orderId, refund.paymentId],
    );
    const result = await this.gateway.refund({
      refundNo: refund.refundNo, orderNo: order.orderNo, transactionId: payment?.txnId ?? null, amount: refund.amount,
      total: payment?.amount ?? order.totalAmount, currency: refund.currency, reason: refund.reason ?? '旅客申请退款',
    });
    if (result.status === 'PROCESSING') {
      await ctx.app.db.query(`UPDATE refund SET status = 'PROCESSING', gateway_refund_id = $2, gateway_status = 'PROCESSING', updated_at = now() WHERE id = $1 AND status = 'REQUESTED'`, [
        refund.id, result.refundId,
      ]);
      return;
    }
    await this.applyResult(ctx, refund.refundNo, result.status, result.refundId);
  }

  /**
   * Applies a final gateway result, once: SUCCESS → tickets REFUNDED, seats back on sale if the trip
   * is ahead, order settled; CLOSED/ABNORMAL → refund FAILED and tickets ACTIVE again (visible, can
   * be requested again). Later, repeated or out-of-order results for a final refund change nothing.
   */
  async applyResult(ctx: RequestContext, refundNo: string, status: 'SUCCESS' | 'CLOSED' | 'ABNORMAL' | 'PROCESSING', gatewayRefundId: string | null): Promise<boolean> {
    if (status === 'PROCESSING') return false;
    return ctx.app.db.tx(async (sql) => {
      const [refund] = await sql.query<RefundRecord>(`SELECT ${REFUND_COLUMNS} FROM refund WHERE refund_no = $1 FOR UPDATE`, [refundNo]);
      if (!refund) return false;
      if (refund.status === 'SUCCEEDED' || refund.status === 'FAILED') return false;
      // Locks in the same order as every request path: order, then its tickets.
      await sql.query('SELECT id FROM orders WHERE id = $1 FOR UPDATE', [refund.orderId]);
      const now = ctx.app.clock.now();
      const ok = status === 'SUCCESS';
      const to = ok ? 'SUCCEEDED' : 'FAILED';
      await sql.query(
        `UPDATE refund SET status = $2, gateway_status = $3, gateway_refund_id = COALESCE($4, gateway_refund_id), failure_reason = $5, completed_at = $6, updated_at = $6 WHERE id = $1`,
        [refund.id, to, status, gatewayRefundId, ok ? null : `WeChat Pay answered ${status}`, now],
      );
      await recordTransition(sql, { entityType: 'refund', entityId: refund.id, from: refund.status, to, actor: `gateway:${this.gateway.name}`, reason: status, at: now });
      const tickets = refund.ticketIds.length
        ? await sql.query<{ id: number; code: string; status: TicketStatus; tripId: number | null; productId: number; travelDate: string; shared: boolean; validFrom: Date }>(
            `SELECT t.id, t.code, t.status, t.trip_id AS "tripId", t.product_id AS "productId", t.travel_date::text AS "travelDate", t.shared,
                    t.valid_from AS "validFrom"
               FROM ticket t WHERE t.id = ANY($1::int[]) FOR UPDATE`,
            [refund.ticketIds],
          )
        : [];
      if (ok) {
        await transitionTickets(ctx, sql, tickets, 'REFUNDED', `gateway:${this.gateway.name}`);
        await this.returnInventory(ctx, sql, tickets, now);
        if (refund.paymentId) await sql.query(`UPDATE payment SET refund_status = 'REFUNDED', updated_at = now() WHERE id = $1`, [refund.paymentId]);
        if (tickets.length) await settleOrderIfFinal(ctx, sql, refund.orderId, `refund:${refund.refundNo}`);
      } else {
        await transitionTickets(ctx, sql, tickets.filter((t) => t.status === 'REFUNDING'), 'ACTIVE', `gateway:${this.gateway.name}`, 'REFUND_FAILED');
        if (refund.paymentId) await sql.query(`UPDATE payment SET refund_status = 'FAILED', updated_at = now() WHERE id = $1`, [refund.paymentId]);
      }
      announceOrderUpdate(ctx, sql, refund.orderId);
      const [order] = await sql.query<{ travellerId: number }>('SELECT traveller_id AS "travellerId" FROM orders WHERE id = $1', [refund.orderId]);
      await ctx.app.outbox.add(sql, ok ? REFUND_EVENTS.succeeded : REFUND_EVENTS.failed, {
        refundId: refund.id, orderId: refund.orderId, travellerId: order?.travellerId, amount: refund.amount, kind: refund.kind,
      });
      return true;
    });
  }

  /** Retries a failed refund as a new request (new out_refund_no; its tickets go back to REFUNDING). */
  async retryRefund(ctx: RequestContext, refundId: number): Promise<RefundRecord> {
    const travellerId = requireTraveller(ctx.principal);
    const newId = await ctx.app.db.tx(async (sql) => {
      const [refund] = await sql.query<RefundRecord>(`SELECT ${REFUND_COLUMNS} FROM refund WHERE id = $1 FOR UPDATE`, [refundId]);
      const order = refund ? await orderRepository.byId(sql, refund.orderId, true) : null;
      if (!refund || !order || order.travellerId !== travellerId) throw new AppError('NOT_FOUND', `Refund ${refundId} not found`);
      return this.retryLocked(ctx, sql, refund, `traveller:${travellerId}`);
    });
    return this.byId(ctx.app.db, newId);
  }

  /**
   * An operator retries a failed refund (ADMIN role, with a reason): the same as the traveller's
   * retry, plus an audit row with the failed refund before and the new one after.
   */
  async adminRetryRefund(ctx: RequestContext, refundId: number, reason: string): Promise<RefundRecord> {
    const admin = requireAdmin(ctx.principal, 'write');
    const why = requireReason(reason);
    const newId = await ctx.app.db.tx(async (sql) => {
      const [refund] = await sql.query<RefundRecord>(`SELECT ${REFUND_COLUMNS} FROM refund WHERE id = $1 FOR UPDATE`, [refundId]);
      if (!refund || !(await orderRepository.byId(sql, refund.orderId, true))) throw new AppError('NOT_FOUND', `Refund ${refundId} not found`);
      const id = await this.retryLocked(ctx, sql, refund, `admin:${admin.username}`);
      await writeAudit(sql, admin, 'refund.retry', 'refund', refund.id, { refundNo: refund.refundNo, status: refund.status, failureReason: refund.failureReason },
        { reason: why, newRefundId: id, orderId: refund.orderId, amount: refund.amount });
      return id;
    });
    return this.byId(ctx.app.db, newId);
  }

  /** Retries a FAILED refund that the caller has locked: its tickets back to REFUNDING, a new refund request. */
  private async retryLocked(ctx: RequestContext, sql: TxSql, refund: RefundRecord, actor: string): Promise<number> {
    if (refund.status !== 'FAILED') throw new AppError('INVALID_TRANSITION', `This refund is ${refund.status}`, { status: refund.status });
    const tickets = refund.ticketIds.length
      ? await sql.query<{ id: number; status: TicketStatus; code: string }>('SELECT id, status, code FROM ticket WHERE id = ANY($1::int[]) FOR UPDATE', [refund.ticketIds])
      : [];
    await transitionTickets(ctx, sql, tickets, 'REFUNDING', actor, 'RETRY');
    return this.insertRefund(ctx, sql, {
      orderId: refund.orderId, kind: refund.kind, ticketIds: refund.ticketIds, paymentId: refund.paymentId, changeId: refund.changeId,
      amount: refund.amount, fee: refund.fee, currency: refund.currency, reason: refund.reason, requestedBy: actor,
    });
  }

  /** Refunds a payment we must give back (double payment, late payment with the seats gone). */
  async refundPayment(ctx: RequestContext, paymentId: number, kind: 'DOUBLE_PAYMENT' | 'LATE_PAYMENT'): Promise<void> {
    await ctx.app.db.tx(async (sql) => {
      const [p] = await sql.query<{ id: number; orderId: number; amount: number; currency: string }>(
        `SELECT id, order_id AS "orderId", amount, currency FROM payment WHERE id = $1 FOR UPDATE`,
        [paymentId],
      );
      if (!p) return;
      // One refund per payment: the refund number is derived from the payment, and unique.
      const refundNo = `RP${String(p.id).padStart(12, '0')}`;
      const [exists] = await sql.query('SELECT id FROM refund WHERE refund_no = $1', [refundNo]);
      if (exists) return;
      await sql.query(`UPDATE payment SET refund_status = 'REQUESTED', updated_at = now() WHERE id = $1`, [p.id]);
      await this.insertRefund(ctx, sql, {
        orderId: p.orderId, kind, paymentId: p.id, amount: p.amount, currency: p.currency, refundNo,
        reason: kind === 'DOUBLE_PAYMENT' ? '重复支付退款' : '订单已取消，退回款项', requestedBy: 'system:payments',
      });
    });
  }

  /** Refund-sync job: asks the gateway about refunds still PROCESSING. */
  async syncProcessing(ctx: RequestContext): Promise<number> {
    const rows = await ctx.app.db.query<{ refundNo: string }>(
      `SELECT refund_no AS "refundNo" FROM refund WHERE status = 'PROCESSING' AND updated_at <= $1 ORDER BY id LIMIT 100`,
      [new Date(ctx.app.clock.now().getTime() - 60_000)],
    );
    let applied = 0;
    for (const r of rows) {
      const st = await this.gateway.queryRefund(r.refundNo);
      if (st && (await this.applyResult(ctx, r.refundNo, st.status, st.refundId))) applied++;
    }
    return applied;
  }

  private async returnInventory(ctx: RequestContext, sql: TxSql, tickets: Array<{ tripId: number | null; productId: number; travelDate: string; shared: boolean; validFrom: Date }>, now: Date) {
    for (const t of tickets) {
      if (t.shared) continue;
      if (t.tripId) {
        const rows = await sql.query('UPDATE trip SET sold = sold - 1, updated_at = $2 WHERE id = $1 AND departure_at > $2 AND sold > 0 RETURNING id', [t.tripId, now]);
        if (rows.length) sql.afterCommit(() => void this.inventory.admission.forget(tripKey(t.tripId!)));
      } else if (t.travelDate >= localDateOf(now)) {
        const rows = await sql.query(
          'UPDATE daily_inventory SET sold = sold - 1, updated_at = $3 WHERE product_id = $1 AND travel_date = $2::date AND sold > 0 RETURNING id',
          [t.productId, t.travelDate, now],
        );
        if (rows.length) sql.afterCommit(() => void this.inventory.admission.forget(packageKey(t.productId, t.travelDate)));
      }
    }
  }

  /** A product's current refund and change rules (anyone may read them; unknown product: PRODUCT_NOT_FOUND). */
  async productRules(ctx: RequestContext, productId: number) {
    const [r] = Number.isSafeInteger(productId)
      ? await ctx.app.db.query<{ summaryZh: string; tiers: Array<{ minHoursBefore: number; feePercent: number }>; changeAllowed: boolean; changeMinHoursBefore: number }>(
        `SELECT rr.summary_zh AS "summaryZh", rr.tiers, rr.change_allowed AS "changeAllowed", rr.change_min_hours_before AS "changeMinHoursBefore"
           FROM product p JOIN refund_rule rr ON rr.id = p.refund_rule_id WHERE p.id = $1`,
        [productId],
      )
      : [];
    if (!r) throw new AppError('PRODUCT_NOT_FOUND', `Product ${productId} not found`, { productId });
    const tiers = (typeof r.tiers === 'string' ? JSON.parse(r.tiers) : r.tiers) as Array<{ minHoursBefore: number; feePercent: number }>;
    return { productId, ...r, refundTiers: [...tiers].sort((a, b) => b.minHoursBefore - a.minHoursBefore) };
  }

  private async quote(ctx: RequestContext, sql: Sql, order: OrderRecord, ticketCodes: string[] | null): Promise<RefundQuote> {
    const now = ctx.app.clock.now();
    const all = await sql.query<TicketForRefund>(
      `SELECT t.id, t.code, t.status, t.shared, t.price, t.order_item_id AS "orderItemId", t.trip_id AS "tripId",
              t.travel_date::text AS "travelDate", t.product_id AS "productId", t.valid_from AS "validFrom", tr.departure_at AS "departureAt",
              COALESCE(SUM(l.uses_left), 0)::int AS "usesLeft", COALESCE(SUM(l.uses_total), 0)::int AS "usesTotal",
              oi.product_id AS "itemProductId", oi.trip_id AS "itemTripId", oi.travel_date::text AS "itemTravelDate"
         FROM ticket t JOIN order_item oi ON oi.id = t.order_item_id LEFT JOIN trip tr ON tr.id = t.trip_id
         LEFT JOIN ticket_line l ON l.ticket_id = t.id
        WHERE t.order_id = $1 GROUP BY t.id, tr.departure_at, oi.id ORDER BY t.id`,
      [order.id],
    );
    const wanted = ticketCodes?.length ? new Set(ticketCodes.map((c) => c.trim().toUpperCase())) : null;
    if (wanted) {
      const unknown = [...wanted].filter((c) => !all.some((t) => t.code === c));
      if (unknown.length) throw new AppError('TICKET_NOT_FOUND', `Ticket ${unknown[0]} is not part of this order`, { tickets: unknown });
    }
    const live = all.filter((t) => t.status === 'ACTIVE' || t.status === 'REFUNDING' || t.status === 'CHANGING');
    let selected = wanted ? all.filter((t) => wanted.has(t.code)) : all.filter((t) => t.status === 'ACTIVE');
    // A shared entitlement goes with the whole order: include it when every other live ticket is refunded now.
    const coversAllPassengerTickets = live.filter((t) => !t.shared).every((t) => selected.includes(t));
    if (coversAllPassengerTickets) {
      for (const t of all.filter((x) => x.shared && x.status === 'ACTIVE')) if (!selected.includes(t)) selected = [...selected, t];
    }
    const items: RefundQuoteItem[] = selected.map((t) => {
      const base = { ticketId: t.id, ticketCode: t.code, price: t.price, fee: 0, amount: 0, feePercent: null };
      const rule = this.ruleFor(order, t);
      // A trip counts from its departure. A pass counts from the start of its validity, and while it is
      // valid it stands at 0 h: its last tier ("0 h: 20 %") covers unused passes until they expire.
      const startAt = t.departureAt ? new Date(t.departureAt) : new Date(Math.max(new Date(t.validFrom).getTime(), now.getTime()));
      const hoursBefore = (startAt.getTime() - now.getTime()) / 3_600_000;
      if (t.status === 'REFUNDING') return { ...base, hoursBefore, refundable: false, reason: 'REFUND_IN_PROGRESS' };
      if (t.status !== 'ACTIVE') return { ...base, hoursBefore, refundable: false, reason: t.status === 'CHANGING' ? 'CHANGE_IN_PROGRESS' : 'INVALID_TRANSITION' };
      if (t.shared && !coversAllPassengerTickets) return { ...base, hoursBefore, refundable: false, reason: 'SHARED_ONLY_WITH_WHOLE_ORDER' };
      const q = quoteTicketRefund({ price: t.price, usesLeft: t.usesLeft, usesTotal: t.usesTotal, startAt, now, tiers: rule });
      if (!q.refundable) return { ...base, hoursBefore, refundable: false, reason: q.reason };
      // The fee rises at each tier boundary before the start; a pass already valid (at 0 h) has no next step.
      const step = nextFeeStep({ refundableAmount: q.refundableAmount, startAt, now, tiers: rule });
      return {
        ...base, hoursBefore, refundable: true, reason: null, feePercent: q.feePercent, fee: q.fee, amount: q.amount,
        nextFeeAt: step?.at ?? null, nextFeeHoursBefore: step?.hoursBefore ?? null, nextFeePercent: step?.feePercent ?? null, nextFee: step?.fee ?? null,
      };
    });
    const ok = items.filter((i) => i.refundable);
    return {
      orderId: order.id, currency: order.currency, items,
      totalFee: ok.reduce((s, i) => s + i.fee, 0), totalAmount: ok.reduce((s, i) => s + i.amount, 0),
    };
  }

  /** The refund tiers frozen in the order snapshot for the item this ticket was bought in (a changed ticket keeps them). */
  private ruleFor(order: OrderRecord, t: TicketForRefund) {
    const item = order.snapshot.items.find((i) => i.productId === t.itemProductId && i.tripId === t.itemTripId && i.travelDate === t.itemTravelDate);
    if (!item) throw new Error(`order ${order.id}: no snapshot item for ticket ${t.code}`);
    return item.refundRule.tiers;
  }

  private async ownOrder(ctx: RequestContext, orderId: number): Promise<OrderRecord> {
    const travellerId = requireTraveller(ctx.principal);
    const order = await orderRepository.byId(ctx.app.db, orderId);
    if (!order || order.travellerId !== travellerId) throw new AppError('ORDER_NOT_FOUND', `Order ${orderId} not found`, { orderId });
    return order;
  }

  private async byId(sql: Sql, id: number): Promise<RefundRecord> {
    const [r] = await sql.query<RefundRecord>(`SELECT ${REFUND_COLUMNS} FROM refund WHERE id = $1`, [id]);
    return r;
  }
}
