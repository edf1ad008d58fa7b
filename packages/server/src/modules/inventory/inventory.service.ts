import type { RequestContext } from '../../app/context.js';
import type { Sql, TxSql } from '../../common/db/sql.js';
import { AppError } from '../../common/errors.js';
import { inventoryRepository } from './inventory.repository.js';
import { packageKey, tripKey, type SeatAdmission } from './seat-admission.js';
import { SingleFlight } from '../../common/single-flight.js';

/** Inventory an order line takes: seats on a trip, or passes of a package on a travel date. */
export interface InventoryClaim {
  kind: 'TRIP' | 'PACKAGE';
  productId: number;
  tripId: number | null;
  travelDate: string;
  qty: number;
  /** Package daily quota (for creating the day's row). */
  quota: number | null;
}

/** The admission key of a claim. */
export function claimKey(c: InventoryClaim): string {
  return c.kind === 'TRIP' ? tripKey(c.tripId!) : packageKey(c.productId, c.travelDate);
}

/**
 * The seats exist but are still counted as locked by orders whose hold has expired and that the
 * expiry job has not cancelled yet: the caller cancels those orders and tries again.
 */
export class ExpiredLocksHeld extends Error {
  constructor() {
    super('expired locks still held');
  }
}

function soldOut(c: InventoryClaim, left: number): AppError {
  return new AppError(
    'SOLD_OUT',
    left > 0 ? `Only ${left} left` : 'Sold out',
    { left, productId: c.productId, tripId: c.tripId, travelDate: c.travelDate },
  );
}

/**
 * Takes and returns inventory. Two steps for a hot trip (docs/orders.md): admission (Redis or memory)
 * refuses what cannot succeed without touching PostgreSQL, then the conditional UPDATE in the order's
 * transaction takes the seats for real. Any failure after admission gives the admission back.
 */
export class InventoryService {
  /** One rebuild read per key at a time in this process (a cold burst would otherwise send thousands). */
  private readonly rebuilds = new SingleFlight<{ left: number; nextExpiry: Date | null }>();

  constructor(readonly admission: SeatAdmission) {}

  /**
   * Admission for every claim (refuses with SOLD_OUT saying how many are left). Returns a function
   * that gives all admissions back, for when the order fails later.
   */
  async admit(ctx: RequestContext, claims: InventoryClaim[], holdUntil: Date): Promise<() => Promise<void>> {
    const taken: InventoryClaim[] = [];
    const giveBack = async () => {
      for (const c of taken.splice(0)) await this.admission.giveBack(claimKey(c), c.qty);
    };
    try {
      for (const c of claims) {
        const key = claimKey(c);
        const nowMs = ctx.app.clock.now().getTime();
        let r = await this.admission.tryTake(key, c.qty, nowMs, holdUntil.getTime());
        if (r.result === 'UNKNOWN') {
          const truth = await this.rebuilds.run(key, () => this.leftInDatabase(ctx.app.db, c, ctx.app.clock.now()));
          // A missing key: only the first of simultaneous rebuilds writes. A short key whose locks expired: replaced.
          await this.admission.seed(key, truth.left, truth.nextExpiry?.getTime() ?? null, r.reason === 'MISSING' ? 'ifAbsent' : 'replace');
          r = await this.admission.tryTake(key, c.qty, nowMs, holdUntil.getTime());
        }
        if (r.result === 'SOLD_OUT') throw soldOut(c, r.left);
        // Still UNKNOWN (the key expired between seed and take): PostgreSQL decides alone.
        if (r.result === 'ADMITTED') taken.push(c);
      }
    } catch (err) {
      await giveBack();
      throw err;
    }
    return giveBack;
  }

  /**
   * Locks every claim in PostgreSQL inside the order's transaction, in a fixed key order so two
   * orders never wait on each other's rows. Throws SOLD_OUT or TRIP_DEPARTED.
   */
  async lock(sql: TxSql, claims: InventoryClaim[], now: Date): Promise<void> {
    for (const c of [...claims].sort((a, b) => claimKey(a).localeCompare(claimKey(b)))) {
      const ok = c.kind === 'TRIP'
        ? await inventoryRepository.lockTripSeats(sql, c.tripId!, c.qty, now)
        : await inventoryRepository.lockPackageQuota(sql, c.productId, c.travelDate, c.qty, c.quota!);
      if (!ok) await this.refuse(sql, c, now);
    }
  }

  /**
   * Why a claim's conditional UPDATE took nothing, as the error to throw: TRIP_NOT_FOUND,
   * TRIP_DEPARTED, NOT_ON_SALE, SOLD_OUT (lowering the admission counter to the truth), or
   * ExpiredLocksHeld when expired orders still hold what the claim needs.
   */
  async refuse(sql: Sql, c: InventoryClaim, now: Date): Promise<never> {
    if (c.kind === 'TRIP') {
      const state = await inventoryRepository.tripLeft(sql, c.tripId!, now);
      if (!state) throw new AppError('TRIP_NOT_FOUND', `Trip ${c.tripId} does not exist`, { tripId: c.tripId });
      if (state.departed) throw new AppError('TRIP_DEPARTED', 'This trip has already departed', { tripId: c.tripId });
      if (state.status !== 'SCHEDULED') throw new AppError('NOT_ON_SALE', 'This trip is not on sale', { tripId: c.tripId });
      if (state.expiredHeld > 0 && state.left >= c.qty) throw new ExpiredLocksHeld();
      // Admission let it through but the truth says no: lower the counter (never above the truth).
      void this.admission.clamp(claimKey(c), Math.max(0, state.left));
      throw soldOut(c, Math.max(0, state.left));
    }
    const state = await inventoryRepository.packageLeft(sql, c.productId, c.travelDate, c.quota!, now);
    if (state.expiredHeld > 0 && state.left >= c.qty) throw new ExpiredLocksHeld();
    void this.admission.clamp(claimKey(c), Math.max(0, state.left));
    throw soldOut(c, Math.max(0, state.left));
  }

  /** Returns locked inventory (cancel, expiry); admission counts follow after commit. */
  async release(sql: TxSql, claims: InventoryClaim[]): Promise<void> {
    for (const c of [...claims].sort((a, b) => claimKey(a).localeCompare(claimKey(b)))) {
      if (c.kind === 'TRIP') await inventoryRepository.releaseTripSeats(sql, c.tripId!, c.qty);
      else await inventoryRepository.releasePackageQuota(sql, c.productId, c.travelDate, c.qty);
      sql.afterCommit(() => void this.admission.giveBack(claimKey(c), c.qty));
    }
  }

  /**
   * Moves locked inventory to sold (payment), as deferred writes (TxSql.later): sent with the transaction's other queued writes right
   * before the COMMIT, which also holds the trip's row lock for the shortest time. One checked UPDATE
   * per trip or package day; claims of the same one are summed first (two queued UPDATEs of one row
   * would lose one, as they share a snapshot).
   */
  queueSell(sql: TxSql, claims: InventoryClaim[]): void {
    const byKey = new Map<string, InventoryClaim>();
    for (const c of claims) {
      const k = claimKey(c);
      const prev = byKey.get(k);
      byKey.set(k, prev ? { ...prev, qty: prev.qty + c.qty } : c);
    }
    for (const k of [...byKey.keys()].sort((a, b) => a.localeCompare(b))) inventoryRepository.queueSell(sql, byKey.get(k)!);
  }

  /**
   * Sells inventory that is no longer locked (a payment after the lock expired). Returns false
   * when any of it is gone; the caller's transaction then rolls back and refunds instead.
   */
  async sellAgain(sql: TxSql, claims: InventoryClaim[]): Promise<boolean> {
    for (const c of [...claims].sort((a, b) => claimKey(a).localeCompare(claimKey(b)))) {
      const ok =
        c.kind === 'TRIP'
          ? await inventoryRepository.sellTripSeatsDirect(sql, c.tripId!, c.qty)
          : await inventoryRepository.sellPackageQuotaDirect(sql, c.productId, c.travelDate, c.qty, c.quota!);
      if (!ok) return false;
      sql.afterCommit(() => void this.admission.forget(claimKey(c)));
    }
    return true;
  }

  private async leftInDatabase(sql: Sql, c: InventoryClaim, now: Date): Promise<{ left: number; nextExpiry: Date | null }> {
    if (c.kind === 'TRIP') {
      const state = await inventoryRepository.tripLeft(sql, c.tripId!, now);
      const open = state && !state.departed && state.status === 'SCHEDULED';
      return { left: open ? Math.max(0, state.left) : 0, nextExpiry: open ? state.nextExpiry : null };
    }
    const state = await inventoryRepository.packageLeft(sql, c.productId, c.travelDate, c.quota!, now);
    return { left: Math.max(0, state.left), nextExpiry: state.nextExpiry };
  }
}
