import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { startTestServer, type TestServer } from '../support/harness.js';
import { addTravellers, addTrip, CREATE_ORDER, tripCounters } from '../support/fixtures.js';
import { waitFor } from '../support/lb-cluster.js';

/**
 * Group commit of one-trip orders (OrderService.seatOrders): concurrent orders share a transaction.
 * Groups are made to form deterministically: a held row lock keeps the in-flight slots busy with
 * orders on one trip while the next orders queue up behind them; releasing the lock lets the queue
 * go as groups. Orders committed by the same transaction share their row's `xmin`.
 */
describe('group commit of one-trip orders', () => {
  let s: TestServer;
  beforeAll(async () => {
    // Orders waiting on the held row must not time out while the queue fills.
    s = await startTestServer({ env: { DATABASE_LOCK_TIMEOUT_MS: '30000', DATABASE_POOL_SIZE: '10' } });
  });
  afterAll(async () => {
    await s?.close();
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type GqlResult = { status: number; data: any; errors?: any[] };
  const order = (token: string, tripId: number, extra: Record<string, unknown> = {}): Promise<GqlResult> =>
    s.gql(CREATE_ORDER, { input: { items: [{ productId: '1', tripId: String(tripId), qty: 1 }], ...extra } }, token);

  /**
   * Runs `queued()` while every in-flight slot is taken by orders waiting on a locked trip, waits
   * until `expectQueued` orders are in the group-commit queue, then releases the lock.
   */
  async function withQueueHeld<T>(expectQueued: number, queued: () => Promise<T>[]): Promise<{ blockers: GqlResult[]; results: T[]; blockedTrip: number }> {
    const blockedTrip = await addTrip(s, 10);
    const holder = new pg.Client({ connectionString: s.config.DATABASE_URL });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM trip WHERE id = $1 FOR UPDATE', [blockedTrip]);
      const blockerTokens = await addTravellers(s, `gc-block-${blockedTrip}`, 4);
      const blockers = Promise.all(blockerTokens.map((t) => order(t, blockedTrip)));
      await waitFor('4 orders waiting on the held trip row', async () => {
        const [{ n }] = await s.app.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        return n === 4;
      }, 20_000);
      const results = Promise.all(queued());
      await waitFor(`${expectQueued} orders queued for a group commit`, async () => s.app.services.orders.ordersAwaitingGroupCommit === expectQueued, 20_000);
      await holder.query('COMMIT');
      return { blockers: await blockers, results: await results, blockedTrip };
    } finally {
      await holder.end();
    }
  }

  it('commits queued orders in shared transactions with exact seat counts, in any trip order', async () => {
    // 40 orders over 3 trips, interleaved so a group names the trips out of order (it locks them in order).
    const trips = [await addTrip(s, 20), await addTrip(s, 20), await addTrip(s, 20)];
    const tokens = await addTravellers(s, 'gc-many', 40);
    const { blockers, results, blockedTrip } = await withQueueHeld(40, () => tokens.map((t, i) => order(t, trips[(i * 7) % 3])));

    expect(blockers.every((r) => r.data?.createOrder?.status === 'PENDING')).toBe(true);
    expect(results.filter((r) => r.errors)).toEqual([]);
    const ids = results.map((r) => Number(r.data.createOrder.id));
    expect(new Set(ids).size).toBe(40);
    const perTrip = [0, 1, 2].map((k) => tokens.filter((_t, i) => (i * 7) % 3 === k).length);
    for (const [k, trip] of trips.entries()) expect(await tripCounters(s, trip)).toEqual({ capacity: 20, sold: 0, locked: perTrip[k] });
    expect(await tripCounters(s, blockedTrip)).toEqual({ capacity: 10, sold: 0, locked: 4 });

    // The 40 went in at most ceil(40 / 32) + a few transactions, not 40: rows of one transaction share xmin.
    const groups = await s.app.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM orders WHERE id = ANY($1::int[]) GROUP BY xmin::text ORDER BY n DESC`, [ids],
    );
    expect(groups.length).toBeLessThan(40);
    expect(groups[0].n).toBeGreaterThan(1);
    // Each order's own rows are all there: one line, one passenger, one history row.
    const [rows] = await s.app.db.query<{ lines: number; passengers: number; history: number }>(
      `SELECT (SELECT count(*)::int FROM order_item WHERE order_id = ANY($1::int[])) AS lines,
              (SELECT count(*)::int FROM order_passenger WHERE order_id = ANY($1::int[])) AS passengers,
              (SELECT count(*)::int FROM state_transition WHERE entity_type = 'order' AND entity_id = ANY($1::int[])) AS history`,
      [ids],
    );
    expect(rows).toEqual({ lines: 40, passengers: 40, history: 40 });
  }, 60_000);

  it('a group with a failing order and a repeated idempotency key rolls back, and each order then gets its own answer', async () => {
    await s.app.db.query(`CREATE OR REPLACE FUNCTION test_refuse_passenger() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.name = 'REFUSE-ME' THEN RAISE EXCEPTION 'refused by test trigger'; END IF; RETURN NEW; END $$`);
    await s.app.db.query(`CREATE TRIGGER test_refuse_passenger BEFORE INSERT ON order_passenger FOR EACH ROW EXECUTE FUNCTION test_refuse_passenger()`);
    try {
      const trip = await addTrip(s, 30);
      const tokens = await addTravellers(s, 'gc-mixed', 10);
      const { results } = await withQueueHeld(13, () => [
        ...tokens.map((t) => order(t, trip)),
        // The traveller's checkout sent twice (a double tap): one order.
        order(tokens[0], trip, { idempotencyKey: 'gc-double-tap' }),
        order(tokens[0], trip, { idempotencyKey: 'gc-double-tap' }),
        // A passenger row the database refuses: only this order fails.
        order(tokens[1], trip, { passengers: [{ name: 'REFUSE-ME', type: 'ADULT' }] }),
      ]);

      const plain = results.slice(0, 10);
      expect(plain.filter((r) => r.errors)).toEqual([]);
      const [tapA, tapB, refused] = results.slice(10);
      expect(tapA.errors).toBeUndefined();
      expect(tapB.errors).toBeUndefined();
      expect(tapB.data.createOrder.id).toBe(tapA.data.createOrder.id);
      expect(refused.errors?.[0]?.extensions?.code).toBeDefined();
      expect(refused.data?.createOrder ?? null).toBeNull();
      // 10 plain + 1 double-tapped order hold seats; the refused one took nothing.
      expect(await tripCounters(s, trip)).toEqual({ capacity: 30, sold: 0, locked: 11 });
      const [{ n }] = await s.app.db.query<{ n: number }>(
        `SELECT count(DISTINCT o.id)::int AS n FROM orders o JOIN order_item oi ON oi.order_id = o.id WHERE oi.trip_id = $1`, [trip],
      );
      expect(n).toBe(11);
    } finally {
      await s.app.db.query('DROP TRIGGER test_refuse_passenger ON order_passenger');
      await s.app.db.query('DROP FUNCTION test_refuse_passenger()');
    }
  }, 60_000);
});
