import { announceOrderUpdate } from './order-updates.js';
import { randomInt } from 'node:crypto';
import { enforceRateLimit } from '../../common/rate-limit.js';
import { addDays, isLocalDate, localDateOf, Money, PASSENGER_TYPES, startOfLocalDate, sumMoney, type Party, type PassengerType } from '@deeptravel/shared';
import type { RequestContext } from '../../app/context.js';
import type { TxSql } from '../../common/db/sql.js';
import { AppError, isRetryableDbError } from '../../common/errors.js';
import { GroupCommitter, type GroupCommitStats } from '../../common/db/group-commit.js';
import { recordTransition } from '../../common/outbox/state-history.js';
import { requireTraveller } from '../identity/auth.service.js';
import { MAX_DAYS_AHEAD } from '../catalog/catalog.service.js';
import { loadProductsForSale, loadTripsForSale, type ProductForSale } from '../catalog/product-for-sale.js';
import { claimKey, ExpiredLocksHeld, type InventoryClaim, type InventoryService } from '../inventory/inventory.service.js';
import type { SettingsService } from '../settings/settings.service.js';
import { applyPromotion, priceItems, PricingError, type PricedLine } from './order-pricing.js';
import { isIdempotencyConflict, isOrderNoCollision, orderRepository, type CreatedOrder, type OrderRecord, type OrderSnapshot, type PendingOrderRow } from './order.repository.js';
import type { CancelReason } from './order-state.js';

/** One item of an order request. */
export interface CreateOrderItemInput {
  productId: number;
  tripId?: number | null;
  /** A pass's first day of use (YYYY-MM-DD); defaults to today. Ignored for trip tickets. */
  travelDate?: string | null;
  /** Number of passengers on this item; defaults to all passengers. */
  qty?: number | null;
}

export interface CreateOrderInput {
  items: CreateOrderItemInput[];
  /** Inline passengers, or saved ones by `savedPassengerId` (resolved to name, type and phone before validation). */
  passengers?: Array<{ name?: string | null; type?: PassengerType | null; phone?: string | null; savedPassengerId?: number | string | null }> | null;
  promotionCode?: string | null;
  idempotencyKey?: string | null;
}

/** Outbox topics of the orders module. */
export const ORDER_EVENTS = { created: 'order.created', cancelled: 'order.cancelled' } as const;

const PHONE_RE = /^\+?[0-9][0-9 -]{4,19}$/;

/**
 * Group commit of one-trip orders (see OrderService.seatOrders): groups committed at once, and the
 * most orders in one. A group is a single statement; 4 × 32 and 2 × 64 measured alike
 * (`pnpm bench -- orders-sustained`: p95 18–45 ms and 24 ms at 1,000/s).
 */
const ORDER_GROUPS_IN_FLIGHT = 4;
const ORDER_GROUP_MAX = 32;

/** One one-trip order waiting for its group commit. */
interface SeatOrderJob {
  ctx: RequestContext;
  row: PendingOrderRow;
  claim: InventoryClaim;
}

/** One-trip orders in one statement, their trips locked in claim-key order (InventoryService.lock/release). */
function insertSeatOrders(ctx: RequestContext, jobs: SeatOrderJob[]): Promise<Array<CreatedOrder | null>> {
  const lockOrder = [...new Map(jobs.map((j) => [claimKey(j.claim), j.claim.tripId!])).entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, tripId]) => tripId);
  return orderRepository.insertPendingOrdersTakingSeats(ctx.app.db, jobs.map((j) => ({ row: j.row, tripId: j.claim.tripId!, qty: j.claim.qty })), lockOrder);
}

/** Raised inside the transaction when another request already owns the idempotency key. */
class IdempotencyReplay extends Error {}

interface PreparedItem {
  index: number;
  product: ProductForSale;
  trip: { id: number; departureAt: Date; arrivalAt: Date } | null;
  travelDate: string;
  passengerIndexes: number[];
  validFrom: Date;
  validUntil: Date;
}

/**
 * Orders: create with seats locked atomically, cancel, expire, read (US-010 B). Creation costs one
 * admission call per item and a handful of statements in one transaction (docs/orders.md).
 */
export class OrderService {
  constructor(private readonly inventory: InventoryService, private readonly settings: SettingsService) {}

  async createOrder(ctx: RequestContext, input: CreateOrderInput): Promise<OrderRecord> {
    const travellerId = requireTraveller(ctx.principal);
    await enforceRateLimit(ctx, 'createOrder', `traveller:${travellerId}`);
    const key = input.idempotencyKey?.trim() || null;
    if (key && key.length > 100) throw new AppError('BAD_USER_INPUT', 'Idempotency key is too long (max 100)', { field: 'idempotencyKey' });
    if (key) {
      const existing = await orderRepository.byIdempotencyKey(ctx.app.db, travellerId, key);
      if (existing) return existing;
    }
    const now = ctx.app.clock.now();
    const settings = await this.settings.get(ctx);
    input = { ...input, passengers: await ctx.app.services.savedPassengers.resolveForOrder(ctx, input.passengers) };
    const passengers = this.resolvePassengers(input, settings.maxPassengersPerOrder);
    const items = await this.prepareItems(ctx, input, passengers.length, now);

    // Price every item for its own passengers (the tier is chosen by that party's size).
    let lines: PricedLine[];
    try {
      lines = priceItems(
        items.map((it) => ({ productId: it.product.id, tiers: it.product.tiers, party: partyOf(it.passengerIndexes.map((i) => passengers[i].type)) })),
      );
    } catch (err) {
      if (err instanceof PricingError) {
        throw new AppError('NOT_ON_SALE', `No fare for ${err.passengerType ?? 'this party'} on this product`, {
          field: `items[${err.itemIndex}]`, passengerType: err.passengerType,
        });
      }
      throw err;
    }
    const promotion = input.promotionCode ? await this.loadPromotion(ctx, input.promotionCode, now, lines) : null;
    const currency = items[0].product.currency;
    if (items.some((it) => it.product.currency !== currency)) throw new AppError('BAD_USER_INPUT', 'All items of an order must be in one currency');
    // Money carries its currency: a CNY line can never be added into an HKD total.
    const totalAmount = sumMoney(lines.map((l) => Money.of(l.subtotal, items[l.itemIndex].product.currency)), currency).amount;
    const discountAmount = lines.reduce((s, l) => s + l.discount, 0);
    const snapshot = this.snapshot(items, lines, passengers, promotion);
    const claims: InventoryClaim[] = items.map((it) => ({
      kind: it.trip ? 'TRIP' : 'PACKAGE', productId: it.product.id, tripId: it.trip?.id ?? null, travelDate: it.travelDate,
      qty: it.passengerIndexes.length, quota: it.product.dailyQuota,
    }));

    const lockExpireAt = new Date(now.getTime() + settings.lockDurationMinutes * 60_000);
    const giveBack = await this.inventory.admit(ctx, claims, lockExpireAt);
    const row: PendingOrderRow = {
      orderNo: newOrderNo(now), travellerId, currency, totalAmount, discountAmount,
      lockExpireAt,
      idempotencyKey: key, promotionId: promotion?.id ?? null, snapshot, now, actor: `traveller:${travellerId}`,
      lines: lines.map((l) => {
        const it = items[l.itemIndex];
        return { productId: it.product.id, tripId: it.trip?.id ?? null, travelDate: it.travelDate, productName: it.product.name,
          passengerType: l.passengerType, qty: l.qty, unitPrice: l.unitPrice, discount: l.discount, subtotal: l.subtotal };
      }),
      passengers,
      createdTopic: ORDER_EVENTS.created,
      createdDelivered: !ctx.app.outbox.hasHandler(ORDER_EVENTS.created),
    };
    try {
      const order = await this.withExpiredLocksFreed(ctx, claims, () =>
        withAnotherOrderNoOnCollision(row, now, () =>
          claims.length === 1 && claims[0].kind === 'TRIP' && !promotion
            ? this.insertTakingSeatsAtOnce(ctx, row, claims[0], now)
            : this.insertInTransaction(ctx, row, claims, promotion, now)));
      if (ctx.app.outbox.hasHandler(ORDER_EVENTS.created)) ctx.app.outbox.kick();
      // The answer shows the lines: they came back from the insert, so the loader need not read them.
      const { createdLines, ...record } = order;
      ctx.loaders.orderLines.prime(record.id, createdLines);
      return record;
    } catch (err) {
      await giveBack();
      if (err instanceof IdempotencyReplay && key) {
        const existing = await orderRepository.byIdempotencyKey(ctx.app.db, travellerId, key);
        if (existing) return existing;
      }
      if (isRetryableDbError(err)) throw new AppError('BUSY_RETRY', 'Too many people are booking this right now; please try again', { retryAfterMs: 500 });
      throw err;
    }
  }

  /**
   * The common order (seats on one trip, no promotion): seats, order, history, lines, passengers and
   * event in one autocommit statement, written together or not at all (docs/performance.md, "fourth
   * pass"). Under load, concurrent ones are group-committed: one statement and one WAL flush for up
   * to ORDER_GROUP_MAX orders ("sixth pass").
   */
  private async insertTakingSeatsAtOnce(ctx: RequestContext, row: PendingOrderRow, claim: InventoryClaim, now: Date): Promise<CreatedOrder> {
    const order = await this.seatOrders.submit({ ctx, row, claim });
    if (order === 'NO_SEATS') return this.inventory.refuse(ctx.app.db, claim, now);
    return order;
  }

  /**
   * Group commit of one-trip orders. A group is one statement (insertPendingOrdersTakingSeats) that
   * takes each trip's seats for all of the group's orders on it at once; the orders of a trip without
   * that many seats are left out and run alone, which gives each its exact answer (an order or
   * SOLD_OUT). A failed group (an idempotency key used twice, an order number taken, a lock wait)
   * wrote nothing; each of its orders then runs alone too.
   */
  private readonly seatOrders = new GroupCommitter<SeatOrderJob, CreatedOrder | 'NO_SEATS'>({
    maxGroup: ORDER_GROUP_MAX,
    groupsInFlight: ORDER_GROUPS_IN_FLIGHT,
    runAlone: async (job) => {
      try {
        const [order] = await insertSeatOrders(job.ctx, [job]);
        return order ?? 'NO_SEATS';
      } catch (err) {
        if (isIdempotencyConflict(err)) throw new IdempotencyReplay();
        throw err;
      }
    },
    commitGroup: async (jobs) => (await insertSeatOrders(jobs[0].ctx, jobs)).map((order) => order ?? undefined),
    onGroupFailed: (err, jobs) => {
      // Expected: a unique key (a replayed idempotency key, an order number drawn twice) or a lock wait.
      const expected = isIdempotencyConflict(err) || isOrderNoCollision(err) || isRetryableDbError(err);
      jobs[0].ctx.log[expected ? 'debug' : 'error']({ err, size: jobs.length }, 'order group rolled back; each order runs alone');
    },
  });

  /** One-trip orders queued for a group commit right now (a gauge for metrics; tests watch groups form). */
  get ordersAwaitingGroupCommit(): number {
    return this.seatOrders.waiting;
  }

  /** What the order group commit has done since start (for /metrics and the bench). */
  get orderGroupCommitStats(): GroupCommitStats {
    return this.seatOrders.stats;
  }

  /** Any other order: the order statement, then each claim's seats or passes and the promotion, in one transaction. */
  private insertInTransaction(ctx: RequestContext, row: PendingOrderRow, claims: InventoryClaim[], promotion: { id: number } | null, now: Date): Promise<CreatedOrder> {
    return ctx.app.db.tx(
      async (sql) => {
        const order = await orderRepository.insertPendingOrder(sql, row);
        if (order === null) throw new IdempotencyReplay();
        await this.inventory.lock(sql, claims, now);
        if (promotion) await this.usePromotion(sql, promotion.id, now);
        return order;
      },
      { lockTimeoutMs: 2000 },
    );
  }

  /** The traveller's own order; someone else's is "not found". */
  async getOrder(ctx: RequestContext, orderId: number): Promise<OrderRecord> {
    const travellerId = requireTraveller(ctx.principal);
    const order = Number.isSafeInteger(orderId) ? await orderRepository.byId(ctx.app.db, orderId) : null;
    if (!order || order.travellerId !== travellerId) throw new AppError('ORDER_NOT_FOUND', `Order ${orderId} not found`, { orderId });
    return order;
  }

  /**
   * The live updates of one of the caller's orders (`myOrderUpdated`): the owner is checked before
   * anything is subscribed (someone else's order is ORDER_NOT_FOUND), then the order's own channel.
   */
  async orderUpdates(ctx: RequestContext, orderId: number): Promise<AsyncIterable<{ orderId: number }>> {
    const order = await this.getOrder(ctx, orderId);
    return ctx.app.pubsub.subscribe('ORDER_UPDATED', order.id);
  }

  async myOrders(ctx: RequestContext, opts: { limit?: number | null; offset?: number | null; status?: string | null }): Promise<OrderRecord[]> {
    const travellerId = requireTraveller(ctx.principal);
    const limit = Math.min(Math.max(opts.limit ?? 20, 1), 100);
    return orderRepository.listByTraveller(ctx.app.db, travellerId, limit, Math.max(opts.offset ?? 0, 0), opts.status);
  }

  /** The traveller cancels an unpaid order: seats are released at once. Cancelling twice is a no-op. */
  async cancelOrder(ctx: RequestContext, orderId: number): Promise<OrderRecord> {
    const travellerId = requireTraveller(ctx.principal);
    await ctx.app.db.tx(async (sql) => {
      const order = await orderRepository.byId(sql, orderId, true);
      if (!order || order.travellerId !== travellerId) throw new AppError('ORDER_NOT_FOUND', `Order ${orderId} not found`, { orderId });
      if (order.status === 'CANCELLED') return;
      if (order.status !== 'PENDING') {
        throw new AppError('INVALID_TRANSITION', 'Only an unpaid order can be cancelled; request a refund instead', { status: order.status });
      }
      await this.cancelInTx(ctx, sql, order, 'BY_TRAVELLER', `traveller:${travellerId}`);
    });
    return (await orderRepository.byId(ctx.app.db, orderId))!;
  }

  /** Cancels PENDING orders whose lock expired and frees their seats (the scheduled job). */
  async expireLocks(ctx: RequestContext, batchSize = 200): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await ctx.app.db.tx(async (sql) => {
        const expired = await orderRepository.claimExpired(sql, ctx.app.clock.now(), batchSize);
        for (const order of expired) await this.cancelInTx(ctx, sql, order, 'EXPIRED', 'job:order-lock-expiry');
        return expired.length;
      });
      total += n;
      if (n < batchSize) return total;
    }
  }

  /**
   * Runs the order transaction; if it found seats still held by expired orders that the job has not
   * cancelled yet, cancels those orders now and runs it once more (no seat is stuck between runs).
   */
  private async withExpiredLocksFreed<T>(ctx: RequestContext, claims: InventoryClaim[], run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (!(err instanceof ExpiredLocksHeld)) throw err;
      await ctx.app.db.tx(async (sql) => {
        const expired = await orderRepository.claimExpiredHolding(
          sql, ctx.app.clock.now(),
          claims.filter((c) => c.tripId !== null).map((c) => c.tripId!),
          claims.filter((c) => c.tripId === null).map((c) => ({ productId: c.productId, date: c.travelDate })),
        );
        for (const order of expired) await this.cancelInTx(ctx, sql, order, 'EXPIRED', 'order:free-expired-locks');
      });
      return run();
    }
  }

  /** Inventory an order holds, from its snapshot. */
  claimsOf(order: OrderRecord): InventoryClaim[] {
    return order.snapshot.items.map((it) => ({
      kind: it.tripId ? 'TRIP' : 'PACKAGE', productId: it.productId, tripId: it.tripId, travelDate: it.travelDate,
      qty: it.passengerIndexes.length, quota: it.dailyQuota,
    }));
  }

  /** PENDING → CANCELLED inside a transaction that holds the order row. */
  async cancelInTx(ctx: RequestContext, sql: TxSql, order: OrderRecord, reason: CancelReason, actor: string): Promise<void> {
    const now = ctx.app.clock.now();
    if (!(await orderRepository.transition(sql, order.id, 'PENDING', 'CANCELLED', { now, cancelReason: reason }))) return;
    // Sent to pay but the hold ended with no answer: the money is in doubt until the gateway says.
    if (order.paymentState === 'PREPAID') await sql.query(`UPDATE orders SET payment_state = 'UNKNOWN' WHERE id = $1`, [order.id]);
    await this.inventory.release(sql, this.claimsOf(order));
    if (order.promotionId) await sql.query('UPDATE promotion SET used_count = used_count - 1 WHERE id = $1 AND used_count > 0', [order.promotionId]);
    await recordTransition(sql, { entityType: 'order', entityId: order.id, from: 'PENDING', to: 'CANCELLED', actor, reason, at: now });
    announceOrderUpdate(ctx, sql, order.id);
    await ctx.app.outbox.add(sql, ORDER_EVENTS.cancelled, { orderId: order.id, travellerId: order.travellerId, reason });
  }

  private resolvePassengers(input: CreateOrderInput, max: number): Array<{ name: string; type: PassengerType; phone: string | null }> {
    if (!Array.isArray(input.items) || input.items.length === 0) throw new AppError('BAD_USER_INPUT', 'An order needs at least one item', { field: 'items' });
    if (input.items.length > 10) throw new AppError('BAD_USER_INPUT', 'At most 10 items per order', { field: 'items' });
    input.items.forEach((it, i) => {
      if (it.qty !== undefined && it.qty !== null && (!Number.isInteger(it.qty) || it.qty <= 0)) {
        throw new AppError('BAD_USER_INPUT', 'qty must be a whole number of at least 1', { field: `items[${i}].qty` });
      }
    });
    let passengers: Array<{ name: string; type: PassengerType; phone: string | null }>;
    if (input.passengers && input.passengers.length) {
      passengers = input.passengers.map((p, i) => {
        const name = typeof p.name === 'string' ? p.name.trim() : '';
        if (!name || name.length > 40) throw new AppError('BAD_USER_INPUT', 'Each passenger needs a name of at most 40 characters', { field: `passengers[${i}].name` });
        const type = p.type;
        if (!type || !PASSENGER_TYPES.includes(type)) throw new AppError('BAD_USER_INPUT', 'Passenger type must be ADULT, CHILD or SENIOR', { field: `passengers[${i}].type` });
        const phone = p.phone?.trim() || null;
        if (phone && !PHONE_RE.test(phone)) throw new AppError('BAD_USER_INPUT', 'Phone number is not valid', { field: `passengers[${i}].phone` });
        return { name, type, phone };
      });
      input.items.forEach((it, i) => {
        if (it.qty && it.qty > passengers.length) {
          throw new AppError('BAD_USER_INPUT', 'qty cannot exceed the number of passengers', { field: `items[${i}].qty` });
        }
      });
    } else {
      // No passengers given (the REST shim): qty adults are assumed.
      const size = Math.max(...input.items.map((it) => it.qty ?? 1));
      passengers = Array.from({ length: size }, (_, i) => ({ name: `旅客${i + 1}`, type: 'ADULT' as const, phone: null }));
    }
    if (passengers.length > max) {
      throw new AppError('TOO_MANY_PASSENGERS', `At most ${max} passengers per order`, { max, field: 'passengers' });
    }
    return passengers;
  }

  private async prepareItems(ctx: RequestContext, input: CreateOrderInput, partySize: number, now: Date): Promise<PreparedItem[]> {
    const ids = input.items.map((it, i) => {
      const id = Number(it.productId);
      if (!Number.isSafeInteger(id) || id <= 0) throw new AppError('BAD_USER_INPUT', 'product id must be a positive integer', { field: `items[${i}].productId` });
      return id;
    });
    const products = await loadProductsForSale(ctx, [...new Set(ids)]);
    const tripIds = input.items.map((it) => (it.tripId === undefined || it.tripId === null ? null : Number(it.tripId))).filter((x): x is number => x !== null);
    const trips = tripIds.length ? await loadTripsForSale(ctx, tripIds.filter((x) => Number.isSafeInteger(x) && x > 0)) : new Map();
    const today = localDateOf(now);
    const seen = new Set<string>();
    const prepared: PreparedItem[] = [];
    for (const [i, it] of input.items.entries()) {
      const product = products.get(ids[i]);
      if (!product) throw new AppError('PRODUCT_NOT_FOUND', `Product ${ids[i]} does not exist`, { field: `items[${i}].productId`, productId: ids[i] });
      if (!product.enabled) throw new AppError('NOT_ON_SALE', `${product.name} is not on sale`, { field: `items[${i}]`, productId: product.id });
      let trip: PreparedItem['trip'] = null;
      let travelDate: string;
      let validFrom: Date;
      let validUntil: Date;
      if (product.kind === 'TICKET') {
        if (it.tripId === undefined || it.tripId === null) throw new AppError('BAD_USER_INPUT', 'A ticket needs trip_id', { field: `items[${i}].tripId` });
        const t = trips.get(Number(it.tripId));
        if (!t || t.productId !== product.id) throw new AppError('TRIP_NOT_FOUND', `Trip ${it.tripId} is not a trip of ${product.name}`, { field: `items[${i}].tripId` });
        if (new Date(t.departureAt) <= now) throw new AppError('TRIP_DEPARTED', 'This trip has already departed', { field: `items[${i}].tripId`, tripId: t.id });
        if (t.status !== 'SCHEDULED') throw new AppError('NOT_ON_SALE', 'This trip is not on sale', { field: `items[${i}].tripId`, tripId: t.id });
        trip = { id: t.id, departureAt: new Date(t.departureAt), arrivalAt: new Date(t.arrivalAt) };
        travelDate = localDateOf(trip.departureAt);
        // A trip ticket is valid on its travel day (staff may board a late traveller on a later sailing).
        validFrom = startOfLocalDate(travelDate);
        validUntil = startOfLocalDate(addDays(travelDate, 1));
      } else {
        travelDate = it.travelDate ?? today;
        if (!isLocalDate(travelDate)) throw new AppError('BAD_USER_INPUT', 'travel_date must be YYYY-MM-DD', { field: `items[${i}].travelDate` });
        if (travelDate < today) throw new AppError('DATE_IN_PAST', `${travelDate} is in the past`, { field: `items[${i}].travelDate` });
        if (travelDate > addDays(today, MAX_DAYS_AHEAD)) throw new AppError('NOT_ON_SALE', `Sales open ${MAX_DAYS_AHEAD} days ahead`, { field: `items[${i}].travelDate` });
        validFrom = startOfLocalDate(travelDate);
        validUntil = startOfLocalDate(addDays(travelDate, product.validityDays ?? 1));
      }
      const blackout = (await ctx.app.services.catalog.blackouts(ctx, Number(travelDate.slice(0, 4)))).find(
        (b) => b.date === travelDate && (b.productId === null || b.productId === product.id),
      );
      if (blackout) {
        throw new AppError('BLACKOUT_DATE', `${travelDate} is a blackout date${blackout.reason ? `: ${blackout.reason}` : ''}`, {
          field: `items[${i}]`, date: travelDate, reason: blackout.reason,
        });
      }
      const dedupe = `${product.id}:${trip?.id ?? travelDate}`;
      if (seen.has(dedupe)) throw new AppError('BAD_USER_INPUT', 'The same product and trip appear twice; use qty', { field: `items[${i}]` });
      seen.add(dedupe);
      const qty = it.qty ?? partySize;
      prepared.push({ index: i, product, trip, travelDate, validFrom, validUntil, passengerIndexes: Array.from({ length: qty }, (_, k) => k) });
    }
    return prepared;
  }

  private async loadPromotion(ctx: RequestContext, code: string, now: Date, lines: PricedLine[]) {
    const [promo] = await ctx.app.db.query<{
      id: number; code: string; name: string; kind: 'PERCENT' | 'AMOUNT'; value: number; startsAt: Date; endsAt: Date;
      productIds: number[]; usageCap: number | null; usedCount: number; minAmount: number; enabled: boolean;
    }>(
      `SELECT id, code, name, kind, value, starts_at AS "startsAt", ends_at AS "endsAt", product_ids AS "productIds",
              usage_cap AS "usageCap", used_count AS "usedCount", min_amount AS "minAmount", enabled
         FROM promotion WHERE upper(code) = upper($1)`,
      [code.trim()],
    );
    if (!promo || !promo.enabled || new Date(promo.startsAt) > now || new Date(promo.endsAt) <= now) {
      throw new AppError('PROMOTION_INVALID', 'This promotion code is not valid now', { field: 'promotionCode' });
    }
    if (promo.usageCap !== null && promo.usedCount >= promo.usageCap) {
      throw new AppError('PROMOTION_EXHAUSTED', 'This promotion has been fully used', { field: 'promotionCode' });
    }
    if (!applyPromotion(lines, { kind: promo.kind, value: promo.value, productIds: promo.productIds ?? [], minAmount: promo.minAmount })) {
      throw new AppError('PROMOTION_INVALID', 'This promotion does not apply to this order', { field: 'promotionCode' });
    }
    return promo;
  }

  /** Takes one use of a promotion atomically: the cap holds under any concurrency. */
  private async usePromotion(sql: TxSql, promotionId: number, now: Date): Promise<void> {
    const rows = await sql.query(
      `UPDATE promotion SET used_count = used_count + 1, updated_at = $2
        WHERE id = $1 AND enabled AND (usage_cap IS NULL OR used_count < usage_cap) RETURNING id`,
      [promotionId, now],
    );
    if (!rows.length) throw new AppError('PROMOTION_EXHAUSTED', 'This promotion has been fully used', { field: 'promotionCode' });
  }

  private snapshot(
    items: PreparedItem[],
    lines: PricedLine[],
    passengers: Array<{ name: string; type: PassengerType; phone: string | null }>,
    promotion: { id: number; code: string; name: string; kind: string; value: number } | null,
  ): OrderSnapshot {
    return {
      version: 1,
      items: items.map((it) => ({
        index: it.index, productId: it.product.id, kind: it.product.kind, productName: it.product.name, tripId: it.trip?.id ?? null,
        travelDate: it.travelDate, departureAt: it.trip?.departureAt.toISOString() ?? null, arrivalAt: it.trip?.arrivalAt.toISOString() ?? null,
        validFrom: it.validFrom.toISOString(), validUntil: it.validUntil.toISOString(), passengerIndexes: it.passengerIndexes,
        dailyQuota: it.product.dailyQuota, entitlements: it.product.entitlements, refundRule: it.product.refundRule,
        lines: lines.filter((l) => l.itemIndex === it.index).map(({ passengerType, qty, unitPrice, discount, subtotal }) => ({ passengerType, qty, unitPrice, discount, subtotal })),
      })),
      passengers,
      promotion: promotion ? { id: promotion.id, code: promotion.code, name: promotion.name, kind: promotion.kind, value: promotion.value } : null,
    };
  }
}

function partyOf(types: PassengerType[]): Party {
  const party: Party = {};
  for (const t of types) party[t] = (party[t] ?? 0) + 1;
  return party;
}

/** Draws of a new order number before a collision is given up as an error (each is 1 in 10^10 a day). */
const ORDER_NO_ATTEMPTS = 5;

/**
 * Runs the order insert; when its random order number is already taken (the unique constraint
 * aborted the statement or the transaction, so nothing was written), draws another and runs it
 * again. With 10 random digits a day, a collision somewhere among 100,000 orders of one day is
 * likely (birthday bound ≈ 40 %): without this a traveller got a 500 (seen in the orders bench).
 */
async function withAnotherOrderNoOnCollision<T>(row: PendingOrderRow, now: Date, insert: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await insert();
    } catch (err) {
      if (!isOrderNoCollision(err) || attempt >= ORDER_NO_ATTEMPTS) throw err;
      row.orderNo = newOrderNo(now);
    }
  }
}

/** Our out_trade_no: "DT" + local yymmdd + 10 random digits (WeChat allows 6–32 alphanumerics). */
function newOrderNo(now: Date): string {
  const day = localDateOf(now).slice(2).replace(/-/g, '');
  return `DT${day}${String(randomInt(0, 1e10)).padStart(10, '0')}`;
}
