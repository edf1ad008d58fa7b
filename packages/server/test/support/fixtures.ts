import type { TestServer } from './harness.js';

/** Adds a trip of product/route 1 (Shekou → SkyPier ferry) with its own capacity, departing in `hours`. */
export async function addTrip(s: TestServer, capacity: number, hours = 48, routeId = 1): Promise<number> {
  const dep = new Date(s.clock.now().getTime() + hours * 3600_000);
  const [row] = await s.app.db.query<{ id: number }>(
    `INSERT INTO trip (route_id, product_id, departure_at, arrival_at, capacity) VALUES ($1, $1, $2, $3, $4) RETURNING id`,
    [routeId, dep, new Date(dep.getTime() + 30 * 60_000), capacity],
  );
  return row.id;
}

/** Creates travellers with dev tokens `<prefix>-<i>` (dev/test mode resolves them like user123). */
export async function addTravellers(s: TestServer, prefix: string, n: number): Promise<string[]> {
  const tokens = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  await s.app.db.query(`INSERT INTO traveller (dev_token, nickname) SELECT t, t FROM unnest($1::text[]) AS t`, [tokens]);
  return tokens;
}

/** Seat counters of a trip. */
export async function tripCounters(s: TestServer, tripId: number) {
  const [row] = await s.app.db.query<{ capacity: number; sold: number; locked: number }>('SELECT capacity, sold, locked FROM trip WHERE id = $1', [tripId]);
  return row;
}

export const CREATE_ORDER = `mutation Create($input: CreateOrderInput!) {
  createOrder(input: $input) {
    id orderNo status currency totalAmount discountAmount lockExpireAt promotionCode
    lines { productId productName tripId travelDate passengerType qty unitPrice discount subtotal }
    passengers { name passengerType phoneMasked }
  }
}`;
