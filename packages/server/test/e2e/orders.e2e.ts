import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { hkDate, startTestServer, type TestServer } from '../support/harness.js';
import { addTravellers, addTrip, CREATE_ORDER, tripCounters } from '../support/fixtures.js';

describe('orders that lock seats (US-010 B)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => {
    await s?.close();
  });

  const create = (input: Record<string, unknown>, token = 'user123') => s.gql(CREATE_ORDER, { input }, token);

  it('creates a PENDING order for a party, priced per type, with seats locked for 10 minutes', async () => {
    const trip = await addTrip(s, 50);
    const before = s.clock.now().getTime();
    const res = await create({
      items: [{ productId: '1', tripId: String(trip) }],
      passengers: [
        { name: '张三', type: 'ADULT', phone: '13812345678' },
        { name: '李四', type: 'ADULT' },
        { name: '张小明', type: 'CHILD' },
      ],
    });
    expect(res.errors).toBeUndefined();
    const o = res.data.createOrder;
    expect(o.status).toBe('PENDING');
    expect(o.orderNo).toMatch(/^DT\d{16}$/);
    expect(o.totalAmount).toBe(2 * 26000 + 19500);
    expect(o.lines).toEqual([
      expect.objectContaining({ passengerType: 'ADULT', qty: 2, unitPrice: 26000, discount: 0, subtotal: 52000, tripId: String(trip) }),
      expect.objectContaining({ passengerType: 'CHILD', qty: 1, unitPrice: 19500, discount: 0, subtotal: 19500 }),
    ]);
    expect(o.passengers[0]).toEqual({ name: '张三', passengerType: 'ADULT', phoneMasked: '138****5678' });
    const lockMs = new Date(o.lockExpireAt).getTime() - before;
    expect(lockMs).toBeGreaterThan(9.9 * 60_000);
    expect(lockMs).toBeLessThan(10.1 * 60_000);
    expect(await tripCounters(s, trip)).toEqual({ capacity: 50, sold: 0, locked: 3 });
    // The snapshot keeps the price and rules as sold.
    const [row] = await s.app.db.query<{ snapshot: any }>('SELECT snapshot FROM orders WHERE id = $1', [Number(o.id)]);
    expect(row.snapshot.items[0].refundRule.tiers[0]).toEqual({ minHoursBefore: 48, feePercent: 0 });
    expect(row.snapshot.items[0].entitlements[0]).toMatchObject({ merchantName: '蛇口邮轮', scope: 'PER_PASSENGER' });
  });

  it('keeps the snapshot when an admin changes the price afterwards', async () => {
    const trip = await addTrip(s, 10, 72, 3);
    const res = await create({ items: [{ productId: '3', tripId: String(trip), qty: 1 }] });
    const id = res.data.createOrder.id;
    await s.app.services.catalogAdmin.replaceFareTiers(s.systemContext(), 3, [{ passengerType: 'ADULT', minQty: 1, maxQty: null, unitPrice: 99900 }]);
    const again = await s.gql(`query($id: ID!) { order(id: $id) { totalAmount lines { unitPrice } } }`, { id });
    expect(again.data.order).toEqual({ totalAmount: 17500, lines: [{ unitPrice: 17500 }] });
    const next = await create({ items: [{ productId: '3', tripId: String(trip), qty: 1 }] });
    expect(next.data.createOrder.totalAmount).toBe(99900);
  });

  it('refuses bad input with coded errors', async () => {
    const trip = await addTrip(s, 5);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ items: [{ productId: '999' }] }, 'PRODUCT_NOT_FOUND'],
      [{ items: [{ productId: '1' }] }, 'BAD_USER_INPUT'],
      [{ items: [{ productId: '1', tripId: '99999999' }] }, 'TRIP_NOT_FOUND'],
      [{ items: [{ productId: '101', qty: 0 }] }, 'BAD_USER_INPUT'],
      [{ items: [{ productId: '101', qty: -2 }] }, 'BAD_USER_INPUT'],
      [{ items: [{ productId: '101', qty: 10 }] }, 'TOO_MANY_PASSENGERS'],
      [{ items: [{ productId: '102', travelDate: hkDate(20) }] }, 'BLACKOUT_DATE'],
      [{ items: [{ productId: '101', travelDate: hkDate(-1) }] }, 'DATE_IN_PAST'],
      [{ items: [{ productId: '1', tripId: String(trip), qty: 6 }] }, 'SOLD_OUT'],
      [{ items: [{ productId: '101' }], promotionCode: 'NOPE' }, 'PROMOTION_INVALID'],
      [{ items: [] }, 'BAD_USER_INPUT'],
    ];
    for (const [input, code] of cases) {
      const res = await create(input);
      expect({ input, code: res.errors?.[0]?.extensions?.code }).toEqual({ input, code });
      expect(res.status).toBeLessThan(500);
    }
    const soldOut = await create({ items: [{ productId: '1', tripId: String(trip), qty: 6 }] });
    expect(soldOut.errors?.[0].extensions).toMatchObject({ code: 'SOLD_OUT', left: 5 });
    const departed = await addTrip(s, 5, -1);
    expect((await create({ items: [{ productId: '1', tripId: String(departed), qty: 1 }] })).errors?.[0].extensions.code).toBe('TRIP_DEPARTED');
    expect((await create({ items: [{ productId: '101' }] }, null as unknown as string)).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('REST: POST /orders and GET /orders/:id in the PRODUCT.md shape, owner only', async () => {
    const res = await s.rest('POST', '/orders', { items: [{ product_id: 101, qty: 1 }] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'PENDING',
      items: [{ product_id: 101, product_name: '3-in-1 Transport Pass', qty: 1, unit_price: 4200, subtotal: 4200 }],
      total_amount: 4200,
    });
    expect(typeof res.body.order_id).toBe('number');
    expect(res.body.out_trade_no).toMatch(/^DT/);
    expect(new Date(res.body.lock_expire_at).getTime()).toBeGreaterThan(Date.now());
    const two = await s.rest('POST', '/orders', { items: [{ product_id: 101, qty: 2 }, { product_id: 102, qty: 1 }] });
    expect(two.body.items).toHaveLength(2);
    expect(two.body.total_amount).toBe(2 * 4200 + 6800);

    expect((await s.rest('GET', `/orders/${res.body.order_id}`)).body.order_id).toBe(res.body.order_id);
    expect((await s.rest('GET', `/orders/${res.body.order_id}`, undefined, 'user456')).status).toBe(404);
    expect((await s.rest('GET', `/orders/${res.body.order_id}`, undefined, null)).status).toBe(401);
    expect((await s.rest('POST', '/orders', { items: [{ product_id: 101, qty: 1 }] }, null)).status).toBe(401);
    for (const bad of [{}, { items: [] }, { items: [{ product_id: 'x' }] }, { items: [{ product_id: 101, qty: 0 }] }, '[1,2']) {
      const r = await s.rest('POST', '/orders', bad);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('BAD_USER_INPUT');
    }
    expect((await s.rest('POST', '/orders', { items: [{ product_id: 424242, qty: 1 }] })).status).toBe(404);
  });

  it('cancelOrder releases the seats at once; cancelling twice is harmless; others cannot', async () => {
    const trip = await addTrip(s, 4);
    const o = (await create({ items: [{ productId: '1', tripId: String(trip), qty: 4 }] })).data.createOrder;
    expect((await create({ items: [{ productId: '1', tripId: String(trip), qty: 1 }] })).errors?.[0].extensions.code).toBe('SOLD_OUT');
    const other = await s.gql(`mutation($id: ID!) { cancelOrder(orderId: $id) { status } }`, { id: o.id }, 'user456');
    expect(other.errors?.[0].extensions.code).toBe('ORDER_NOT_FOUND');
    const cancel = await s.gql(`mutation($id: ID!) { cancelOrder(orderId: $id) { status cancelReason } }`, { id: o.id });
    expect(cancel.data.cancelOrder).toEqual({ status: 'CANCELLED', cancelReason: 'BY_TRAVELLER' });
    expect((await s.gql(`mutation($id: ID!) { cancelOrder(orderId: $id) { status } }`, { id: o.id })).data.cancelOrder.status).toBe('CANCELLED');
    expect(await tripCounters(s, trip)).toEqual({ capacity: 4, sold: 0, locked: 0 });
    expect((await create({ items: [{ productId: '1', tripId: String(trip), qty: 4 }] })).data.createOrder.status).toBe('PENDING');
  });

  it('frees the seats of an expired lock for the next traveller, before and by the expiry job', async () => {
    const trip = await addTrip(s, 2);
    const first = (await create({ items: [{ productId: '1', tripId: String(trip), qty: 2 }] })).data.createOrder;
    expect((await create({ items: [{ productId: '1', tripId: String(trip), qty: 1 }] }, 'user456')).errors?.[0].extensions.code).toBe('SOLD_OUT');
    s.clock.advance(10 * 60_000 + 1000);
    // The job has not run yet: the search already shows the seats, and the next traveller gets them.
    const second = await create({ items: [{ productId: '1', tripId: String(trip), qty: 2 }] }, 'user456');
    expect(second.errors).toBeUndefined();
    const firstNow = await s.gql(`query($id: ID!) { order(id: $id) { status cancelReason } }`, { id: first.id });
    expect(firstNow.data.order).toEqual({ status: 'CANCELLED', cancelReason: 'EXPIRED' });
    expect(await tripCounters(s, trip)).toEqual({ capacity: 2, sold: 0, locked: 2 });

    // And the job cancels the second once its own lock expires.
    s.clock.advance(10 * 60_000 + 1000);
    expect(await s.app.scheduler.runNow('order-lock-expiry')).toBe(true);
    expect(await tripCounters(s, trip)).toEqual({ capacity: 2, sold: 0, locked: 0 });
    const mine = await s.gql(`{ myOrders(limit: 50) { id status cancelReason } }`, {}, 'user456');
    expect(mine.data.myOrders.find((o: any) => o.id === second.data.createOrder.id)).toMatchObject({ status: 'CANCELLED', cancelReason: 'EXPIRED' });
    const [{ n }] = await s.app.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbox_event WHERE topic = 'order.cancelled' AND (payload->>'orderId')::int = $1`,
      [Number(second.data.createOrder.id)],
    );
    expect(n).toBe(1);
  });

  it('never oversells: 2,000 concurrent orders on 100 seats → exactly 100 locked, the rest SOLD_OUT, no 5xx', async () => {
    const trip = await addTrip(s, 100);
    const tokens = await addTravellers(s, 'burst', 2000);
    const results = await Promise.all(
      tokens.map((t) => create({ items: [{ productId: '1', tripId: String(trip), qty: 1 }] }, t)),
    );
    expect(results.filter((r) => r.status >= 500)).toHaveLength(0);
    const ok = results.filter((r) => r.data?.createOrder?.status === 'PENDING');
    const codes = results.filter((r) => r.errors).map((r) => r.errors![0].extensions.code);
    expect(ok).toHaveLength(100);
    expect(codes.length).toBe(1900);
    expect(new Set(codes)).toEqual(new Set(['SOLD_OUT']));
    expect(await tripCounters(s, trip)).toEqual({ capacity: 100, sold: 0, locked: 100 });
    const [{ n }] = await s.app.db.query<{ n: number }>(
      `SELECT COALESCE(SUM(oi.qty), 0)::int AS n FROM order_item oi JOIN orders o ON o.id = oi.order_id WHERE oi.trip_id = $1 AND o.status = 'PENDING'`,
      [trip],
    );
    expect(n).toBe(100);
  }, 120_000);

  it('the same idempotency key sent 20 times at once makes one order', async () => {
    const trip = await addTrip(s, 30);
    const input = { items: [{ productId: '1', tripId: String(trip), qty: 1 }], idempotencyKey: 'checkout-abc-1' };
    const results = await Promise.all(Array.from({ length: 20 }, () => create(input)));
    const ids = new Set(results.map((r) => r.data?.createOrder?.id));
    expect(results.every((r) => !r.errors)).toBe(true);
    expect(ids.size).toBe(1);
    expect(await tripCounters(s, trip)).toEqual({ capacity: 30, sold: 0, locked: 1 });
    // REST honours the Idempotency-Key header the same way.
    const a = await s.rest('POST', '/orders', { items: [{ product_id: 101, qty: 1 }] }, 'user123', { 'idempotency-key': 'rest-key-1' });
    const b = await s.rest('POST', '/orders', { items: [{ product_id: 101, qty: 1 }] }, 'user123', { 'idempotency-key': 'rest-key-1' });
    expect(b.body.order_id).toBe(a.body.order_id);
  });

  it('an order that fails part-way (a passenger row refused by the database) takes no seat and leaves no row', async () => {
    // The one-trip order is a single autocommit statement (seats, order, lines, passengers): prove
    // that a failure in its last part undoes the seat UPDATE that ran first.
    await s.app.db.query(`CREATE OR REPLACE FUNCTION test_refuse_passenger() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.name = 'REFUSE-ME' THEN RAISE EXCEPTION 'refused by test trigger'; END IF; RETURN NEW; END $$`);
    await s.app.db.query(`CREATE TRIGGER test_refuse_passenger BEFORE INSERT ON order_passenger FOR EACH ROW EXECUTE FUNCTION test_refuse_passenger()`);
    try {
      const trip = await addTrip(s, 6);
      const res = await create({ items: [{ productId: '1', tripId: String(trip) }], passengers: [{ name: '王五', type: 'ADULT' }, { name: 'REFUSE-ME', type: 'ADULT' }] });
      expect(res.errors?.[0]).toBeDefined();
      expect(res.data?.createOrder ?? null).toBeNull();
      expect(await tripCounters(s, trip)).toEqual({ capacity: 6, sold: 0, locked: 0 });
      const [{ n }] = await s.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM order_item WHERE trip_id = $1`, [trip]);
      expect(n).toBe(0);
      // The admission counter was given back too: all 6 seats can still be ordered.
      const again = await create({ items: [{ productId: '1', tripId: String(trip), qty: 6 }] });
      expect(again.errors).toBeUndefined();
      expect(await tripCounters(s, trip)).toEqual({ capacity: 6, sold: 0, locked: 6 });
    } finally {
      await s.app.db.query('DROP TRIGGER test_refuse_passenger ON order_passenger');
      await s.app.db.query('DROP FUNCTION test_refuse_passenger()');
    }
  });

  it('an order number that is already taken is drawn again: the order is made once, with seats taken once', async () => {
    // Order numbers are random (10 digits a day). A trigger forces the next inserts onto an existing
    // number, as a real collision would: the unique constraint aborts the statement (one-trip order)
    // or the transaction (a pass), and the service draws another number.
    const trip = await addTrip(s, 10);
    const first = await create({ items: [{ productId: '1', tripId: String(trip) }] });
    const taken = first.data.createOrder.orderNo as string;
    // A sequence counts the attempts (nextval is not undone by the rollback of a failed attempt):
    // attempts up to test_collide.upto get the taken number.
    await s.app.db.query(`CREATE SEQUENCE test_collide_seq`);
    await s.app.db.query(`CREATE TABLE test_collide (upto int NOT NULL, order_no varchar NOT NULL)`);
    await s.app.db.query(`CREATE OR REPLACE FUNCTION test_collide() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE c test_collide%ROWTYPE;
      BEGIN
        SELECT * INTO c FROM test_collide;
        IF FOUND AND nextval('test_collide_seq') <= c.upto THEN NEW.order_no := c.order_no; END IF;
        RETURN NEW;
      END $$`);
    await s.app.db.query(`CREATE TRIGGER test_collide BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION test_collide()`);
    try {
      // The one-trip order (one autocommit statement) collides twice, then gets a fresh number.
      await s.app.db.query(`INSERT INTO test_collide VALUES (2, $1)`, [taken]);
      const seat = await create({ items: [{ productId: '1', tripId: String(trip), qty: 2 }] });
      expect(seat.errors).toBeUndefined();
      expect(seat.data.createOrder.orderNo).toMatch(/^DT\d{16}$/);
      expect(seat.data.createOrder.orderNo).not.toBe(taken);
      expect(await tripCounters(s, trip)).toEqual({ capacity: 10, sold: 0, locked: 3 });
      const [{ attempts }] = await s.app.db.query<{ attempts: number }>(`SELECT last_value::int AS attempts FROM test_collide_seq`);
      expect(attempts).toBe(3);

      // A pass (the transaction path) collides once.
      await s.app.db.query(`UPDATE test_collide SET upto = 4`);
      const pass = await s.rest('POST', '/orders', { items: [{ product_id: 101, qty: 1, travel_date: hkDate(8) }] });
      expect(pass.status).toBe(200);
      expect(pass.body.out_trade_no).toMatch(/^DT\d{16}$/);
      expect(pass.body.out_trade_no).not.toBe(taken);
      const [{ n }] = await s.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM orders WHERE order_no = $1`, [taken]);
      expect(n).toBe(1);
    } finally {
      await s.app.db.query('DROP TRIGGER test_collide ON orders');
      await s.app.db.query('DROP FUNCTION test_collide()');
      await s.app.db.query('DROP TABLE test_collide');
      await s.app.db.query('DROP SEQUENCE test_collide_seq');
    }
  });

  it('a promotion with a usage cap of 5 is used exactly 5 times under 50 concurrent orders', async () => {
    const now = s.clock.now();
    await s.app.db.query(
      `INSERT INTO promotion (code, name, kind, value, starts_at, ends_at, product_ids, usage_cap) VALUES ('FERRY10', '船票九折', 'PERCENT', 10, $1, $2, '[1]', 5)`,
      [new Date(now.getTime() - 3600_000), new Date(now.getTime() + 86_400_000)],
    );
    const trip = await addTrip(s, 200);
    const tokens = await addTravellers(s, 'promo', 50);
    const results = await Promise.all(tokens.map((t) => create({ items: [{ productId: '1', tripId: String(trip), qty: 1 }], promotionCode: 'ferry10' }, t)));
    const ok = results.filter((r) => r.data?.createOrder);
    expect(ok).toHaveLength(5);
    expect(ok[0].data.createOrder).toMatchObject({ totalAmount: 26000 - 2600, discountAmount: 2600, promotionCode: 'FERRY10' });
    expect(ok[0].data.createOrder.lines[0]).toMatchObject({ unitPrice: 26000, discount: 2600, subtotal: 23400 });
    expect(new Set(results.filter((r) => r.errors).map((r) => r.errors![0].extensions.code))).toEqual(new Set(['PROMOTION_EXHAUSTED']));
    const [{ used }] = await s.app.db.query<{ used: number }>(`SELECT used_count AS used FROM promotion WHERE code = 'FERRY10'`);
    expect(used).toBe(5);
    expect(await tripCounters(s, trip)).toEqual({ capacity: 200, sold: 0, locked: 5 });
  }, 60_000);

  it('GET /products/:id shows what is available now', async () => {
    const before = (await s.rest('GET', `/products/101?date=${hkDate(7)}`)).body.available;
    await s.rest('POST', '/orders', { items: [{ product_id: 101, qty: 3, travel_date: hkDate(7) }] });
    expect((await s.rest('GET', `/products/101?date=${hkDate(7)}`)).body.available).toBe(before - 3);
  });
});

describe('an order never hangs on a locked trip row (DATABASE_LOCK_TIMEOUT_MS)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ env: { DATABASE_LOCK_TIMEOUT_MS: '300' } });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('answers BUSY_RETRY when the trip row stays locked past the timeout, takes nothing, and sells once the lock is gone', async () => {
    const trip = await addTrip(s, 5);
    const holder = new pg.Client({ connectionString: s.config.DATABASE_URL });
    await holder.connect();
    try {
      // Another transaction (say an admin edit) holds the trip row.
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM trip WHERE id = $1 FOR UPDATE', [trip]);
      const started = Date.now();
      const res = await s.gql(CREATE_ORDER, { input: { items: [{ productId: '1', tripId: String(trip), qty: 2 }] } }, 'user123');
      expect(res.errors?.[0]?.extensions?.code).toBe('BUSY_RETRY');
      expect(Date.now() - started).toBeLessThan(5000);
      await holder.query('COMMIT');
      expect(await tripCounters(s, trip)).toEqual({ capacity: 5, sold: 0, locked: 0 });
      // Its admission was given back: all 5 seats can be ordered now.
      const ok = await s.gql(CREATE_ORDER, { input: { items: [{ productId: '1', tripId: String(trip), qty: 5 }] } }, 'user123');
      expect(ok.errors).toBeUndefined();
      expect(await tripCounters(s, trip)).toEqual({ capacity: 5, sold: 0, locked: 5 });
    } finally {
      await holder.end();
    }
  });
});
