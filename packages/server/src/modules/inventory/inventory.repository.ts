import type { Sql, TxSql } from '../../common/db/sql.js';

/** Locked seats of a trip become sold ($1 trip, $2 seats). */
const SELL_TRIP_SEATS = 'UPDATE trip SET locked = locked - $2, sold = sold + $2, updated_at = now() WHERE id = $1';
/** Locked passes of a package day become sold ($1 product, $2 day, $3 passes). */
const SELL_PACKAGE_QUOTA = 'UPDATE daily_inventory SET locked = locked - $3, sold = sold + $3, updated_at = now() WHERE product_id = $1 AND travel_date = $2::date';

/**
 * Inventory in PostgreSQL, the source of truth: seats are taken and given back only by conditional
 * UPDATEs (never read-then-write), and a CHECK constraint forbids overselling anyway.
 * Expired PENDING locks count as free in every "left" figure, so no seat is stuck between two runs
 * of the expiry job.
 */
export const inventoryRepository = {
  /** Locks `n` seats on a trip that has not departed; returns null if it could not. */
  async lockTripSeats(sql: Sql, tripId: number, n: number, now: Date): Promise<{ left: number } | null> {
    const rows = await sql.query<{ left: number }>(
      `UPDATE trip SET locked = locked + $2, updated_at = $3
        WHERE id = $1 AND status = 'SCHEDULED' AND departure_at > $3 AND capacity - sold - locked >= $2
        RETURNING capacity - sold - locked AS left`,
      [tripId, n, now],
    );
    return rows[0] ?? null;
  },

  /** Locks `n` passes of a package for a date (creating the day's row from the daily quota). */
  async lockPackageQuota(sql: Sql, productId: number, date: string, n: number, quota: number): Promise<{ left: number } | null> {
    await sql.query(
      `INSERT INTO daily_inventory (product_id, travel_date, quota) VALUES ($1, $2::date, $3) ON CONFLICT (product_id, travel_date) DO NOTHING`,
      [productId, date, quota],
    );
    const rows = await sql.query<{ left: number }>(
      `UPDATE daily_inventory SET locked = locked + $3, updated_at = now()
        WHERE product_id = $1 AND travel_date = $2::date AND quota - sold - locked >= $3
        RETURNING quota - sold - locked AS left`,
      [productId, date, n],
    );
    return rows[0] ?? null;
  },

  async releaseTripSeats(sql: Sql, tripId: number, n: number): Promise<void> {
    await sql.query('UPDATE trip SET locked = locked - $2, updated_at = now() WHERE id = $1', [tripId, n]);
  },

  async releasePackageQuota(sql: Sql, productId: number, date: string, n: number): Promise<void> {
    await sql.query('UPDATE daily_inventory SET locked = locked - $3, updated_at = now() WHERE product_id = $1 AND travel_date = $2::date', [
      productId, date, n,
    ]);
  },

  /** Locked → sold at payment. */
  async sellTripSeats(sql: Sql, tripId: number, n: number): Promise<void> {
    await sql.query(SELL_TRIP_SEATS, [tripId, n]);
  },

  /** A claim's locked seats or passes sold, queued with the transaction's deferred writes (one row each, checked). */
  queueSell(sql: TxSql, claim: { kind: 'TRIP' | 'PACKAGE'; tripId?: number | null; productId: number; travelDate: string; qty: number }): void {
    if (claim.kind === 'TRIP') sql.later(SELL_TRIP_SEATS, [claim.tripId, claim.qty], { expectRows: 1 });
    else sql.later(SELL_PACKAGE_QUOTA, [claim.productId, claim.travelDate, claim.qty], { expectRows: 1 });
  },

  /** Sells seats that were not locked (a late payment for an expired order); null if they are gone. */
  async sellTripSeatsDirect(sql: Sql, tripId: number, n: number): Promise<boolean> {
    const rows = await sql.query(
      `UPDATE trip SET sold = sold + $2, updated_at = now() WHERE id = $1 AND capacity - sold - locked >= $2 RETURNING id`,
      [tripId, n],
    );
    return rows.length > 0;
  },

  async sellPackageQuotaDirect(sql: Sql, productId: number, date: string, n: number, quota: number): Promise<boolean> {
    await sql.query(
      `INSERT INTO daily_inventory (product_id, travel_date, quota) VALUES ($1, $2::date, $3) ON CONFLICT (product_id, travel_date) DO NOTHING`,
      [productId, date, quota],
    );
    const rows = await sql.query(
      `UPDATE daily_inventory SET sold = sold + $3, updated_at = now()
        WHERE product_id = $1 AND travel_date = $2::date AND quota - sold - locked >= $3 RETURNING id`,
      [productId, date, n],
    );
    return rows.length > 0;
  },

  /**
   * Seats a trip has left now, expired locks counted as free (for rebuilding admission counts), how
   * many of those are still held by expired orders, and when the next live lock expires.
   */
  async tripLeft(sql: Sql, tripId: number, now: Date): Promise<{ left: number; expiredHeld: number; nextExpiry: Date | null; departed: boolean; status: string } | null> {
    const [row] = await sql.query<{ left: number; expiredHeld: number; nextExpiry: Date | null; departed: boolean; status: string }>(
      `SELECT t.capacity - t.sold - t.locked + h.expired AS left, h.expired AS "expiredHeld", h.next AS "nextExpiry",
              t.departure_at <= $2 AS departed, t.status
         FROM trip t,
              LATERAL (SELECT COALESCE(SUM(oi.qty) FILTER (WHERE o.lock_expire_at <= $2), 0)::int AS expired,
                              MIN(o.lock_expire_at) FILTER (WHERE o.lock_expire_at > $2) AS next
                         FROM orders o JOIN order_item oi ON oi.order_id = o.id
                        WHERE o.status = 'PENDING' AND oi.trip_id = t.id) h
        WHERE t.id = $1`,
      [tripId, now],
    );
    return row ?? null;
  },

  /** Passes of a package left on a date, like `tripLeft`. */
  async packageLeft(sql: Sql, productId: number, date: string, quota: number, now: Date): Promise<{ left: number; expiredHeld: number; nextExpiry: Date | null }> {
    const [row] = await sql.query<{ left: number; expiredHeld: number; nextExpiry: Date | null }>(
      `SELECT COALESCE((SELECT di.quota - di.sold - di.locked FROM daily_inventory di WHERE di.product_id = $1 AND di.travel_date = $2::date), $3)
              + h.expired AS left, h.expired AS "expiredHeld", h.next AS "nextExpiry"
         FROM (SELECT COALESCE(SUM(oi.qty) FILTER (WHERE o.lock_expire_at <= $4), 0)::int AS expired,
                      MIN(o.lock_expire_at) FILTER (WHERE o.lock_expire_at > $4) AS next
                 FROM orders o JOIN order_item oi ON oi.order_id = o.id
                WHERE o.status = 'PENDING' AND oi.product_id = $1 AND oi.trip_id IS NULL AND oi.travel_date = $2::date) h`,
      [productId, date, quota, now],
    );
    return row;
  },
};
