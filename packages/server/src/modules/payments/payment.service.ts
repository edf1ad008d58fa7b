import { announceOrderUpdate } from '../orders/order-updates.js';
import type { OrderStatus } from '@deeptravel/shared';
import { enforceRateLimit } from '../../common/rate-limit.js';
import type { RequestContext } from '../../app/context.js';
import type { TxSql } from '../../common/db/sql.js';
import { AppError } from '../../common/errors.js';
import { recordTransition } from '../../common/outbox/state-history.js';
import { requireTraveller } from '../identity/auth.service.js';
import type { InventoryService } from '../inventory/inventory.service.js';
import { orderRepository, type OrderRecord } from '../orders/order.repository.js';
import type { OrderService } from '../orders/order.service.js';
import type { IssuedTicket, TicketService } from '../tickets/ticket.service.js';
import type { PaymentGateway, RequestPaymentParams } from './gateway.js';
import type { ChangeService } from '../changes/change.service.js';

/** A payment the gateway reports as made (by notify, by query, or through the mock route). */
export interface PaymentNotice {
  gateway: 'mock' | 'wechat';
  orderId?: number;
  orderNo?: string;
  txnId: string;
  amount: number;
  currency?: string;
  source: 'NOTIFY' | 'QUERY' | 'MOCK';
  /** Test mode only: a fault point to trip mid-way (the runbook's rollback case). */
  injectFault?: string | null;
}

/** What processing a payment led to. The REST shim maps it to status codes. */
export type PaymentOutcome =
  | { kind: 'PROCESSED'; replay: boolean; body: ProcessedBody }
  | { kind: 'REFUNDING'; body: Record<string, unknown> }
  | { kind: 'ORDER_NOT_FOUND' }
  | { kind: 'CONFLICT'; code: 'PAYMENT_CONFLICT' | 'AMOUNT_MISMATCH' | 'DOUBLE_PAYMENT'; message: string; orderId: number | null };

export interface ProcessedBody {
  status: 'processed';
  order_id: number;
  order_status: OrderStatus;
  out_trade_no: string;
  gateway_txn_id: string;
  amount: number;
  tickets_issued: IssuedTicket[];
}

/** Outbox topics of payments. */
export const PAYMENT_EVENTS = { succeeded: 'payment.succeeded', refundRequired: 'payment.refund_required' } as const;

/** One payment row ($1 order, $2 gateway, $3 transaction id, $4 amount, $5 currency, $6 status, $7 flag, $8 response, $9 source, $10 refund status). */
const PAYMENT_INSERT = `INSERT INTO payment (order_id, claimed_order_id, gateway, gateway_txn_id, amount, currency, status, flag, response, source, refund_status, created_at, updated_at)
       VALUES ($1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now(), now())`;

/**
 * Payments (US-010 C, US-004): opening a WeChat payment for an order, and turning a confirmed payment
 * into a PAID order with its tickets in one idempotent transaction, whichever route it came by.
 */
export class PaymentService {
  /** Set after construction (changes need payments, payments complete changes). */
  changes?: ChangeService;

  constructor(
    private readonly gateway: PaymentGateway,
    private readonly orders: OrderService,
    private readonly inventory: InventoryService,
    private readonly tickets: TicketService,
  ) {}

  get gatewayName(): 'mock' | 'wechat' {
    return this.gateway.name;
  }

  /** The parameters of `wx.requestPayment` for a PENDING order whose lock still holds. */
  async payOrder(ctx: RequestContext, orderId: number): Promise<RequestPaymentParams> {
    const travellerId = requireTraveller(ctx.principal);
    await enforceRateLimit(ctx, 'payOrder', `traveller:${travellerId}`);
    const order = await this.orders.getOrder(ctx, orderId);
    const now = ctx.app.clock.now();
    if (order.status !== 'PENDING') throw new AppError('ORDER_NOT_PENDING', `This order is ${order.status}`, { status: order.status });
    if (new Date(order.lockExpireAt) <= now) throw new AppError('LOCK_EXPIRED', 'The seat hold has expired; please order again');
    const [traveller] = await ctx.app.db.query<{ openid: string | null }>('SELECT openid FROM traveller WHERE id = $1', [travellerId]);
    const { prepayId, params } = await this.gateway.createPayment({
      orderNo: order.orderNo, amount: order.totalAmount, currency: order.currency,
      description: `DeepTravel ${order.snapshot.items.map((i) => i.productName).join('、')}`.slice(0, 120),
      expiresAt: new Date(order.lockExpireAt), payerOpenid: traveller?.openid ?? null,
    });
    await ctx.app.db.query(
      `UPDATE orders SET prepay_id = $2, prepaid_at = COALESCE(prepaid_at, $3), payment_state = CASE WHEN status = 'PENDING' THEN 'PREPAID' ELSE payment_state END, updated_at = $3 WHERE id = $1`,
      [order.id, prepayId, now],
    );
    return params;
  }

  /**
   * Applies a confirmed payment. One transaction: the order row is locked first (so concurrent
   * repeats queue and then replay), the payment row is unique per gateway transaction id, and the
   * order, inventory, tickets, history and outbox change together or not at all.
   */
  async processSuccess(ctx: RequestContext, n: PaymentNotice): Promise<PaymentOutcome> {
    // A unique key on the payment's transaction id fails in two cases: the same notice raced itself
    // (the order lock made this one wait, but its read of the payment predates the other's commit:
    // lockForPayment), or two orders raced with one transaction id. One more run tells them apart:
    // its fresh read sees the committed payment and answers as a replay or as the reuse it is.
    for (let attempt = 1; ; attempt++) {
      try {
        return await ctx.app.db.tx((sql) => this.applySuccess(ctx, sql, n), { lockTimeoutMs: 5000 });
      } catch (err) {
        if ((err as { code?: string }).code !== '23505') throw err;
        if (attempt < 2) continue;
        await this.flag(ctx, 'TXN_REUSED', n, n.orderId ?? null, { note: 'concurrent reuse' });
        return { kind: 'CONFLICT', code: 'PAYMENT_CONFLICT', message: 'This transaction id is already used for another payment', orderId: n.orderId ?? null };
      }
    }
  }

  /** A failed payment attempt: the order stays PENDING so the traveller can pay again until the lock expires. */
  async processFailure(ctx: RequestContext, n: { gateway: 'mock' | 'wechat'; orderId: number; txnId: string; amount: number | null; reason: string }) {
    const order = await orderRepository.byId(ctx.app.db, n.orderId);
    if (!order) return null;
    await ctx.app.db.query(
      `INSERT INTO payment (order_id, claimed_order_id, gateway, gateway_txn_id, amount, currency, status, source, response, created_at, updated_at)
       VALUES ($1, $1, $2, $3, $4, $5, 'FAILED', 'NOTIFY', $6, now(), now()) ON CONFLICT (gateway_txn_id) DO NOTHING`,
      [order.id, n.gateway, n.txnId, n.amount ?? 0, order.currency, JSON.stringify({ reason: n.reason })],
    );
    return order;
  }

  private async applySuccess(ctx: RequestContext, sql: TxSql, n: PaymentNotice): Promise<PaymentOutcome> {
    const now = ctx.app.clock.now();
    if (n.orderId === undefined && n.orderNo?.startsWith('CH') && this.changes) return this.applyChangePayment(ctx, sql, n);
    // The order locked, the payment already recorded under this transaction id, and what ticketing
    // needs: one statement (docs/performance.md: each round trip costs this machine more than its SQL).
    const read = await orderRepository.lockForPayment(sql, n.orderId !== undefined ? { id: n.orderId } : { orderNo: n.orderNo ?? '' }, n.txnId);
    if (!read) {
      await this.flagIn(sql, 'UNKNOWN_ORDER', n, null, {});
      return { kind: 'ORDER_NOT_FOUND' };
    }
    const { order, payment: existing } = read;
    if (existing) {
      const same = existing.orderId === order.id && existing.amount === n.amount;
      if (same && existing.response?.status === 'processed') return { kind: 'PROCESSED', replay: true, body: existing.response as ProcessedBody };
      if (same && existing.status === 'LATE_REFUNDING') return { kind: 'REFUNDING', body: existing.response };
      if (same && existing.status === 'DOUBLE_PAYMENT') {
        return { kind: 'CONFLICT', code: 'DOUBLE_PAYMENT', message: 'This order was already paid by another transaction; this one is refunded', orderId: order.id };
      }
      if (!same || existing.status !== 'FAILED') {
        await this.flagIn(sql, 'TXN_REUSED', n, order.id, { existingOrderId: existing.orderId, existingAmount: existing.amount });
        return { kind: 'CONFLICT', code: 'PAYMENT_CONFLICT', message: 'This transaction id was already used for another order or amount', orderId: order.id };
      }
      // A transaction first reported FAILED and now SUCCESS: the later, successful report wins.
      await sql.query('DELETE FROM payment WHERE id = $1', [existing.id]);
    }
    if (n.amount !== order.totalAmount) {
      await this.flagIn(sql, 'AMOUNT_MISMATCH', n, order.id, { expected: order.totalAmount });
      return { kind: 'CONFLICT', code: 'AMOUNT_MISMATCH', message: `Amount ${n.amount} is not the order total ${order.totalAmount}`, orderId: order.id };
    }

    if (order.status === 'PAID' || order.status === 'COMPLETED') {
      const paymentId = await this.insertPayment(sql, order, n, 'DOUBLE_PAYMENT', 'REQUIRED', null);
      await this.flagIn(sql, 'DOUBLE_PAYMENT', n, order.id, {});
      await ctx.app.outbox.add(sql, PAYMENT_EVENTS.refundRequired, { paymentId, orderId: order.id, txnId: n.txnId, amount: n.amount, reason: 'DOUBLE_PAYMENT' });
      return { kind: 'CONFLICT', code: 'DOUBLE_PAYMENT', message: 'This order was already paid by another transaction; this one is refunded', orderId: order.id };
    }

    let from: OrderStatus = order.status;
    const claims = this.orders.claimsOf(order);
    if (order.status === 'CANCELLED') {
      // A late payment: take the seats again if they are still free, else give the money back.
      await sql.query('SAVEPOINT late_payment');
      if (!(await this.inventory.sellAgain(sql, claims))) {
        await sql.query('ROLLBACK TO SAVEPOINT late_payment');
        const body = { status: 'refunded', order_id: order.id, order_status: order.status, out_trade_no: order.orderNo, error: 'The order was cancelled and its seats are gone; the payment is refunded' };
        const paymentId = await this.insertPayment(sql, order, n, 'LATE_REFUNDING', 'REQUIRED', body);
        await this.flagIn(sql, 'LATE_PAYMENT_REFUNDED', n, order.id, {});
        await ctx.app.outbox.add(sql, PAYMENT_EVENTS.refundRequired, { paymentId, orderId: order.id, txnId: n.txnId, amount: n.amount, reason: 'LATE_PAYMENT' });
        return { kind: 'REFUNDING', body };
      }
      await sql.query('RELEASE SAVEPOINT late_payment');
      from = 'CANCELLED';
    }
    // Tickets first (the one statement here whose rows matter), then the writes nobody reads back go
    // together right before the COMMIT: seats locked → sold, the order → PAID (both checked to touch
    // exactly their row), the payment, the history row and the event. The order's row lock keeps
    // everything in between still true.
    const issued = await this.tickets.issueForOrder(sql, order, now, read.ticketRefs);
    ctx.app.faults.check('ticket-issuance', n.injectFault);
    if (from !== 'CANCELLED') this.inventory.queueSell(sql, claims);
    orderRepository.queueTransition(sql, order.id, from, 'PAID', { now, paymentState: 'PAID' });
    const body: ProcessedBody = {
      status: 'processed', order_id: order.id, order_status: 'PAID', out_trade_no: order.orderNo, gateway_txn_id: n.txnId, amount: n.amount,
      tickets_issued: issued,
    };
    // The payment row, the history row and the event are queued and go as one statement before COMMIT.
    sql.later(PAYMENT_INSERT, this.paymentParams(order, n, 'SUCCEEDED', null, body, from === 'CANCELLED' ? 'LATE_PAYMENT' : null));
    await recordTransition(sql, { entityType: 'order', entityId: order.id, from, to: 'PAID', actor: `gateway:${n.gateway}`, reason: n.source, at: now });
    announceOrderUpdate(ctx, sql, order.id);
    await ctx.app.outbox.add(sql, PAYMENT_EVENTS.succeeded, {
      orderId: order.id, travellerId: order.travellerId, amount: n.amount, tickets: issued.map((t) => t.ticket_code),
    });
    return { kind: 'PROCESSED', replay: false, body };
  }

  private async insertPayment(sql: TxSql, order: { id: number; currency: string }, n: PaymentNotice, status: string, refundStatus: string | null, response: unknown, flag: string | null = null): Promise<number> {
    const [row] = await sql.query<{ id: number }>(`${PAYMENT_INSERT} RETURNING id`, this.paymentParams(order, n, status, refundStatus, response, flag));
    return row.id;
  }

  private paymentParams(order: { id: number; currency: string }, n: PaymentNotice, status: string, refundStatus: string | null, response: unknown, flag: string | null): unknown[] {
    return [order.id, n.gateway, n.txnId, n.amount, order.currency, status, flag ?? (status === 'SUCCEEDED' ? null : status), JSON.stringify(response), n.source, refundStatus];
  }

  /** The payment of a change's fare difference (out_trade_no = the change number). */
  private async applyChangePayment(ctx: RequestContext, sql: TxSql, n: PaymentNotice): Promise<PaymentOutcome> {
    const change = await this.changes!.byChangeNo(sql, n.orderNo!);
    if (!change) {
      await this.flagIn(sql, 'UNKNOWN_ORDER', n, null, {});
      return { kind: 'ORDER_NOT_FOUND' };
    }
    const order = (await orderRepository.byId(sql, change.orderId, true))!;
    const [existing] = await sql.query<{ orderId: number; amount: number; response: any }>(
      `SELECT order_id AS "orderId", amount, response FROM payment WHERE gateway_txn_id = $1 FOR UPDATE`,
      [n.txnId],
    );
    if (existing) {
      if (existing.orderId === order.id && existing.amount === n.amount && existing.response?.status === 'processed') {
        return { kind: 'PROCESSED', replay: true, body: existing.response as ProcessedBody };
      }
      await this.flagIn(sql, 'TXN_REUSED', n, order.id, {});
      return { kind: 'CONFLICT', code: 'PAYMENT_CONFLICT', message: 'This transaction id was already used', orderId: order.id };
    }
    if (n.amount !== change.difference) {
      await this.flagIn(sql, 'AMOUNT_MISMATCH', n, order.id, { expected: change.difference, changeNo: change.changeNo });
      return { kind: 'CONFLICT', code: 'AMOUNT_MISMATCH', message: `Amount ${n.amount} is not the difference ${change.difference}`, orderId: order.id };
    }
    if (change.status !== 'AWAITING_PAYMENT') {
      // Paid after the change was abandoned (or paid twice): the money goes back.
      const paymentId = await this.insertPayment(sql, order, n, 'LATE_REFUNDING', 'REQUIRED', null, 'CHANGE');
      await this.flagIn(sql, change.status === 'COMPLETED' ? 'DOUBLE_PAYMENT' : 'LATE_PAYMENT_REFUNDED', n, order.id, { changeNo: change.changeNo });
      await ctx.app.outbox.add(sql, PAYMENT_EVENTS.refundRequired, { paymentId, orderId: order.id, txnId: n.txnId, amount: n.amount, reason: 'LATE_PAYMENT' });
      return { kind: 'REFUNDING', body: { status: 'refunded', order_id: order.id, order_status: order.status, out_trade_no: change.changeNo, error: 'The change was no longer waiting for payment; the payment is refunded' } };
    }
    await this.changes!.complete(ctx, sql, change.id, `gateway:${n.gateway}`);
    const done = await this.changes!.byId(sql, change.id);
    const [t] = await sql.query<{ code: string; productId: number; productName: string; validFrom: Date; validUntil: Date }>(
      `SELECT code, product_id AS "productId", product_name AS "productName", valid_from AS "validFrom", valid_until AS "validUntil" FROM ticket WHERE id = $1`,
      [done.newTicketId],
    );
    const body: ProcessedBody = {
      status: 'processed', order_id: order.id, order_status: order.status, out_trade_no: change.changeNo, gateway_txn_id: n.txnId, amount: n.amount,
      tickets_issued: [{ ticket_code: t.code, product_id: t.productId, product_name: t.productName, passenger_name: null, shared: false,
        valid_from: new Date(t.validFrom).toISOString(), valid_until: new Date(t.validUntil).toISOString() }],
    };
    await this.insertPayment(sql, order, n, 'SUCCEEDED', null, body, 'CHANGE');
    return { kind: 'PROCESSED', replay: false, body };
  }

  private async flagIn(sql: TxSql, kind: string, n: PaymentNotice, orderId: number | null, detail: Record<string, unknown>) {
    await sql.query(
      `INSERT INTO payment_anomaly (kind, gateway, gateway_txn_id, order_id, order_no, amount, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [kind, n.gateway, n.txnId, orderId ?? n.orderId ?? null, n.orderNo ?? null, n.amount, JSON.stringify({ source: n.source, ...detail })],
    );
  }

  private async flag(ctx: RequestContext, kind: string, n: PaymentNotice, orderId: number | null, detail: Record<string, unknown>) {
    await ctx.app.db.tx((sql) => this.flagIn(sql, kind, n, orderId, detail));
    ctx.log.warn({ kind, txnId: n.txnId, orderId }, 'payment anomaly flagged');
  }

  /**
   * Reconciliation (scheduled): asks the gateway about PENDING orders that were sent to pay but got
   * no notify, and closes the gateway orders of cancelled ones (a late payment found there is processed).
   */
  async reconcile(ctx: RequestContext): Promise<{ queried: number; paid: number; closed: number }> {
    const now = ctx.app.clock.now();
    const stale = await ctx.app.db.query<{ id: number; orderNo: string }>(
      `SELECT id, order_no AS "orderNo" FROM orders WHERE status = 'PENDING' AND prepaid_at IS NOT NULL AND prepaid_at <= $1 ORDER BY prepaid_at LIMIT 100`,
      [new Date(now.getTime() - 60_000)],
    );
    let paid = 0;
    for (const o of stale) {
      const st = await this.gateway.queryPayment(o.orderNo);
      if (st.state === 'SUCCESS' && st.transactionId && st.amount !== null) {
        const r = await this.processSuccess(ctx, { gateway: this.gateway.name, orderId: o.id, txnId: st.transactionId, amount: st.amount, source: 'QUERY' });
        if (r.kind === 'PROCESSED') paid++;
      }
    }
    const cancelled = await ctx.app.db.query<{ id: number; orderNo: string }>(
      `SELECT id, order_no AS "orderNo" FROM orders WHERE status = 'CANCELLED' AND prepay_id IS NOT NULL AND gateway_closed_at IS NULL LIMIT 100`,
    );
    let closed = 0;
    for (const o of cancelled) {
      // Each order on its own: one gateway error leaves that order UNKNOWN for the next run, not the others.
      try {
        const r = await this.gateway.closePayment(o.orderNo);
        if (r === 'ALREADY_PAID') {
          const st = await this.gateway.queryPayment(o.orderNo);
          if (st.transactionId && st.amount !== null) {
            await this.processSuccess(ctx, { gateway: this.gateway.name, orderId: o.id, txnId: st.transactionId, amount: st.amount, source: 'QUERY' });
          }
        } else {
          await ctx.app.db.query(`UPDATE orders SET payment_state = 'CLOSED' WHERE id = $1 AND payment_state IN ('PREPAID', 'UNKNOWN')`, [o.id]);
        }
        await ctx.app.db.query('UPDATE orders SET gateway_closed_at = $2 WHERE id = $1', [o.id, now]);
        closed++;
      } catch (err) {
        ctx.log.warn({ err, orderId: o.id }, 'could not settle an unknown payment yet; will retry');
      }
    }
    return { queried: stale.length, paid, closed };
  }
}
