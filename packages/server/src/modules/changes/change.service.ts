import { randomInt } from 'node:crypto';
import { addDays, localDateOf, startOfLocalDate, type PassengerType, type TicketStatus } from '@deeptravel/shared';
import type { RequestContext } from '../../app/context.js';
import type { Sql, TxSql } from '../../common/db/sql.js';
import { AppError } from '../../common/errors.js';
import { recordTransition } from '../../common/outbox/state-history.js';
import { requireTraveller } from '../identity/auth.service.js';
import { loadProductsForSale } from '../catalog/product-for-sale.js';
import type { InventoryService } from '../inventory/inventory.service.js';
import { inventoryRepository } from '../inventory/inventory.repository.js';
import { tripKey } from '../inventory/seat-admission.js';
import { settleOrderIfFinal } from '../orders/order-completion.js';
import { orderRepository } from '../orders/order.repository.js';
import type { PaymentGateway, RequestPaymentParams } from '../payments/gateway.js';
import type { RefundService } from '../refunds/refund.service.js';
import { ticketRepository, type TicketRecord } from '../tickets/ticket.repository.js';
import { newSecret, newTicketCode } from '../tickets/ticket.service.js';
import { transitionTickets } from '../tickets/ticket-transitions.js';

/** A change as the API shows it. */
export interface ChangeRecord {
  id: number;
  changeNo: string;
  orderId: number;
  ticketId: number;
  fromTripId: number;
  toTripId: number;
  toProductId: number;
  oldPrice: number;
  newPrice: number;
  difference: number;
  status: 'AWAITING_PAYMENT' | 'COMPLETED' | 'ABANDONED';
  lockExpireAt: Date;
  newTicketId: number | null;
  createdAt: Date;
  completedAt: Date | null;
}

/** What a change would cost (`changeQuote`). */
export interface ChangeQuoteRecord {
  ticketCode: string;
  fromTripId: number;
  toTripId: number;
  departureAt: Date;
  arrivalAt: Date;
  oldPrice: number;
  newPrice: number;
  difference: number;
  fee: number;
}

const CHANGE_COLUMNS = `id, change_no AS "changeNo", order_id AS "orderId", ticket_id AS "ticketId", from_trip_id AS "fromTripId",
  to_trip_id AS "toTripId", to_product_id AS "toProductId", old_price AS "oldPrice", new_price AS "newPrice", difference, status,
  lock_expire_at AS "lockExpireAt", new_ticket_id AS "newTicketId", created_at AS "createdAt", completed_at AS "completedAt"`;

/** Outbox topics of changes. */
export const CHANGE_EVENTS = { completed: 'ticket.changed', abandoned: 'ticket.change_abandoned' } as const;

/**
 * Changes (改签, US-010 D): move one trip ticket to another departure between the same cities.
 * The new seat is locked at once and the old ticket turns CHANGING; a dearer trip waits for the
 * difference to be paid before the lock expires (else the change is undone), a cheaper one
 * completes at once and the rest is refunded. One change per ticket, as the seeded rules say.
 */
export class ChangeService {
  constructor(
    private readonly gateway: PaymentGateway,
    private readonly inventory: InventoryService,
    private readonly refunds: RefundService,
  ) {}

  /**
   * What a change to `newTripId` would cost, with every check `requestChange` makes, but nothing taken:
   * the new fare, the difference to pay (> 0) or to get back (< 0), and the fee (none under the rules).
   */
  async changeQuote(ctx: RequestContext, ticketCode: string, newTripId: number): Promise<ChangeQuoteRecord> {
    const p = await this.prepare(ctx, ticketCode, newTripId);
    return {
      ticketCode: p.ticket.code, fromTripId: p.from.id, toTripId: p.to.id, departureAt: new Date(p.to.departureAt), arrivalAt: new Date(p.to.arrivalAt),
      oldPrice: p.ticket.price, newPrice: p.newPrice, difference: p.difference, fee: 0,
    };
  }

  /**
   * Whether a ticket can be changed now, and why not: a trip ticket, ACTIVE, not itself a change,
   * under a rule that allows changes, and before the rule's deadline (`changeMinHoursBefore`).
   */
  async changeability(ctx: RequestContext, ticket: TicketRecord): Promise<{ changeable: boolean; deadline: Date | null }> {
    if (ticket.shared || !ticket.tripId) return { changeable: false, deadline: null };
    const [row] = await ctx.app.db.query<{ departureAt: Date; productId: number; itemTripId: number | null }>(
      `SELECT tr.departure_at AS "departureAt", oi.product_id AS "productId", oi.trip_id AS "itemTripId"
         FROM ticket t JOIN order_item oi ON oi.id = t.order_item_id JOIN trip tr ON tr.id = t.trip_id WHERE t.id = $1`,
      [ticket.id],
    );
    const order = row ? await orderRepository.byId(ctx.app.db, ticket.orderId) : null;
    const rule = order?.snapshot.items.find((i) => i.productId === row.productId && i.tripId === row.itemTripId)?.refundRule;
    if (!rule || !rule.changeAllowed) return { changeable: false, deadline: null };
    const deadline = new Date(new Date(row.departureAt).getTime() - rule.changeMinHoursBefore * 3_600_000);
    const changeable = ticket.status === 'ACTIVE' && !ticket.replacesTicketId && deadline > ctx.app.clock.now();
    return { changeable, deadline };
  }

  /** The checks and the new fare of a change, shared by the quote and the request. */
  private async prepare(ctx: RequestContext, ticketCode: string, newTripId: number) {
    const travellerId = requireTraveller(ctx.principal);
    const now = ctx.app.clock.now();
    const ticket = await ticketRepository.byCode(ctx.app.db, ticketCode.trim().toUpperCase());
    if (!ticket || ticket.travellerId !== travellerId) throw new AppError('TICKET_NOT_FOUND', `Ticket ${ticketCode} not found`);
    if (ticket.shared || !ticket.tripId) throw new AppError('CHANGE_NOT_ALLOWED', 'Only a trip ticket can be changed to another departure');
    if (ticket.replacesTicketId) throw new AppError('CHANGE_NOT_ALLOWED', 'A ticket can be changed once');
    const order = (await orderRepository.byId(ctx.app.db, ticket.orderId))!;
    const [item] = await ctx.app.db.query<{ productId: number; tripId: number; travelDate: string }>(
      `SELECT oi.product_id AS "productId", oi.trip_id AS "tripId", oi.travel_date::text AS "travelDate"
         FROM ticket t JOIN order_item oi ON oi.id = t.order_item_id WHERE t.id = $1`,
      [ticket.id],
    );
    const snapItem = order.snapshot.items.find((i) => i.productId === item.productId && i.tripId === item.tripId)!;
    const rule = snapItem.refundRule;
    const trips = await ctx.app.db.query<{ id: number; productId: number; departureAt: Date; arrivalAt: Date; status: string; originCity: number; destinationCity: number }>(
      `SELECT t.id, t.product_id AS "productId", t.departure_at AS "departureAt", t.arrival_at AS "arrivalAt", t.status,
              os.city_id AS "originCity", ds.city_id AS "destinationCity"
         FROM trip t JOIN route r ON r.id = t.route_id JOIN station os ON os.id = r.origin_id JOIN station ds ON ds.id = r.destination_id
        WHERE t.id = ANY($1::int[])`,
      [[ticket.tripId, newTripId]],
    );
    const from = trips.find((t) => t.id === ticket.tripId)!;
    const to = trips.find((t) => t.id === newTripId);
    if (!rule.changeAllowed) throw new AppError('CHANGE_NOT_ALLOWED', 'This ticket cannot be changed under its rules');
    const hoursBefore = (new Date(from.departureAt).getTime() - now.getTime()) / 3_600_000;
    if (hoursBefore < rule.changeMinHoursBefore) {
      throw new AppError('CHANGE_NOT_ALLOWED', `Changes close ${rule.changeMinHoursBefore} hours before departure`, { hoursBefore });
    }
    if (!to || to.id === from.id) throw new AppError('TRIP_NOT_FOUND', 'Choose another departure', { field: 'newTripId' });
    if (to.originCity !== from.originCity || to.destinationCity !== from.destinationCity) {
      throw new AppError('CHANGE_NOT_ALLOWED', 'The new departure must be between the same cities', { field: 'newTripId' });
    }
    if (new Date(to.departureAt) <= now) throw new AppError('TRIP_DEPARTED', 'That departure has left', { field: 'newTripId' });
    if (to.status !== 'SCHEDULED') throw new AppError('NOT_ON_SALE', 'That departure is not on sale', { field: 'newTripId' });
    const toDate = localDateOf(new Date(to.departureAt));
    const blackout = (await ctx.app.services.catalog.blackouts(ctx, Number(toDate.slice(0, 4)))).find(
      (b) => b.date === toDate && (b.productId === null || b.productId === to.productId),
    );
    if (blackout) throw new AppError('BLACKOUT_DATE', `${toDate} is a blackout date`, { date: toDate });

    // The new fare: the new product's current tier for this passenger, at the size of the original party.
    const product = (await loadProductsForSale(ctx, [to.productId])).get(to.productId);
    if (!product || !product.enabled) throw new AppError('NOT_ON_SALE', 'That departure is not on sale');
    const type = (ticket.passengerType ?? 'ADULT') as PassengerType;
    const partySize = snapItem.passengerIndexes.length;
    const tier = product.tiers.find((t) => t.passengerType === type && t.minQty <= partySize && (t.maxQty === null || partySize <= t.maxQty));
    if (!tier) throw new AppError('NOT_ON_SALE', `No fare for ${type} on that departure`);
    const newPrice = tier.unitPrice;
    const difference = newPrice - ticket.price;
    return { travellerId, now, ticket, order, from, to, toDate, newPrice, difference };
  }

  async requestChange(ctx: RequestContext, ticketCode: string, newTripId: number): Promise<ChangeRecord> {
    const { travellerId, now, ticket, order, from, to, toDate, newPrice, difference } = await this.prepare(ctx, ticketCode, newTripId);
    const settings = await ctx.app.services.settings.get(ctx);
    const lockExpireAt = new Date(now.getTime() + settings.lockDurationMinutes * 60_000);
    const claim = { kind: 'TRIP' as const, productId: to.productId, tripId: to.id, travelDate: toDate, qty: 1, quota: null };

    const giveBack = await this.inventory.admit(ctx, [claim], lockExpireAt);
    try {
      const changeId = await ctx.app.db.tx(async (sql) => {
        // Order first, then the ticket: the same lock order as refunds, so the two never deadlock.
        await sql.query('SELECT id FROM orders WHERE id = $1 FOR UPDATE', [order.id]);
        const locked = await ticketRepository.byId(sql, ticket.id, true);
        if (!locked || locked.status !== 'ACTIVE') {
          throw new AppError(locked?.status === 'CHANGING' ? 'CHANGE_NOT_ALLOWED' : 'INVALID_TRANSITION', `Ticket is ${locked?.status}`, { status: locked?.status });
        }
        await this.inventory.lock(sql, [claim], now);
        await transitionTickets(ctx, sql, [locked], 'CHANGING', `traveller:${travellerId}`, `to trip ${to.id}`);
        const [row] = await sql.query<{ id: number }>(
          `INSERT INTO ticket_change (change_no, order_id, ticket_id, from_trip_id, to_trip_id, to_product_id, old_price, new_price, difference, status,
                                      lock_expire_at, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'AWAITING_PAYMENT', $10, $11, $11) RETURNING id`,
          [newChangeNo(now), order.id, ticket.id, from.id, to.id, to.productId, ticket.price, newPrice, difference, lockExpireAt, now],
        );
        if (difference <= 0) await this.complete(ctx, sql, row.id, `traveller:${travellerId}`);
        return row.id;
      }, { lockTimeoutMs: 2000 });
      return this.byId(ctx.app.db, changeId);
    } catch (err) {
      await giveBack();
      throw err;
    }
  }

  /** wx.requestPayment parameters for the fare difference of a change awaiting payment. */
  async payChange(ctx: RequestContext, changeId: number): Promise<RequestPaymentParams> {
    const change = await this.ownChange(ctx, changeId);
    if (change.status !== 'AWAITING_PAYMENT') throw new AppError('INVALID_TRANSITION', `This change is ${change.status}`);
    if (new Date(change.lockExpireAt) <= ctx.app.clock.now()) throw new AppError('LOCK_EXPIRED', 'The seat hold for this change has expired');
    const [traveller] = await ctx.app.db.query<{ openid: string | null }>('SELECT openid FROM traveller WHERE id = $1', [requireTraveller(ctx.principal)]);
    const order = (await orderRepository.byId(ctx.app.db, change.orderId))!;
    const { prepayId, params } = await this.gateway.createPayment({
      orderNo: change.changeNo, amount: change.difference, currency: order.currency, description: 'DeepTravel 改签补差价',
      expiresAt: new Date(change.lockExpireAt), payerOpenid: traveller?.openid ?? null,
    });
    await ctx.app.db.query('UPDATE ticket_change SET prepay_id = $2, updated_at = now() WHERE id = $1', [change.id, prepayId]);
    return params;
  }

  /** Finds a change by its number (a payment's out_trade_no), locked, in the payment transaction. */
  async byChangeNo(sql: Sql, changeNo: string): Promise<ChangeRecord | null> {
    const [c] = await sql.query<ChangeRecord>(`SELECT ${CHANGE_COLUMNS} FROM ticket_change WHERE change_no = $1 FOR UPDATE`, [changeNo]);
    return c ?? null;
  }

  /**
   * Completes a change in the caller's transaction: the old ticket CHANGED, a new ACTIVE ticket on the
   * new trip, the new seat sold and the old one back on sale, the cheaper rest refunded.
   */
  async complete(ctx: RequestContext, sql: TxSql, changeId: number, actor: string): Promise<void> {
    const [change] = await sql.query<ChangeRecord>(`SELECT ${CHANGE_COLUMNS} FROM ticket_change WHERE id = $1 FOR UPDATE`, [changeId]);
    if (!change || change.status !== 'AWAITING_PAYMENT') return;
    const now = ctx.app.clock.now();
    const old = (await ticketRepository.byId(sql, change.ticketId, true))!;
    const [oldRow] = await sql.query<{ orderItemId: number; passengerId: number | null }>(
      'SELECT order_item_id AS "orderItemId", passenger_id AS "passengerId" FROM ticket WHERE id = $1',
      [old.id],
    );
    const [trip] = await sql.query<{ departureAt: Date; operatorId: number; mode: string; productName: string }>(
      `SELECT t.departure_at AS "departureAt", r.operator_id AS "operatorId", r.mode, p.name AS "productName"
         FROM trip t JOIN route r ON r.id = t.route_id JOIN product p ON p.id = t.product_id WHERE t.id = $1`,
      [change.toTripId],
    );
    const travelDate = localDateOf(new Date(trip.departureAt));
    const code = newTicketCode();
    await ticketRepository.insertMany(sql, [{
      code, orderId: change.orderId, orderItemId: oldRow.orderItemId, passengerId: oldRow.passengerId, productId: change.toProductId,
      productName: trip.productName, shared: false, validFrom: startOfLocalDate(travelDate), validUntil: startOfLocalDate(addDays(travelDate, 1)),
      qrSecret: newSecret(), price: change.newPrice, tripId: change.toTripId, travelDate, replacesTicketId: old.id,
      lines: [{ name: trip.mode === 'FERRY' ? '乘船（单程一次）' : '乘车（单程一次）', merchantId: trip.operatorId, uses: 1 }],
    }], now);
    const [newTicket] = await sql.query<{ id: number }>('SELECT id FROM ticket WHERE code = $1', [code]);
    await transitionTickets(ctx, sql, [{ id: old.id, status: old.status as TicketStatus, code: old.code }], 'CHANGED', actor, `to ${code}`);
    await recordTransition(sql, { entityType: 'ticket', entityId: newTicket.id, from: null, to: 'ACTIVE', actor, reason: `change of ${old.code}`, at: now });
    // Seats: the new one locked → sold; the old one back on sale if that trip is still ahead.
    await inventoryRepository.sellTripSeats(sql, change.toTripId, 1);
    const back = await sql.query('UPDATE trip SET sold = sold - 1, updated_at = $2 WHERE id = $1 AND departure_at > $2 AND sold > 0 RETURNING id', [change.fromTripId, now]);
    if (back.length) sql.afterCommit(() => void this.inventory.admission.forget(tripKey(change.fromTripId)));
    await sql.query(`UPDATE ticket_change SET status = 'COMPLETED', new_ticket_id = $2, completed_at = $3, updated_at = $3 WHERE id = $1`, [change.id, newTicket.id, now]);
    await recordTransition(sql, { entityType: 'ticket_change', entityId: change.id, from: 'AWAITING_PAYMENT', to: 'COMPLETED', actor, at: now });
    if (change.difference < 0) {
      const order = (await orderRepository.byId(sql, change.orderId))!;
      await this.refunds.insertRefund(ctx, sql, {
        orderId: change.orderId, kind: 'CHANGE_DIFFERENCE', changeId: change.id, amount: -change.difference, currency: order.currency,
        reason: '改签退还差价', requestedBy: actor,
      });
    }
    const [order] = await sql.query<{ travellerId: number }>('SELECT traveller_id AS "travellerId" FROM orders WHERE id = $1', [change.orderId]);
    await ctx.app.outbox.add(sql, CHANGE_EVENTS.completed, { changeId: change.id, orderId: change.orderId, travellerId: order.travellerId, oldTicket: old.code, newTicket: code });
    await settleOrderIfFinal(ctx, sql, change.orderId, actor);
  }

  /** Undoes changes whose difference was not paid before the seat hold expired (the job). */
  async expireChanges(ctx: RequestContext): Promise<number> {
    return ctx.app.db.tx(async (sql) => {
      const now = ctx.app.clock.now();
      const expired = await sql.query<ChangeRecord>(
        `SELECT ${CHANGE_COLUMNS} FROM ticket_change WHERE status = 'AWAITING_PAYMENT' AND lock_expire_at <= $1 ORDER BY id LIMIT 200 FOR UPDATE SKIP LOCKED`,
        [now],
      );
      for (const c of expired) {
        await sql.query('SELECT id FROM orders WHERE id = $1 FOR UPDATE', [c.orderId]);
        await this.inventory.release(sql, [{ kind: 'TRIP', productId: c.toProductId, tripId: c.toTripId, travelDate: '', qty: 1, quota: null }]);
        const t = (await ticketRepository.byId(sql, c.ticketId, true))!;
        if (t.status === 'CHANGING') await transitionTickets(ctx, sql, [t], 'ACTIVE', 'job:change-expiry', 'CHANGE_ABANDONED');
        await sql.query(`UPDATE ticket_change SET status = 'ABANDONED', updated_at = $2 WHERE id = $1`, [c.id, now]);
        await recordTransition(sql, { entityType: 'ticket_change', entityId: c.id, from: 'AWAITING_PAYMENT', to: 'ABANDONED', actor: 'job:change-expiry', at: now });
        const [order] = await sql.query<{ travellerId: number }>('SELECT traveller_id AS "travellerId" FROM orders WHERE id = $1', [c.orderId]);
        await ctx.app.outbox.add(sql, CHANGE_EVENTS.abandoned, { changeId: c.id, orderId: c.orderId, travellerId: order.travellerId });
      }
      return expired.length;
    });
  }

  async ownChange(ctx: RequestContext, changeId: number): Promise<ChangeRecord> {
    const travellerId = requireTraveller(ctx.principal);
    const c = await this.byId(ctx.app.db, changeId);
    const order = c ? await orderRepository.byId(ctx.app.db, c.orderId) : null;
    if (!c || !order || order.travellerId !== travellerId) throw new AppError('CHANGE_NOT_FOUND', `Change ${changeId} not found`);
    return c;
  }

  async byId(sql: Sql, id: number): Promise<ChangeRecord> {
    const [c] = await sql.query<ChangeRecord>(`SELECT ${CHANGE_COLUMNS} FROM ticket_change WHERE id = $1`, [id]);
    return c;
  }
}

/**
 * "CH" + local yymmdd + 16 random digits (24 characters): also the out_trade_no of a difference
 * payment (WeChat allows 32). 16 digits keep a collision among a day's changes negligible
 * (≈ 5 × 10^-7 for 100,000 a day); orders, which are many more, draw again on a collision instead.
 */
function newChangeNo(now: Date): string {
  const digits = () => String(randomInt(0, 1e8)).padStart(8, '0');
  return `CH${localDateOf(now).slice(2).replace(/-/g, '')}${digits()}${digits()}`;
}
