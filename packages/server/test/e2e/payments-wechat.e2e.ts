import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createVerify } from 'node:crypto';
import { startTestServer, type TestServer } from '../support/harness.js';
import { startWechatTestEnv, type WechatTestEnv } from '../support/wechat-env.js';

/** The `wechat` gateway against a fake WeChat Pay that speaks the real wire format and crypto. */
describe('WeChat Pay v3: JSAPI prepay, verified notifies, reconciliation', () => {
  let s: TestServer;
  let wx: WechatTestEnv;
  beforeAll(async () => {
    wx = await startWechatTestEnv();
    s = await startTestServer({ env: wx.env });
    await s.app.db.query(`INSERT INTO traveller (openid, dev_token, nickname) VALUES ('o-wx-traveller-1', 'wx-user', '微信旅客')`);
  });
  afterAll(async () => {
    await s?.close();
    await wx?.fake.close();
  });

  const newOrder = async () => (await s.rest('POST', '/orders', { items: [{ product_id: 101, qty: 1 }] }, 'wx-user')).body;
  const pay = (id: number) => s.gql(`mutation($id: ID!) { payOrder(orderId: $id) { appId timeStamp nonceStr package signType paySign } }`, { id: String(id) }, 'wx-user');
  const postNotify = (n: { headers: Record<string, string>; body: string }) =>
    fetch(`${s.url}/payments/wechat/notify`, { method: 'POST', headers: { 'content-type': 'application/json', ...n.headers }, body: n.body });
  const statusOf = async (id: number) => (await s.rest('GET', `/orders/${id}`, undefined, 'wx-user')).body.status;
  const tickets = async (id: number) => (await s.app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ticket WHERE order_id = $1', [id]))[0].n;

  it('payOrder: a signed JSAPI prepay expiring with the seat hold, and wx.requestPayment parameters signed by the merchant key', async () => {
    const o = await newOrder();
    const res = await pay(o.order_id);
    expect(res.errors).toBeUndefined();
    const p = res.data.payOrder;
    expect(p.appId).toBe(wx.appid);
    expect(p.signType).toBe('RSA');
    expect(p.package).toMatch(/^prepay_id=/);
    const ok = createVerify('RSA-SHA256').update(`${p.appId}\n${p.timeStamp}\n${p.nonceStr}\n${p.package}\n`).verify(wx.merchantPublicKeyPem, p.paySign, 'base64');
    expect(ok).toBe(true);
    const req = wx.fake.requests.find((r) => r.path === '/v3/pay/transactions/jsapi')!;
    expect(req.authorized).toBe(true);
    expect(req.json).toMatchObject({
      appid: wx.appid, mchid: wx.mchid, out_trade_no: o.out_trade_no, amount: { total: 4200, currency: 'CNY' },
      payer: { openid: 'o-wx-traveller-1' }, notify_url: 'https://deeptravel.example.com/payments/wechat/notify',
    });
    const expected = new Date(new Date(o.lock_expire_at).getTime() + 8 * 3600_000).toISOString().slice(0, 19) + '+08:00';
    expect((req.json as any).time_expire).toBe(expected);
  });

  it('a signed, encrypted TRANSACTION.SUCCESS notify pays the order (204); its repeat changes nothing', async () => {
    const o = await newOrder();
    await pay(o.order_id);
    const resource = wx.fake.transactionResource({ out_trade_no: o.out_trade_no, total: o.total_amount, openid: 'o-wx-traveller-1' });
    const n = wx.fake.buildSignedNotify({ event_type: 'TRANSACTION.SUCCESS', resource });
    const r = await postNotify(n);
    expect(r.status).toBe(204);
    expect(await statusOf(o.order_id)).toBe('PAID');
    expect(await tickets(o.order_id)).toBe(2);
    const again = await postNotify(n);
    expect(again.status).toBe(204);
    expect(await tickets(o.order_id)).toBe(2);
  });

  it('forged, tampered, stale and probe notifies are refused with {"code":"FAIL"} and change nothing', async () => {
    const o = await newOrder();
    const resource = wx.fake.transactionResource({ out_trade_no: o.out_trade_no, total: o.total_amount });
    const cases: Array<[Parameters<typeof wx.fake.buildSignedNotify>[0], number]> = [
      [{ event_type: 'TRANSACTION.SUCCESS', resource, tamper: 'ciphertext' }, 400],
      [{ event_type: 'TRANSACTION.SUCCESS', resource, tamper: 'signature' }, 401],
      [{ event_type: 'TRANSACTION.SUCCESS', resource, tamper: 'serial' }, 401],
      [{ event_type: 'TRANSACTION.SUCCESS', resource, tamper: 'body' }, 401],
      [{ event_type: 'TRANSACTION.SUCCESS', resource, tamper: 'signtest' }, 401],
      [{ event_type: 'TRANSACTION.SUCCESS', resource, timestampOverride: Math.floor(Date.now() / 1000) - 301 }, 401],
    ];
    for (const [input, status] of cases) {
      const r = await postNotify(wx.fake.buildSignedNotify(input));
      expect({ tamper: input.tamper ?? 'stale', status: r.status }).toEqual({ tamper: input.tamper ?? 'stale', status });
      expect(await r.json()).toEqual({ code: 'FAIL', message: '失败' });
    }
    expect(await statusOf(o.order_id)).toBe('PENDING');
    expect(await tickets(o.order_id)).toBe(0);
  });

  it('a verified notify for another amount or an unknown order is recorded and flagged, never pays', async () => {
    const o = await newOrder();
    const wrong = wx.fake.buildSignedNotify({ event_type: 'TRANSACTION.SUCCESS', resource: wx.fake.transactionResource({ out_trade_no: o.out_trade_no, total: 1 }) });
    expect((await postNotify(wrong)).status).toBe(204);
    expect(await statusOf(o.order_id)).toBe('PENDING');
    const unknown = wx.fake.buildSignedNotify({ event_type: 'TRANSACTION.SUCCESS', resource: wx.fake.transactionResource({ out_trade_no: 'DT000000NOSUCH', total: 4200 }) });
    expect((await postNotify(unknown)).status).toBe(204);
    const kinds = (await s.app.db.query<{ kind: string }>('SELECT kind FROM payment_anomaly')).map((r) => r.kind);
    expect(kinds).toEqual(expect.arrayContaining(['AMOUNT_MISMATCH', 'UNKNOWN_ORDER']));
  });

  it('the mock notify route does not exist in wechat mode', async () => {
    const r = await s.rest('POST', '/payments/notify', { order_id: 1, gateway_txn_id: 'x', status: 'SUCCESS', amount: 1 }, null);
    expect(r.status).toBe(404);
  });

  it('reconciliation: a payment whose notify never came is found by query; an expired order is closed', async () => {
    const paid = await newOrder();
    await pay(paid.order_id);
    wx.fake.setTransaction(paid.out_trade_no, { trade_state: 'SUCCESS', amount: { total: paid.total_amount, currency: 'CNY' } });
    const unpaid = await newOrder();
    await pay(unpaid.order_id);
    s.clock.advance(2 * 60_000);
    expect(await s.app.scheduler.runNow('payment-reconcile')).toBe(true);
    expect(await statusOf(paid.order_id)).toBe('PAID');
    expect(await statusOf(unpaid.order_id)).toBe('PENDING');

    s.clock.advance(10 * 60_000);
    await s.app.scheduler.runNow('order-lock-expiry');
    expect(await statusOf(unpaid.order_id)).toBe('CANCELLED');
    await s.app.scheduler.runNow('payment-reconcile');
    expect(wx.fake.requests.some((r) => r.path === `/v3/pay/transactions/out-trade-no/${unpaid.out_trade_no}/close` && r.authorized)).toBe(true);
  });

  it('a late payment found when closing (ORDERPAID) is processed, not lost', async () => {
    const o = await newOrder();
    await pay(o.order_id);
    s.clock.advance(11 * 60_000);
    await s.app.scheduler.runNow('order-lock-expiry');
    wx.fake.setTransaction(o.out_trade_no, { trade_state: 'SUCCESS', amount: { total: o.total_amount, currency: 'CNY' } });
    await s.app.scheduler.runNow('payment-reconcile');
    expect(await statusOf(o.order_id)).toBe('PAID');
    expect(await tickets(o.order_id)).toBe(2);
  });

  it('payOrder needs a WeChat identity (openid)', async () => {
    const o = (await s.rest('POST', '/orders', { items: [{ product_id: 101, qty: 1 }] }, 'user123')).body;
    const r = await s.gql(`mutation($id: ID!) { payOrder(orderId: $id) { package } }`, { id: String(o.order_id) }, 'user123');
    expect(r.errors?.[0].extensions.code).toBe('OPENID_REQUIRED');
  });

  describe('refunds through WeChat Pay', () => {
    const paidOrder = async () => {
      const o = await newOrder();
      await pay(o.order_id);
      const n = wx.fake.buildSignedNotify({ event_type: 'TRANSACTION.SUCCESS', resource: wx.fake.transactionResource({ out_trade_no: o.out_trade_no, total: o.total_amount }) });
      expect((await postNotify(n)).status).toBe(204);
      return o;
    };
    const postRefundNotify = (n: { headers: Record<string, string>; body: string }) =>
      fetch(`${s.url}/payments/wechat/refund-notify`, { method: 'POST', headers: { 'content-type': 'application/json', ...n.headers }, body: n.body });
    const requestRefund = async (orderId: number) => {
      const r = await s.gql(`mutation($o: ID!) { requestRefund(orderId: $o) { id refundNo status amount } }`, { o: String(orderId) }, 'wx-user');
      expect(r.errors).toBeUndefined();
      await s.app.outbox.drain();
      return r.data.requestRefund;
    };
    const refundState = async (orderId: number) =>
      (await s.gql(`query($id: ID!) { order(id: $id) { status tickets { status } refunds { refundNo status } } }`, { id: String(orderId) }, 'wx-user')).data.order;

    it('sends /v3/refund/domestic/refunds with our out_refund_no; REFUND.SUCCESS completes it; repeats and late ABNORMAL change nothing', async () => {
      const o = await paidOrder();
      const refund = await requestRefund(o.order_id);
      const call = wx.fake.requests.find((r) => r.path === '/v3/refund/domestic/refunds' && (r.json as any)?.out_refund_no === refund.refundNo)!;
      expect(call.authorized).toBe(true);
      expect(call.json).toMatchObject({ out_refund_no: refund.refundNo, amount: { refund: refund.amount, total: o.total_amount, currency: 'CNY' },
        notify_url: 'https://deeptravel.example.com/payments/wechat/refund-notify' });
      let st = await refundState(o.order_id);
      expect(st.refunds[0].status).toBe('PROCESSING');
      expect(st.tickets.every((t: any) => t.status === 'REFUNDING')).toBe(true);

      const success = wx.fake.buildSignedNotify({ event_type: 'REFUND.SUCCESS', resource: wx.fake.refundResource({ out_refund_no: refund.refundNo, out_trade_no: o.out_trade_no, refund: refund.amount, total: o.total_amount, status: 'SUCCESS' }) });
      expect((await postRefundNotify(success)).status).toBe(204);
      expect((await postRefundNotify(success)).status).toBe(204);
      const abnormal = wx.fake.buildSignedNotify({ event_type: 'REFUND.ABNORMAL', resource: wx.fake.refundResource({ out_refund_no: refund.refundNo, out_trade_no: o.out_trade_no, refund: refund.amount, total: o.total_amount, status: 'ABNORMAL' }) });
      expect((await postRefundNotify(abnormal)).status).toBe(204);
      st = await refundState(o.order_id);
      expect(st.refunds[0].status).toBe('SUCCEEDED');
      expect(st.tickets.every((t: any) => t.status === 'REFUNDED')).toBe(true);
      expect(st.status).toBe('CANCELLED');
    });

    it('REFUND.ABNORMAL fails the refund and gives the tickets back; a forged refund notify is refused', async () => {
      const o = await paidOrder();
      const refund = await requestRefund(o.order_id);
      const forged = wx.fake.buildSignedNotify({ event_type: 'REFUND.SUCCESS', tamper: 'signature', resource: wx.fake.refundResource({ out_refund_no: refund.refundNo, out_trade_no: o.out_trade_no, refund: refund.amount, total: o.total_amount, status: 'SUCCESS' }) });
      expect((await postRefundNotify(forged)).status).toBe(401);
      const abnormal = wx.fake.buildSignedNotify({ event_type: 'REFUND.ABNORMAL', resource: wx.fake.refundResource({ out_refund_no: refund.refundNo, out_trade_no: o.out_trade_no, refund: refund.amount, total: o.total_amount, status: 'ABNORMAL' }) });
      expect((await postRefundNotify(abnormal)).status).toBe(204);
      const st = await refundState(o.order_id);
      expect(st.refunds[0].status).toBe('FAILED');
      expect(st.tickets.every((t: any) => t.status === 'ACTIVE')).toBe(true);
    });

    it('a refund whose notify was lost is completed by the refund-sync job (query)', async () => {
      const o = await paidOrder();
      const refund = await requestRefund(o.order_id);
      wx.fake.setRefund(refund.refundNo, { status: 'SUCCESS' });
      s.clock.advance(3 * 60_000);
      await s.app.scheduler.runNow('refund-sync');
      expect((await refundState(o.order_id)).refunds[0].status).toBe('SUCCEEDED');
    });
  });
});
