import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { localDateOf } from '@deeptravel/shared';
import { startTestServer, type TestServer } from '../support/harness.js';
import { startWechatTestEnv, type WechatTestEnv } from '../support/wechat-env.js';
import { tradeBillCsv } from '../support/wechat-bill.js';

/** Issue 11: WeChat Pay global API (HK, HKD), next-day reconciliation, payments in an unknown state. */
describe.each(['CN', 'HK'] as const)('WeChat Pay region %s', (region) => {
  let s: TestServer;
  let wx: WechatTestEnv;
  let admin: string;
  beforeAll(async () => {
    wx = await startWechatTestEnv();
    s = await startTestServer({ env: { ...wx.env, WECHATPAY_REGION: region } });
    await s.app.db.query(`INSERT INTO traveller (openid, dev_token, nickname) VALUES ('o-wx-${region}', 'wx-${region}', '旅客')`);
    if (region === 'HK') {
      // Hong Kong merchants sell in HKD: the order, the prepay and the refund carry it.
      await s.app.db.query(`UPDATE product SET currency = 'HKD' WHERE id IN (101, 102)`);
      await s.app.services.catalogAdmin.invalidate(s.systemContext());
    }
    admin = (await s.gql(`mutation { adminLogin(username: "admin", password: "admin12345") { token } }`, {}, null)).data.adminLogin.token;
  });
  afterAll(async () => {
    await s?.close();
    await wx?.fake.close();
  });

  const token = `wx-${region}`;
  const base = region === 'HK' ? '/v3/global' : '/v3/pay';
  const currency = region === 'HK' ? 'HKD' : 'CNY';
  const newOrder = async () => (await s.rest('POST', '/orders', { items: [{ product_id: 101, qty: 1, travel_date: localDateOf(Date.now() + 5 * 86_400_000) }] }, token)).body;
  const pay = (id: number) => s.gql(`mutation($id: ID!) { payOrder(orderId: $id) { package } }`, { id: String(id) }, token);
  const notify = (o: any) =>
    fetch(`${s.url}/payments/wechat/notify`, {
      method: 'POST',
      ...(() => {
        const n = wx.fake.buildSignedNotify({ event_type: 'TRANSACTION.SUCCESS', resource: wx.fake.transactionResource({ out_trade_no: o.out_trade_no, total: o.total_amount, currency }) });
        return { headers: { 'content-type': 'application/json', ...n.headers }, body: n.body };
      })(),
    });
  const orderOf = async (id: number) => (await s.gql(`query($id: ID!) { order(id: $id) { status currency paymentState refunds { status } } }`, { id: String(id) }, token)).data.order;

  it(`prepay, notify, query, close and refund speak the ${region} API in ${currency}`, async () => {
    const o = await newOrder();
    expect(o.currency).toBe(currency);
    expect((await pay(o.order_id)).errors).toBeUndefined();
    const prepay = wx.fake.requests.find((r) => r.path === `${base}/transactions/jsapi` && (r.json as any)?.out_trade_no === o.out_trade_no)!;
    expect(prepay.authorized).toBe(true);
    expect((prepay.json as any).amount).toEqual({ total: o.total_amount, currency });
    expect((await orderOf(o.order_id)).paymentState).toBe('PREPAID');
    expect((await notify(o)).status).toBe(204);
    expect(await orderOf(o.order_id)).toMatchObject({ status: 'PAID', currency, paymentState: 'PAID' });

    const r = await s.gql(`mutation($o: ID!) { requestRefund(orderId: $o) { refundNo } }`, { o: String(o.order_id) }, token);
    await s.app.outbox.drain();
    const refundPath = region === 'HK' ? '/v3/global/refunds' : '/v3/refund/domestic/refunds';
    const call = wx.fake.requests.find((x) => x.path === refundPath && (x.json as any)?.out_refund_no === r.data.requestRefund.refundNo)!;
    expect((call.json as any).amount.currency).toBe(currency);
    if (region === 'HK') expect((call.json as any).mchid).toBe(wx.mchid);

    // A payment in doubt: sent to pay, the hold ends with no answer → UNKNOWN, then settled by asking WeChat.
    const unpaid = await newOrder();
    await pay(unpaid.order_id);
    const paidLate = await newOrder();
    await pay(paidLate.order_id);
    s.clock.advance(11 * 60_000);
    await s.app.scheduler.runNow('order-lock-expiry');
    expect(await orderOf(unpaid.order_id)).toMatchObject({ status: 'CANCELLED', paymentState: 'UNKNOWN' });
    wx.fake.setTransaction(paidLate.out_trade_no, { trade_state: 'SUCCESS', amount: { total: paidLate.total_amount, currency } });
    await s.app.scheduler.runNow('payment-reconcile');
    expect(await orderOf(unpaid.order_id)).toMatchObject({ status: 'CANCELLED', paymentState: 'CLOSED' });
    expect(wx.fake.requests.some((x) => x.path === `${base}/transactions/out-trade-no/${unpaid.out_trade_no}/close`)).toBe(true);
    expect(await orderOf(paidLate.order_id)).toMatchObject({ status: 'PAID', paymentState: 'PAID' });
    s.clock.advance(-11 * 60_000);
  });

  it('reconciliation finds exactly a payment missing on each side, an amount difference and a refund difference; a re-run adds nothing', async () => {
    const day = localDateOf(s.clock.now());
    // Three paid orders today, one refunded.
    const paid: any[] = [];
    for (let i = 0; i < 3; i++) {
      const o = await newOrder();
      await pay(o.order_id);
      await notify(o);
      paid.push(o);
    }
    const txn = async (orderNo: string) => (await s.app.db.query<{ t: string }>(`SELECT p.gateway_txn_id AS t FROM payment p JOIN orders o ON o.id = p.order_id WHERE o.order_no = $1 AND p.status = 'SUCCEEDED'`, [orderNo]))[0].t;
    const [t0, t1, t2] = [await txn(paid[0].out_trade_no), await txn(paid[1].out_trade_no), await txn(paid[2].out_trade_no)];
    const refund = (await s.gql(`mutation($o: ID!) { requestRefund(orderId: $o) { refundNo amount } }`, { o: String(paid[2].order_id) }, token)).data.requestRefund;
    await s.app.outbox.drain();
    const refundNotify = wx.fake.buildSignedNotify({ event_type: 'REFUND.SUCCESS', resource: wx.fake.refundResource({ out_refund_no: refund.refundNo, out_trade_no: paid[2].out_trade_no, refund: refund.amount, total: paid[2].total_amount, status: 'SUCCESS' }) });
    await fetch(`${s.url}/payments/wechat/refund-notify`, { method: 'POST', headers: { 'content-type': 'application/json', ...refundNotify.headers }, body: refundNotify.body });

    // WeChat's bills: paid[0] matches; paid[1] is missing (MISSING_THEIRS); paid[2] with another amount (AMOUNT_MISMATCH);
    // a payment we never heard of (MISSING_OURS); the refund with another amount (refund AMOUNT_MISMATCH).
    // Earlier payments of the day (the first test's) are on the bill too, as they would be.
    const others = await s.app.db.query<{ t: string; no: string; amount: number }>(
      `SELECT p.gateway_txn_id AS t, o.order_no AS no, p.amount FROM payment p JOIN orders o ON o.id = p.order_id
        WHERE p.status = 'SUCCEEDED' AND p.gateway_txn_id <> ALL($1::text[])`,
      [[t0, t1, t2]],
    );
    wx.fake.setBill(day, 'SUCCESS', tradeBillCsv([
      ...others.map((x) => ({ transactionId: x.t, outTradeNo: x.no, amount: x.amount, currency })),
      { transactionId: t0, outTradeNo: paid[0].out_trade_no, amount: paid[0].total_amount, currency },
      { transactionId: t2, outTradeNo: paid[2].out_trade_no, amount: paid[2].total_amount + 100, currency },
      { transactionId: '4200000000000000000000000999', outTradeNo: 'DT000000GHOST1', amount: 4200, currency },
    ], wx.mchid, wx.appid));
    wx.fake.setBill(day, 'REFUND', tradeBillCsv([
      { transactionId: t2, outTradeNo: paid[2].out_trade_no, amount: paid[2].total_amount, state: 'REFUND', outRefundNo: refund.refundNo, refundAmount: refund.amount - 1, refundState: 'SUCCESS', currency },
    ], wx.mchid, wx.appid));

    const run = await s.gql(`mutation($d: String!) { adminRunReconciliation(date: $d) { found recorded } }`, { d: day }, admin);
    expect(run.errors).toBeUndefined();
    const list = await s.gql(`query($d: String!) { adminReconciliationDifferences(date: $d) { id subject kind key orderNo } }`, { d: day }, admin);
    const found = list.data.adminReconciliationDifferences.map((d: any) => `${d.subject}:${d.kind}:${d.key}`).sort();
    expect(found).toEqual([
      `PAYMENT:AMOUNT_MISMATCH:${t2}`, 'PAYMENT:MISSING_OURS:4200000000000000000000000999', `PAYMENT:MISSING_THEIRS:${t1}`, `REFUND:AMOUNT_MISMATCH:${refund.refundNo}`,
    ].sort());
    const again = await s.gql(`mutation($d: String!) { adminRunReconciliation(date: $d) { found recorded } }`, { d: day }, admin);
    expect(again.data.adminRunReconciliation).toEqual({ found: 4, recorded: 0 });
    const metrics = await s.gql(`{ adminMetrics { reconciliationDifferences } }`, {}, admin);
    expect(metrics.data.adminMetrics.reconciliationDifferences).toBe(4);

    const diff = list.data.adminReconciliationDifferences.find((d: any) => d.kind === 'MISSING_THEIRS');
    const resolved = await s.gql(`mutation($id: Int!) { adminResolveReconciliationDifference(id: $id, reason: "WeChat 次日补单，已核对") }`, { id: Number(diff.id) }, admin);
    expect(resolved.errors).toBeUndefined();
    const open = await s.gql(`query($d: String!) { adminReconciliationDifferences(date: $d, unresolvedOnly: true) { id } }`, { d: day }, admin);
    expect(open.data.adminReconciliationDifferences).toHaveLength(3);
    const audit = await s.gql(`{ adminAuditLog(entityType: "reconciliation_difference") { items { action after } } }`, {}, admin);
    expect(audit.data.adminAuditLog.items[0]).toMatchObject({ action: 'resolve', after: { resolved: true } });
  });
});
