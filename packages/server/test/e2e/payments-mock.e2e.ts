import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseQrToken, verifyQrSignature } from '@deeptravel/shared';
import { startTestServer, type TestServer } from '../support/harness.js';
import { addTrip, tripCounters } from '../support/fixtures.js';

/** US-004 runbook (seeds/003): payment notify and ticket issuance over the REST shim, mock gateway. */
describe('US-004 payment notify and ticket issuance (mock gateway)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => {
    await s?.close();
  });

  let txn = 0;
  const nextTxn = () => `T-${Date.now()}-${++txn}`;
  const order = async (items: unknown[] = [{ product_id: 101, qty: 1 }], token = 'user123') => {
    const r = await s.rest('POST', '/orders', { items }, token);
    expect(r.status).toBe(200);
    return r.body;
  };
  const notify = (body: Record<string, unknown>, headers: Record<string, string> = {}) => s.rest('POST', '/payments/notify', body, null, headers);
  const soldOf = async (productId: number, date: string) =>
    (await s.app.db.query<{ sold: number; locked: number }>('SELECT sold, locked FROM daily_inventory WHERE product_id = $1 AND travel_date = $2::date', [productId, date]))[0];
  const ticketCount = async (orderId: number) => (await s.app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ticket WHERE order_id = $1', [orderId]))[0].n;

  it('TC-PAY-001/002, TC-ORDER-101: a PENDING order with its items and amounts', async () => {
    const o = await order([{ product_id: 101, qty: 2 }, { product_id: 102, qty: 1 }]);
    expect(o).toMatchObject({ status: 'PENDING', total_amount: 2 * 4200 + 6800 });
    expect(o.out_trade_no).toBeTruthy();
    expect(o.items.map((i: any) => [i.product_id, i.qty, i.unit_price, i.subtotal])).toEqual([[101, 2, 4200, 8400], [102, 1, 6800, 6800]]);
  });

  it('TC-PAY-003/007/008, TC-PAY-101/102/103/104: SUCCESS → PAID, tickets issued and visible at once, stock taken once', async () => {
    const o = await order();
    const txnId = nextTxn();
    const r = await notify({ order_id: o.order_id, gateway_txn_id: txnId, status: 'SUCCESS', amount: o.total_amount });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'processed', order_id: o.order_id, order_status: 'PAID' });
    // 1 passenger: one ticket with the three per-passenger lines, plus one for the shared entitlement.
    expect(r.body.tickets_issued).toHaveLength(2);
    expect(r.body.tickets_issued[0]).toMatchObject({ product_id: 101, product_name: '3-in-1 Transport Pass', shared: false });
    expect(r.body.tickets_issued[0].ticket_code).toMatch(/^TKT-[A-Z2-9]{10}$/);
    expect(r.body.tickets_issued[1].shared).toBe(true);

    const mine = await s.rest('GET', '/my/tickets');
    const issued = mine.body.tickets.filter((t: any) => t.order_id === o.order_id);
    expect(issued).toHaveLength(2);
    const main = issued.find((t: any) => !t.shared);
    expect(main).toMatchObject({ status: 'ACTIVE', product_id: 101, order_id: o.order_id });
    expect(main.entitlements.map((e: any) => [e.merchant_name, e.uses_left])).toEqual([
      ['喷射飞航 TurboJET', 1], ['城巴 Citybus', 1], ['昂坪360', 1],
    ]);
    // The QR is a signed token (never the bare code) that verifies with the server's public key.
    expect(main.qr_payload).not.toContain(main.ticket_code);
    const parsed = parseQrToken(main.qr_payload)!;
    expect(parsed.claims.ref).toBe(main.ticket_code);
    expect(verifyQrSignature(parsed, s.app.qr.publicKeys())).toBeNull();

    const stock = await soldOf(101, o.items[0].travel_date);
    expect(stock).toMatchObject({ sold: 1 });
    const detail = await s.rest('GET', `/orders/${o.order_id}`);
    expect(detail.body.status).toBe('PAID');
  });

  it('TC-PAY-005/202: the same notify again → 200, same body, no new tickets, stock not taken twice', async () => {
    const o = await order();
    const body = { order_id: o.order_id, gateway_txn_id: nextTxn(), status: 'SUCCESS', amount: o.total_amount };
    const first = await notify(body);
    const date = o.items[0].travel_date;
    const stockAfterFirst = await soldOf(101, date);
    const again = await notify(body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await ticketCount(o.order_id)).toBe(2);
    expect(await soldOf(101, date)).toEqual(stockAfterFirst);
  });

  it('TC-PAY-004/201: FAILED keeps the order PENDING with no tickets; it can still be paid', async () => {
    const o = await order();
    const r = await notify({ order_id: o.order_id, gateway_txn_id: nextTxn(), status: 'FAILED', amount: o.total_amount });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'failed', order_id: o.order_id, order_status: 'PENDING' });
    expect(r.body.error).toBeTruthy();
    expect(await ticketCount(o.order_id)).toBe(0);
    const paid = await notify({ order_id: o.order_id, gateway_txn_id: nextTxn(), status: 'SUCCESS', amount: o.total_amount });
    expect(paid.body.order_status).toBe('PAID');
  });

  it('TC-PAY-006/203: an unknown order → 404, recorded', async () => {
    const r = await notify({ order_id: 987654321, gateway_txn_id: nextTxn(), status: 'SUCCESS', amount: 100 });
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('ORDER_NOT_FOUND');
    const [a] = await s.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM payment_anomaly WHERE kind = 'UNKNOWN_ORDER'`);
    expect(a.n).toBeGreaterThan(0);
  });

  it('TC-PAY-204: a txn id reused for another order or another amount → 409 flagged; a wrong amount → 409, order unchanged', async () => {
    const a = await order();
    const b = await order();
    const txnId = nextTxn();
    expect((await notify({ order_id: a.order_id, gateway_txn_id: txnId, status: 'SUCCESS', amount: a.total_amount })).status).toBe(200);
    const reuse = await notify({ order_id: b.order_id, gateway_txn_id: txnId, status: 'SUCCESS', amount: b.total_amount });
    expect(reuse.status).toBe(409);
    expect(reuse.body.error).toMatchObject({ code: 'PAYMENT_CONFLICT', flagged: true });
    const otherAmount = await notify({ order_id: a.order_id, gateway_txn_id: txnId, status: 'SUCCESS', amount: a.total_amount + 1 });
    expect(otherAmount.status).toBe(409);

    const wrong = await notify({ order_id: b.order_id, gateway_txn_id: nextTxn(), status: 'SUCCESS', amount: b.total_amount - 1 });
    expect(wrong.status).toBe(409);
    expect(wrong.body.error.code).toBe('AMOUNT_MISMATCH');
    expect((await s.rest('GET', `/orders/${b.order_id}`)).body.status).toBe('PENDING');
    expect(await ticketCount(b.order_id)).toBe(0);
  });

  it('a second, different txn for an order already paid → 409, flagged as a double payment to refund', async () => {
    const o = await order();
    await notify({ order_id: o.order_id, gateway_txn_id: nextTxn(), status: 'SUCCESS', amount: o.total_amount });
    const second = nextTxn();
    const r = await notify({ order_id: o.order_id, gateway_txn_id: second, status: 'SUCCESS', amount: o.total_amount });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('DOUBLE_PAYMENT');
    // The second payment is refunded automatically (outbox → refund → gateway).
    await s.app.outbox.drain();
    const [p] = await s.app.db.query<{ status: string; refundStatus: string }>(
      `SELECT status, refund_status AS "refundStatus" FROM payment WHERE gateway_txn_id = $1`, [second],
    );
    expect(p).toEqual({ status: 'DOUBLE_PAYMENT', refundStatus: 'REFUNDED' });
    const [refundRow] = await s.app.db.query<{ kind: string; status: string; amount: number }>(
      `SELECT kind, status, amount FROM refund WHERE payment_id = (SELECT id FROM payment WHERE gateway_txn_id = $1)`, [second],
    );
    expect(refundRow).toEqual({ kind: 'DOUBLE_PAYMENT', status: 'SUCCEEDED', amount: o.total_amount });
    expect(await ticketCount(o.order_id)).toBe(2);
  });

  it('TC-PAY-009/301: a failure during issuance rolls everything back; the retry succeeds', async () => {
    const trip = await addTrip(s, 10);
    const o = await order([{ product_id: 1, trip_id: trip, qty: 2 }]);
    const body = { order_id: o.order_id, gateway_txn_id: nextTxn(), status: 'SUCCESS', amount: o.total_amount };
    const failed = await notify(body, { 'x-test-fault': 'ticket-issuance' });
    expect(failed.status).toBe(503);
    expect(failed.body.error.code).toBe('RETRY_LATER');
    expect((await s.rest('GET', `/orders/${o.order_id}`)).body.status).toBe('PENDING');
    expect(await ticketCount(o.order_id)).toBe(0);
    expect(await tripCounters(s, trip)).toEqual({ capacity: 10, sold: 0, locked: 2 });
    const [{ n }] = await s.app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM payment WHERE gateway_txn_id = $1', [body.gateway_txn_id]);
    expect(n).toBe(0);

    const retry = await notify(body);
    expect(retry.status).toBe(200);
    expect(retry.body.tickets_issued).toHaveLength(2);
    expect(await tripCounters(s, trip)).toEqual({ capacity: 10, sold: 2, locked: 0 });
  });

  it.each([5, 50])('TC-PAY-302: %i identical notifies at once → one set of tickets, stock taken once', async (n) => {
    const trip = await addTrip(s, 20);
    const o = await order([{ product_id: 1, trip_id: trip, qty: 3 }]);
    const body = { order_id: o.order_id, gateway_txn_id: nextTxn(), status: 'SUCCESS', amount: o.total_amount };
    const results = await Promise.all(Array.from({ length: n }, () => notify(body)));
    expect(results.map((r) => r.status)).toEqual(Array(n).fill(200));
    const codes = new Set(results.map((r) => JSON.stringify(r.body.tickets_issued.map((t: any) => t.ticket_code))));
    expect(codes.size).toBe(1);
    expect(await ticketCount(o.order_id)).toBe(3);
    expect(await tripCounters(s, trip)).toEqual({ capacity: 20, sold: 3, locked: 0 });
    // The ones that waited on the order lock answer as replays, never as a reused transaction id.
    expect(results.filter((r) => r.body.status === 'processed')).toHaveLength(n);
    const [{ flagged }] = await s.app.db.query<{ flagged: number }>('SELECT count(*)::int AS flagged FROM payment_anomaly WHERE gateway_txn_id = $1', [body.gateway_txn_id]);
    expect(flagged).toBe(0);
    const [{ payments }] = await s.app.db.query<{ payments: number }>('SELECT count(*)::int AS payments FROM payment WHERE gateway_txn_id = $1', [body.gateway_txn_id]);
    expect(payments).toBe(1);
  });

  it('a payment after the lock expired is never lost: seats re-taken and tickets issued, or refunded if gone', async () => {
    const trip = await addTrip(s, 1);
    const late = await order([{ product_id: 1, trip_id: trip, qty: 1 }]);
    s.clock.advance(11 * 60_000);
    await s.app.scheduler.runNow('order-lock-expiry');
    expect((await s.rest('GET', `/orders/${late.order_id}`)).body.status).toBe('CANCELLED');
    const r = await notify({ order_id: late.order_id, gateway_txn_id: nextTxn(), status: 'SUCCESS', amount: late.total_amount });
    expect(r.body).toMatchObject({ status: 'processed', order_status: 'PAID' });
    expect(await tripCounters(s, trip)).toEqual({ capacity: 1, sold: 1, locked: 0 });

    const trip2 = await addTrip(s, 1);
    const lost = await order([{ product_id: 1, trip_id: trip2, qty: 1 }]);
    s.clock.advance(11 * 60_000);
    await s.app.scheduler.runNow('order-lock-expiry');
    const taker = await order([{ product_id: 1, trip_id: trip2, qty: 1 }], 'user456');
    await notify({ order_id: taker.order_id, gateway_txn_id: nextTxn(), status: 'SUCCESS', amount: taker.total_amount });
    const refund = await notify({ order_id: lost.order_id, gateway_txn_id: nextTxn(), status: 'SUCCESS', amount: lost.total_amount });
    expect(refund.status).toBe(200);
    expect(refund.body).toMatchObject({ status: 'refunded', order_status: 'CANCELLED' });
    await s.app.outbox.drain();
    const [latePayment] = await s.app.db.query<{ refundStatus: string }>(
      `SELECT refund_status AS "refundStatus" FROM payment WHERE order_id = $1 AND status = 'LATE_REFUNDING'`, [lost.order_id],
    );
    expect(latePayment.refundStatus).toBe('REFUNDED');
    expect(await tripCounters(s, trip2)).toEqual({ capacity: 1, sold: 1, locked: 0 });
    expect(await ticketCount(lost.order_id)).toBe(0);
  });

  it('payOrder returns wx.requestPayment parameters for a held order, refuses otherwise', async () => {
    const o = await order();
    const res = await s.gql(`mutation($id: ID!) { payOrder(orderId: $id) { appId timeStamp nonceStr package signType paySign } }`, { id: String(o.order_id) });
    expect(res.errors).toBeUndefined();
    expect(res.data.payOrder.package).toMatch(/^prepay_id=/);
    expect(res.data.payOrder.signType).toBe('RSA');
    await notify({ order_id: o.order_id, gateway_txn_id: nextTxn(), status: 'SUCCESS', amount: o.total_amount });
    const paid = await s.gql(`mutation($id: ID!) { payOrder(orderId: $id) { package } }`, { id: String(o.order_id) });
    expect(paid.errors?.[0].extensions.code).toBe('ORDER_NOT_PENDING');
    const other = await s.gql(`mutation($id: ID!) { payOrder(orderId: $id) { package } }`, { id: String(o.order_id) }, 'user456');
    expect(other.errors?.[0].extensions.code).toBe('ORDER_NOT_FOUND');
  });

  it('GraphQL: myTickets and order.tickets with lines and a rotating QR; the order QR lists them all', async () => {
    const o = await order([{ product_id: 101, qty: 2 }]);
    await notify({ order_id: o.order_id, gateway_txn_id: nextTxn(), status: 'SUCCESS', amount: o.total_amount });
    const res = await s.gql(
      `query($id: ID!) { order(id: $id) { status qr { payload refreshAt } tickets { code status shared passengerName lines { name usesLeft merchantName } qr { payload refreshAt } } } }`,
      { id: String(o.order_id) },
    );
    expect(res.errors).toBeUndefined();
    const tickets = res.data.order.tickets;
    expect(tickets).toHaveLength(3);
    expect(tickets.filter((t: any) => t.shared)).toHaveLength(1);
    expect(tickets[0].passengerName).toBe('旅客1');
    const orderQr = parseQrToken(res.data.order.qr.payload)!;
    expect(orderQr.claims.typ).toBe('O');
    expect(orderQr.claims.tickets?.sort()).toEqual(tickets.map((t: any) => t.code).sort());
    // 30 s later the payload is different (rotating part); the signed part stays.
    const before = tickets[0].qr.payload;
    s.clock.advance(31_000);
    const later = await s.gql(`query($c: String!) { ticket(code: $c) { qr { payload } } }`, { c: tickets[0].code });
    expect(later.data.ticket.qr.payload).not.toBe(before);
    expect(later.data.ticket.qr.payload.split('.').slice(0, 3)).toEqual(before.split('.').slice(0, 3));
    const notMine = await s.gql(`query($c: String!) { ticket(code: $c) { code } }`, { c: tickets[0].code }, 'user456');
    expect(notMine.errors?.[0].extensions.code).toBe('TICKET_NOT_FOUND');
  });

  it('bad notify bodies get a 400 JSON error, never a 500', async () => {
    for (const bad of [{}, { order_id: 'x', gateway_txn_id: 'a', status: 'SUCCESS', amount: 1 }, { order_id: 1, gateway_txn_id: '', status: 'SUCCESS', amount: 1 },
      { order_id: 1, gateway_txn_id: 'a', status: 'MAYBE', amount: 1 }, { order_id: 1, gateway_txn_id: 'a', status: 'SUCCESS', amount: 1.5 }, '{"order_id":']) {
      const r = await s.rest('POST', '/payments/notify', bad, null);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('BAD_USER_INPUT');
    }
  });
});
