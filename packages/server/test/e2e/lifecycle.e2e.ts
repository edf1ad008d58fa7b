import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from '../support/harness.js';
import { addTrip, tripCounters } from '../support/fixtures.js';
import type { MockPaymentGateway } from '../../src/modules/payments/mock/mock-gateway.js';

/** US-010 D: refunds by rule tier, changes up and down, expiry, order completion (mock gateway). */
describe('ticket lifecycle: refunds, changes, expiry, completion', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => {
    await s?.close();
  });

  let n = 0;
  /** Orders and pays `qty` adults on a trip of route 1 (Shekou → SkyPier ferry, ¥260) departing in `hours`. */
  const paidTripOrder = async (hours: number, qty = 1, routeId = 1, capacity = 50) => {
    const trip = await addTrip(s, capacity, hours, routeId);
    const o = (await s.rest('POST', '/orders', { items: [{ product_id: routeId, trip_id: trip, qty }] })).body;
    const paid = await s.rest('POST', '/payments/notify', { order_id: o.order_id, gateway_txn_id: `LC-${Date.now()}-${++n}`, status: 'SUCCESS', amount: o.total_amount }, null);
    expect(paid.status).toBe(200);
    return { trip, order: o, codes: paid.body.tickets_issued.map((t: any) => t.ticket_code) as string[] };
  };
  const quote = (orderId: number, codes?: string[]) =>
    s.gql(`query($o: ID!, $c: [String!]) { refundQuote(orderId: $o, ticketCodes: $c) { totalFee totalAmount items { ticketCode refundable reason price feePercent fee amount } } }`, { o: String(orderId), c: codes });
  const refund = (orderId: number, codes?: string[]) =>
    s.gql(`mutation($o: ID!, $c: [String!]) { requestRefund(orderId: $o, ticketCodes: $c) { id refundNo status amount fee kind ticketCodes } }`, { o: String(orderId), c: codes });
  const orderState = async (id: number) =>
    (await s.gql(`query($id: ID!) { order(id: $id) { status cancelReason tickets { code status } refunds { status amount kind } } }`, { id: String(id) })).data.order;

  it('quotes each tier of the rule: ≥48 h free, 24–48 h 10 %, 2–24 h 30 %, <2 h not refundable', async () => {
    const cases: Array<[number, boolean, number | null, number]> = [[72, true, 0, 26000], [30, true, 10, 23400], [10, true, 30, 18200], [1, false, null, 0]];
    for (const [hours, refundable, feePercent, amount] of cases) {
      const { order } = await paidTripOrder(hours);
      const q = (await quote(order.order_id)).data.refundQuote;
      expect({ hours, item: q.items[0] }).toMatchObject({ hours, item: { refundable, feePercent, amount } });
      if (!refundable) {
        expect(q.items[0].reason).toBe('TOO_LATE');
        expect((await refund(order.order_id)).errors?.[0].extensions.code).toBe('REFUND_NOT_ALLOWED');
      }
    }
  });

  it('refunds part of an order, then the rest: seats go back on sale and the order ends CANCELLED', async () => {
    const { trip, order, codes } = await paidTripOrder(30, 2);
    expect(await tripCounters(s, trip)).toMatchObject({ sold: 2, locked: 0 });
    const first = await refund(order.order_id, [codes[0]]);
    expect(first.errors).toBeUndefined();
    expect(first.data.requestRefund).toMatchObject({ kind: 'TICKETS', amount: 23400, fee: 2600, ticketCodes: [codes[0]] });
    await s.app.outbox.drain();
    let st = await orderState(order.order_id);
    expect(st.status).toBe('PAID');
    expect(st.tickets.find((t: any) => t.code === codes[0]).status).toBe('REFUNDED');
    expect(st.refunds[0]).toMatchObject({ status: 'SUCCEEDED', amount: 23400 });
    expect(await tripCounters(s, trip)).toMatchObject({ sold: 1 });
    // The refunded ticket cannot be refunded again.
    expect((await refund(order.order_id, [codes[0]])).errors?.[0].extensions.code).toBe('INVALID_TRANSITION');

    await refund(order.order_id, [codes[1]]);
    await s.app.outbox.drain();
    st = await orderState(order.order_id);
    expect(st).toMatchObject({ status: 'CANCELLED', cancelReason: 'REFUNDED' });
    expect(await tripCounters(s, trip)).toMatchObject({ sold: 0, locked: 0 });
  });

  it('a pass: a shared entitlement refunds only with the whole order; redeemed lines are not refunded', async () => {
    const o = (await s.rest('POST', '/orders', { items: [{ product_id: 101, qty: 2, travel_date: new Date(Date.now() + 5 * 86_400_000 + 8 * 3600_000).toISOString().slice(0, 10) }] })).body;
    const paid = await s.rest('POST', '/payments/notify', { order_id: o.order_id, gateway_txn_id: `LC-pass-${++n}`, status: 'SUCCESS', amount: o.total_amount }, null);
    const [p1, p2, shared] = paid.body.tickets_issued.map((t: any) => t.ticket_code);
    const alone = (await quote(o.order_id, [shared])).data.refundQuote.items[0];
    expect(alone).toMatchObject({ refundable: false, reason: 'SHARED_ONLY_WITH_WHOLE_ORDER' });
    // One ride of passenger 2's pass was used (redemption is simulated in SQL here): two thirds back.
    await s.app.db.query(`UPDATE ticket_line SET uses_left = 0 WHERE id = (SELECT l.id FROM ticket_line l JOIN ticket t ON t.id = l.ticket_id WHERE t.code = $1 ORDER BY l.id LIMIT 1)`, [p2]);
    const whole = (await quote(o.order_id)).data.refundQuote;
    expect(whole.items.map((i: any) => i.ticketCode).sort()).toEqual([p1, p2, shared].sort());
    expect(whole.items.find((i: any) => i.ticketCode === p2)).toMatchObject({ refundable: true, amount: 2800 });
    expect(whole.totalAmount).toBe(4200 + 2800 + 0);
  });

  it('a REDEEMED ticket is refused with INVALID_TRANSITION', async () => {
    const { order, codes } = await paidTripOrder(72);
    await s.app.db.query(`UPDATE ticket SET status = 'REDEEMED' WHERE code = $1`, [codes[0]]);
    await s.app.db.query(`UPDATE ticket_line SET uses_left = 0 WHERE ticket_id = (SELECT id FROM ticket WHERE code = $1)`, [codes[0]]);
    const r = await refund(order.order_id, [codes[0]]);
    expect(r.errors?.[0].extensions.code).toBe('INVALID_TRANSITION');
  });

  it('two concurrent refunds of the same ticket → one refund', async () => {
    const { order, codes } = await paidTripOrder(72);
    const results = await Promise.all(Array.from({ length: 5 }, () => refund(order.order_id, [codes[0]])));
    const ok = results.filter((r) => !r.errors);
    expect(ok).toHaveLength(1);
    for (const r of results.filter((x) => x.errors)) expect(['REFUND_IN_PROGRESS', 'INVALID_TRANSITION']).toContain(r.errors![0].extensions.code);
    await s.app.outbox.drain();
    const [{ count }] = await s.app.db.query<{ count: number }>(`SELECT count(*)::int AS count FROM refund WHERE order_id = $1`, [order.order_id]);
    expect(count).toBe(1);
  });

  it('a failed refund is visible, puts the ticket back to ACTIVE, and can be retried', async () => {
    const { order, codes } = await paidTripOrder(72);
    const gw = s.app.services.paymentGateway as MockPaymentGateway;
    gw.failRefunds = true;
    await refund(order.order_id, [codes[0]]);
    await s.app.outbox.drain();
    gw.failRefunds = false;
    const st = await orderState(order.order_id);
    expect(st.refunds[0].status).toBe('FAILED');
    expect(st.tickets[0].status).toBe('ACTIVE');
    const failed = await s.gql(`query($id: ID!) { order(id: $id) { refunds { id status failureReason } } }`, { id: String(order.order_id) });
    expect(failed.data.order.refunds[0].failureReason).toContain('ABNORMAL');
    const retry = await s.gql(`mutation($id: ID!) { retryRefund(refundId: $id) { status } }`, { id: failed.data.order.refunds[0].id });
    expect(retry.errors).toBeUndefined();
    await s.app.outbox.drain();
    const after = await orderState(order.order_id);
    expect(after.refunds.map((r: any) => r.status)).toEqual(['FAILED', 'SUCCEEDED']);
    expect(after.status).toBe('CANCELLED');
  });

  it('a change to a cheaper departure completes at once and refunds the difference', async () => {
    // Route 1 ferry (¥260) → route 5 bus Shenzhen Bay → Jordan (¥80), both Shenzhen → Hong Kong.
    const { trip, order, codes } = await paidTripOrder(72);
    const bus = await addTrip(s, 40, 80, 5);
    const res = await s.gql(`mutation($c: String!, $t: ID!) { requestChange(ticketCode: $c, newTripId: $t) { id status oldPrice newPrice difference newTicket { code status tripId price: productName } } }`, { c: codes[0], t: String(bus) });
    expect(res.errors).toBeUndefined();
    const ch = res.data.requestChange;
    expect(ch).toMatchObject({ status: 'COMPLETED', oldPrice: 26000, newPrice: 8000, difference: -18000 });
    expect(ch.newTicket).toMatchObject({ status: 'ACTIVE', tripId: String(bus) });
    await s.app.outbox.drain();
    const st = await orderState(order.order_id);
    expect(st.tickets.find((t: any) => t.code === codes[0]).status).toBe('CHANGED');
    expect(st.refunds).toEqual([{ status: 'SUCCEEDED', amount: 18000, kind: 'CHANGE_DIFFERENCE' }]);
    expect(await tripCounters(s, trip)).toMatchObject({ sold: 0 });
    expect(await tripCounters(s, bus)).toMatchObject({ sold: 1, locked: 0 });
    // One change per ticket.
    const again = await s.gql(`mutation($c: String!, $t: ID!) { requestChange(ticketCode: $c, newTripId: $t) { id } }`, { c: ch.newTicket.code, t: String(trip) });
    expect(again.errors?.[0].extensions.code).toBe('CHANGE_NOT_ALLOWED');
  });

  it('a change to a dearer departure waits for the difference; paying it completes the change', async () => {
    const { order, codes } = await paidTripOrder(72, 1, 5);
    const ferry = await addTrip(s, 40, 90, 1);
    const res = await s.gql(`mutation($c: String!, $t: ID!) { requestChange(ticketCode: $c, newTripId: $t) { id changeNo status difference } }`, { c: codes[0], t: String(ferry) });
    const ch = res.data.requestChange;
    expect(ch).toMatchObject({ status: 'AWAITING_PAYMENT', difference: 18000 });
    expect((await orderState(order.order_id)).tickets[0].status).toBe('CHANGING');
    // While CHANGING the ticket cannot be refunded.
    expect((await refund(order.order_id, [codes[0]])).errors?.[0].extensions.code).toBe('REFUND_NOT_ALLOWED');
    const pay = await s.gql(`mutation($id: ID!) { payChange(changeId: $id) { package } }`, { id: ch.id });
    expect(pay.data.payChange.package).toMatch(/^prepay_id=/);
    const notify = await s.rest('POST', '/payments/notify', { out_trade_no: ch.changeNo, gateway_txn_id: `CHG-${++n}`, status: 'SUCCESS', amount: 18000 }, null);
    expect(notify.status).toBe(200);
    expect(notify.body.tickets_issued).toHaveLength(1);
    const st = await orderState(order.order_id);
    expect(st.tickets.map((t: any) => t.status)).toEqual(['CHANGED', 'ACTIVE']);
    expect(await tripCounters(s, ferry)).toMatchObject({ sold: 1, locked: 0 });
  });

  it('a change not paid before the hold expires is undone: old ticket ACTIVE, new seat released', async () => {
    const { order, codes } = await paidTripOrder(72, 1, 5);
    const ferry = await addTrip(s, 40, 90, 1);
    const res = await s.gql(`mutation($c: String!, $t: ID!) { requestChange(ticketCode: $c, newTripId: $t) { id status } }`, { c: codes[0], t: String(ferry) });
    expect(res.data.requestChange.status).toBe('AWAITING_PAYMENT');
    expect(await tripCounters(s, ferry)).toMatchObject({ locked: 1 });
    s.clock.advance(11 * 60_000);
    await s.app.scheduler.runNow('change-expiry');
    const c = await s.gql(`query($id: ID!) { ticketChange(id: $id) { status } }`, { id: res.data.requestChange.id });
    expect(c.data.ticketChange.status).toBe('ABANDONED');
    expect((await orderState(order.order_id)).tickets[0].status).toBe('ACTIVE');
    expect(await tripCounters(s, ferry)).toMatchObject({ locked: 0, sold: 0 });
  });

  it('expiry by the job: tickets past validity become EXPIRED and the order COMPLETED', async () => {
    const { order, codes } = await paidTripOrder(5);
    s.clock.advance(3 * 86_400_000);
    await s.app.scheduler.runNow('ticket-expiry');
    const st = await orderState(order.order_id);
    expect(st.tickets.map((t: any) => t.status)).toEqual(codes.map(() => 'EXPIRED'));
    expect(st.status).toBe('COMPLETED');
    s.clock.advance(-3 * 86_400_000);
  });

  it('completion when the last ticket becomes final: one redeemed, one refunded → COMPLETED', async () => {
    const { order, codes } = await paidTripOrder(72, 2);
    await refund(order.order_id, [codes[0]]);
    await s.app.outbox.drain();
    expect((await orderState(order.order_id)).status).toBe('PAID');
    s.clock.advance(4 * 86_400_000);
    await s.app.scheduler.runNow('ticket-expiry');
    s.clock.advance(-4 * 86_400_000);
    const st = await orderState(order.order_id);
    expect(st.tickets.map((t: any) => t.status).sort()).toEqual(['EXPIRED', 'REFUNDED']);
    expect(st.status).toBe('COMPLETED');
    const history = await s.app.db.query<{ toState: string }>(
      `SELECT to_state AS "toState" FROM state_transition WHERE entity_type = 'order' AND entity_id = $1 ORDER BY id`, [order.order_id],
    );
    expect(history.map((h) => h.toState)).toEqual(['PENDING', 'PAID', 'COMPLETED']);
  });
});
