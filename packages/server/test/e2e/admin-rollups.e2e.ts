import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { fullScanFigures, rollupFigures } from '../../src/modules/admin/metrics/dashboard-figures.js';
import { foldDashboardRollups } from '../../src/modules/admin/metrics/rollup-fold.js';
import { hkDate, startTwoInstances, type InstancePair, type TestServer } from '../support/harness.js';
import { addTrip } from '../support/fixtures.js';
import { buyPaid, qrOf, scanAndRedeem, staffLogin } from '../support/redemption-fixtures.js';

const ROLLUP_TABLES = ['rollup_order_day', 'rollup_conversion_day', 'rollup_sales_day', 'rollup_sales_product_day', 'rollup_ticket_day', 'rollup_refund_day', 'rollup_redemption_day'];

/**
 * Issue 14: the dashboard's figures come from rollups folded from append-only facts by transaction
 * id. They must equal a full recount after a mix of everything, whichever instance folds, however
 * often, with transactions still open during a fold, and from a backfill.
 */
describe('dashboard rollups', () => {
  let pair: InstancePair;
  let a: TestServer;
  let b: TestServer;
  let admin: string;
  // A range wide enough for everything the test does (the clock moves a little).
  const from = hkDate(-3);
  const to = hkDate(3);

  beforeAll(async () => {
    pair = await startTwoInstances();
    ({ a, b } = pair);
    admin = (await a.gql(`mutation { adminLogin(username: "admin", password: "admin12345") { token } }`, {}, null)).data.adminLogin.token;
  });
  afterAll(async () => {
    await pair?.close();
  });

  const recount = () => fullScanFigures(a.app.db, from, to);
  const rolled = () => rollupFigures(a.app.db, from, to);
  const snapshot = async () => {
    const out: Record<string, unknown[]> = {};
    for (const t of ROLLUP_TABLES) out[t] = await a.app.db.query(`SELECT * FROM ${t} ORDER BY 1, 2`);
    return out;
  };

  let txn = 0;
  const notify = (s: TestServer, orderId: number, amount: number) =>
    s.rest('POST', '/payments/notify', { order_id: orderId, gateway_txn_id: `RU-${Date.now()}-${++txn}`, status: 'SUCCESS', amount }, null);
  /** Requests a refund and lets the outbox of both instances deliver it (the mock gateway answers at once). */
  const refund = async (s: TestServer, orderId: number, codes?: string[]) => {
    const r = await s.gql(`mutation($o: ID!, $c: [String!]) { requestRefund(orderId: $o, ticketCodes: $c) { status } }`, { o: String(orderId), c: codes });
    await a.app.outbox.drain();
    await b.app.outbox.drain();
    return r;
  };

  /** A mix through the API on both instances: paid, refunded (part and whole), cancelled, expired, paid late, redeemed. */
  async function activity(): Promise<void> {
    const staff = await staffLogin(a, 'turbojet-staff', 'TURBOJET-T1');
    for (let round = 0; round < 3; round++) {
      // Passes, bought on both instances; one redeemed at the ferry gate.
      const p1 = await buyPaid(a, { qty: 2 });
      await buyPaid(b, { qty: 1 });
      await scanAndRedeem(a, staff, await qrOf(a, p1.tickets[0].ticket_code));
      // Ferry tickets far ahead (free refund): one refunded in part, one whole (order CANCELLED, REFUNDED).
      for (const [s, whole] of [[a, false], [b, true]] as const) {
        const trip = await addTrip(s, 20, 72);
        const o = (await s.rest('POST', '/orders', { items: [{ product_id: 1, trip_id: trip, qty: 2 }] })).body;
        const paid = await notify(s, o.order_id, o.total_amount);
        expect(paid.status).toBe(200);
        const codes = paid.body.tickets_issued.map((t: any) => t.ticket_code) as string[];
        expect((await refund(s, o.order_id, whole ? undefined : [codes[0]])).errors).toBeUndefined();
      }
      // Cancelled by the traveller.
      const c = (await b.rest('POST', '/orders', { items: [{ product_id: 101, qty: 1 }] })).body;
      expect((await b.gql(`mutation($id: ID!) { cancelOrder(orderId: $id) { status } }`, { id: String(c.order_id) })).data.cancelOrder.status).toBe('CANCELLED');
      // Expired, then paid late (the pass is not sold out): CANCELLED → PAID; then refunded whole: PAID → CANCELLED.
      const e = (await a.rest('POST', '/orders', { items: [{ product_id: 101, qty: 1 }] })).body;
      a.clock.advance(11 * 60_000);
      expect(await a.app.scheduler.runNow('order-lock-expiry')).toBe(true);
      if (round === 0) {
        expect((await notify(a, e.order_id, e.total_amount)).status).toBe(200);
        expect((await refund(a, e.order_id)).errors).toBeUndefined();
      }
      // Left PENDING.
      await a.rest('POST', '/orders', { items: [{ product_id: 101, qty: 1 }] });
    }
  }

  it('equal a full recount after a mix of everything, with both instances folding all along', async () => {
    // Folds from both instances, back to back, while the activity runs.
    let running = true;
    const folds = { a: 0, b: 0, rows: 0 };
    const folder = async (s: TestServer, key: 'a' | 'b') => {
      while (running) {
        const r = await foldDashboardRollups(s.app.db);
        if (r.folded) folds[key]++;
        folds.rows += r.rows;
        await new Promise((res) => setTimeout(res, 5));
      }
    };
    const loops = [folder(a, 'a'), folder(b, 'b')];
    try {
      await activity();
    } finally {
      running = false;
      await Promise.all(loops);
    }
    expect(folds.a).toBeGreaterThan(1);
    expect(folds.b).toBeGreaterThan(1);
    await foldDashboardRollups(b.app.db);
    const full = await recount();
    expect(await rolled()).toEqual(full);
    // The mix really happened.
    const status = Object.fromEntries(full.ordersByStatus.map((x) => [x.key, x.count]));
    expect(status).toMatchObject({ PAID: expect.any(Number), CANCELLED: expect.any(Number), PENDING: expect.any(Number) });
    expect(full.refundsByDay.reduce((n, r) => n + r.count, 0)).toBeGreaterThanOrEqual(7);
    expect(full.conversion.expired).toBeGreaterThanOrEqual(2);
    expect(full.redemptionsByMerchant.reduce((n, r) => n + r.count, 0)).toBe(3);
    expect(full.ticketsByStatus.map((t) => t.key)).toEqual(expect.arrayContaining(['ACTIVE', 'REFUNDED']));
  });

  it('adminMetrics answers from the rollups, folded on demand, over HTTP on either instance', async () => {
    // Something new, not folded yet: the query folds it before answering.
    const o = await buyPaid(b, { qty: 3 });
    const q = `query($f: String, $t: String) { adminMetrics(fromDate: $f, toDate: $t) {
      ordersByStatus { key count } ticketsByStatus { key count } salesByDay { date orders amount } refundsByDay { date count amount }
      salesByProduct { productId name orders amount } redemptionsByMerchant { merchantId name count }
      conversion { created paid expired cancelled rate } outbox { pending dead } notifications { key count }
      salesWindows { days from to orders amount byProduct { productId orders amount } }
      productSalesSeries { date productId orders amount } redemptionsByMerchantDay { date merchantId count }
      notificationBacklog { pending sending failed unconfirmed dead oldestPendingSeconds failures { id status } }
      reconciliationDifferences reconciliationDifferencesByKind { key count } rollups { foldedAt lagSeconds backfilled folds } } }`;
    const res = await a.gql(q, { f: from, t: to }, admin);
    expect(res.errors).toBeUndefined();
    const m = res.data.adminMetrics;
    const full = await recount();
    const ids = (rows: any[], key: string) => rows.map((r) => ({ ...r, [key]: Number(r[key]) }));
    expect({
      ordersByStatus: m.ordersByStatus, ticketsByStatus: m.ticketsByStatus, salesByDay: m.salesByDay, refundsByDay: m.refundsByDay,
      salesByProduct: ids(m.salesByProduct, 'productId'), redemptionsByMerchant: ids(m.redemptionsByMerchant, 'merchantId'), conversion: m.conversion,
    }).toEqual(full);
    expect(m.salesByProduct.find((p: any) => Number(p.productId) === 101).orders).toBeGreaterThan(0);
    expect(m.rollups).toMatchObject({ backfilled: true });
    expect(m.rollups.lagSeconds).toBeLessThanOrEqual(5);
    // Windows end on `to`: today's window holds today's sales, 30 days hold all of them.
    const [today, week, month] = m.salesWindows;
    expect([today.days, week.days, month.days]).toEqual([1, 7, 30]);
    expect(month.amount).toBe(full.salesByDay.filter((d) => d.date <= to).reduce((n, d) => n + d.amount, 0));
    expect(month.byProduct.map((p: any) => Number(p.productId))).toEqual(expect.arrayContaining([1, 101]));
    expect(today.days <= week.days && week.amount <= month.amount).toBe(true);
    expect(m.productSalesSeries.some((s: any) => Number(s.productId) === 101 && s.date === hkDate(0))).toBe(true);
    expect(m.redemptionsByMerchantDay.reduce((n: number, r: any) => n + r.count, 0)).toBe(3);
    expect(m.notificationBacklog).toMatchObject({ pending: expect.any(Number), dead: expect.any(Number) });
    // The other instance answers the same figures.
    const other = (await b.gql(q, { f: from, t: to }, admin)).data.adminMetrics;
    expect(other.ordersByStatus).toEqual(m.ordersByStatus);
    expect(other.salesByProduct).toEqual(m.salesByProduct);
    expect(o.tickets.length).toBeGreaterThanOrEqual(3);
  });

  it('a fold never takes the rows of a transaction still open, and takes them once it commits', async () => {
    await foldDashboardRollups(a.app.db);
    const before = await rolled();
    // An open transaction with an older transaction id, holding a fact it has not committed yet…
    const client = new pg.Client({ connectionString: pair.database.url });
    await client.connect();
    try {
      const pending = (await a.rest('POST', '/orders', { items: [{ product_id: 101, qty: 1 }] })).body;
      await client.query('BEGIN');
      await client.query(`UPDATE orders SET status = 'CANCELLED', cancelled_at = now(), cancel_reason = 'BY_TRAVELLER' WHERE id = $1`, [pending.order_id]);
      await client.query(`INSERT INTO state_transition (entity_type, entity_id, from_state, to_state, actor, reason, at) VALUES ('order', $1, 'PENDING', 'CANCELLED', 'test', 'BY_TRAVELLER', now())`, [pending.order_id]);
      // …while a younger one commits through the API.
      await buyPaid(b, { qty: 1 });
      const r = await foldDashboardRollups(b.app.db);
      expect(r.folded).toBe(true);
      const mid = await rolled();
      // Neither the open one nor anything after its transaction id is folded yet (the horizon waits).
      expect(mid.conversion.created).toBe(before.conversion.created + 1);
      expect(mid.conversion.paid).toBe(before.conversion.paid);
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
    await foldDashboardRollups(a.app.db);
    expect(await rolled()).toEqual(await recount());
  });

  it('is idempotent: folding again changes nothing', async () => {
    await foldDashboardRollups(a.app.db);
    const once = await snapshot();
    const again = await Promise.all([foldDashboardRollups(a.app.db), foldDashboardRollups(b.app.db), foldDashboardRollups(a.app.db)]);
    expect(again.map((r) => r.rows)).toEqual([0, 0, 0]);
    // The scheduler's job (every 5 s in production) is the same fold.
    expect(await b.app.scheduler.runNow('dashboard-rollups.fold')).toBe(true);
    expect(await snapshot()).toEqual(once);
  });

  it('a backfill over an existing database (older rows from before the rollups) equals a full scan', async () => {
    const db = a.app.db;
    // As if the migration had run half-way through this history: older rows have no transaction id.
    for (const t of ROLLUP_TABLES) await db.query(`DELETE FROM ${t}`);
    for (const t of ['state_transition', 'ticket', 'redemption']) {
      await db.query(`UPDATE ${t} SET xact_id = NULL WHERE id <= (SELECT (max(id) + min(id)) / 2 FROM ${t})`);
    }
    await db.query(`UPDATE rollup_watermark SET horizon = '0', backfilled = false WHERE name = 'dashboard'`);
    const [first, second] = await Promise.all([foldDashboardRollups(a.app.db), foldDashboardRollups(b.app.db)]);
    expect([first.backfill, second.backfill].filter(Boolean)).toHaveLength(1);
    expect(await rolled()).toEqual(await recount());
  });
});
