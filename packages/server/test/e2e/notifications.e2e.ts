import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, hkDate, type TestServer } from '../support/harness.js';
import { addTrip, addTravellers } from '../support/fixtures.js';
import { startFakeWechatApi, type FakeSubscribeMessage, type FakeWechatApi } from '../support/fake-wechat-api.js';
import { buyPaid, qrOf, scanAndRedeem, staffLogin } from '../support/redemption-fixtures.js';
import type { MockPaymentGateway } from '../../src/modules/payments/mock/mock-gateway.js';
import { NOTIFICATION_JOBS } from '../../src/modules/notifications/notification.tasks.js';
import type { WechatSubscribeChannel } from '../../src/modules/notifications/channels/wechat-subscribe.channel.js';

/** Template ids as the WeChat console would show them (the fake knows exactly these). */
const T = {
  PAYMENT_SUCCESS: 'tmplPaymentSuccess000000000000000000000001',
  ORDER_CANCELLED: 'tmplOrderCancelled000000000000000000000002',
  REFUND_RESULT: 'tmplRefundResult00000000000000000000000003',
  REDEMPTION_SUCCESS: 'tmplRedemption0000000000000000000000000004',
  ENTITLEMENT_EXPIRING: 'tmplExpiring000000000000000000000000000005',
  ORDER_COMPLETED: 'tmplOrderCompleted000000000000000000000006',
} as const;
type Kind = keyof typeof T;

const CONSENT = `mutation($keys: [String!]!, $accepted: Boolean) { recordSubscribeConsent(templateKeys: $keys, accepted: $accepted) { templateId kinds remaining } }`;
const MINE = `query($limit: Int, $offset: Int) { myNotifications(limit: $limit, offset: $offset) {
  id kind title status reason reasonText orderId ticketId createdAt sentAt fields { key label value } } }`;
const TEMPLATES = `{ notificationTemplates { kind templateId title fields remaining } }`;
const TIME = /^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/;

describe('notifications: WeChat subscribe messages with consent, retries and no duplicates (issue 8)', () => {
  let wx: FakeWechatApi;
  let s: TestServer;
  beforeAll(async () => {
    wx = await startFakeWechatApi({ templateIds: Object.values(T) });
    s = await startTestServer({
      env: {
        NOTIFICATION_CHANNEL: 'wechat', WECHAT_APPID: wx.appid, WECHAT_APP_SECRET: wx.secret, WECHAT_API_BASE_URL: wx.baseUrl,
        ...Object.fromEntries(Object.entries(T).map(([k, v]) => [`WECHAT_TEMPLATE_${k}`, v])),
      },
    });
  });
  afterAll(async () => {
    await s?.close();
    await wx?.close();
  });

  let n = 0;
  /** A traveller with a dev token and (unless null) a WeChat openid. */
  const traveller = async (openid: string | null = `o-${++n}-${Date.now().toString(36)}`) => {
    const [token] = await addTravellers(s, `nt-${++n}`, 1);
    if (openid) await s.app.db.query('UPDATE traveller SET openid = $2 WHERE dev_token = $1', [token, openid]);
    return { token, openid: openid ?? '' };
  };
  const consent = async (token: string, kinds: Kind[], times = 1) => {
    let last: any;
    for (let i = 0; i < times; i++) {
      last = await s.gql(CONSENT, { keys: kinds.map((k) => T[k]) }, token);
      expect(last.errors).toBeUndefined();
    }
    return last.data.recordSubscribeConsent;
  };
  const sentTo = (openid: string, kind?: Kind): FakeSubscribeMessage[] => wx.sent.filter((m) => m.touser === openid && (!kind || m.template_id === T[kind]));
  const value = (m: FakeSubscribeMessage, key: string) => m.data[key]?.value;
  const mine = async (token: string) => (await s.gql(MINE, { limit: 50 }, token)).data.myNotifications as any[];
  const drain = () => s.app.outbox.drain();
  const rowsOf = (openid: string) =>
    s.app.db.query<{ kind: string; status: string; reason: string | null; attempts: number; idempotencyKey: string }>(
      `SELECT kind, status, reason, attempts, idempotency_key AS "idempotencyKey" FROM notification WHERE openid = $1 ORDER BY id`,
      [openid],
    );
  const travelToday = () => hkDate(0, s.clock.now());
  let txn = 0;
  const pendingOrder = async (token: string) =>
    (await s.rest('POST', '/orders', { items: [{ product_id: 101, qty: 1, travel_date: hkDate(1, s.clock.now()) }] }, token)).body;
  const paidTripOrder = async (token: string, hours = 72) => {
    const trip = await addTrip(s, 20, hours, 1);
    const o = (await s.rest('POST', '/orders', { items: [{ product_id: 1, trip_id: trip, qty: 1 }] }, token)).body;
    const paid = await s.rest('POST', '/payments/notify', { order_id: o.order_id, gateway_txn_id: `NT-${++txn}-${Date.now()}`, status: 'SUCCESS', amount: o.total_amount }, null);
    expect(paid.status).toBe(200);
    return { orderId: o.order_id as number, orderNo: o.out_trade_no as string, codes: paid.body.tickets_issued.map((t: any) => t.ticket_code) as string[] };
  };

  it('each event produces exactly one message, with the right fields', async () => {
    const me = await traveller();
    const all = Object.keys(T) as Kind[];
    const answered = await consent(me.token, all, 3);
    expect(answered.find((c: any) => c.templateId === T.PAYMENT_SUCCESS)).toEqual({ templateId: T.PAYMENT_SUCCESS, kinds: ['PAYMENT_SUCCESS'], remaining: 3 });
    await s.app.services.settings.set(s.systemContext(), 'orderCompletedNotification', true);

    // Payment succeeded.
    const pass = await buyPaid(s, { token: me.token, travelDate: travelToday() });
    await drain();
    const [paid] = sentTo(me.openid, 'PAYMENT_SUCCESS');
    expect(paid).toMatchObject({ page: `pkg-tickets/order/index?id=${pass.orderId}`, miniprogram_state: 'formal', lang: 'zh_CN' });
    expect(paid.data).toMatchObject({ character_string1: { value: pass.orderNo }, amount2: { value: '¥42.00' }, thing3: { value: '3-in-1 Transport Pa…' } });
    expect(value(paid, 'time4')).toMatch(TIME);

    // Redemption succeeded (what, where, when), through the real scan and redeem.
    const staff = await staffLogin(s, 'turbojet-staff', 'TURBOJET-T1');
    const passTicket = pass.tickets.find((t: any) => !t.shared);
    await scanAndRedeem(s, staff, await qrOf(s, passTicket.ticket_code, me.token));
    await drain();
    const [redeemed] = sentTo(me.openid, 'REDEMPTION_SUCCESS');
    expect(redeemed.data).toMatchObject({ thing1: { value: '港澳船票（单程一次）' }, thing2: { value: '喷射飞航 TurboJET' }, character_string4: { value: passTicket.ticket_code } });
    expect(value(redeemed, 'time3')).toMatch(TIME);
    expect(redeemed.page).toBe(`pkg-tickets/ticket/index?code=${passTicket.ticket_code}`);

    // Order completed (the setting is on): the pass's validity ends with lines unused → EXPIRED → COMPLETED.
    s.clock.advance(4 * 86_400_000);
    await s.app.scheduler.runNow('ticket-expiry');
    await drain();
    const [completed] = sentTo(me.openid, 'ORDER_COMPLETED');
    expect(completed.data).toMatchObject({ character_string1: { value: pass.orderNo }, thing2: { value: '3-in-1 Transport Pa…' } });

    // Cancelled by the traveller, and expired unpaid: the reason in words.
    const byMe = await pendingOrder(me.token);
    expect((await s.gql(`mutation($id: ID!) { cancelOrder(orderId: $id) { status } }`, { id: String(byMe.order_id) }, me.token)).errors).toBeUndefined();
    const unpaid = await pendingOrder(me.token);
    s.clock.advance(11 * 60_000);
    await s.app.scheduler.runNow('order-lock-expiry');
    await drain();

    // Refunded in full: a refund result and a cancellation "已全部退款".
    const trip = await paidTripOrder(me.token);
    const r = await s.gql(`mutation($o: ID!) { requestRefund(orderId: $o) { status amount } }`, { o: String(trip.orderId) }, me.token);
    expect(r.errors).toBeUndefined();
    await drain();

    // A refund that fails.
    const failing = await paidTripOrder(me.token);
    const gw = s.app.services.paymentGateway as MockPaymentGateway;
    gw.failRefunds = true;
    await s.gql(`mutation($o: ID!) { requestRefund(orderId: $o) { status } }`, { o: String(failing.orderId) }, me.token);
    await drain();
    gw.failRefunds = false;

    const cancelled = sentTo(me.openid, 'ORDER_CANCELLED');
    const reasonFor = (orderNo: string) => cancelled.filter((m) => value(m, 'character_string1') === orderNo).map((m) => value(m, 'thing3'));
    expect(reasonFor(byMe.out_trade_no)).toEqual(['您已取消']);
    expect(reasonFor(unpaid.out_trade_no)).toEqual(['超时未支付']);
    expect(reasonFor(trip.orderNo)).toEqual(['已全部退款']);
    const refunds = sentTo(me.openid, 'REFUND_RESULT');
    expect(refunds.map((m) => [value(m, 'character_string1'), value(m, 'amount2'), value(m, 'phrase3')])).toEqual([
      [trip.orderNo, '¥260.00', '退款成功'],
      [failing.orderNo, '¥260.00', '退款失败'],
    ]);

    // Exactly one message per event, and nothing else: 3 payments, 1 redemption, 1 completion, 3 cancellations, 2 refund results.
    expect(sentTo(me.openid)).toHaveLength(10);
    const rows = await rowsOf(me.openid);
    expect(rows).toHaveLength(10);
    expect(rows.every((x) => x.status === 'SENT' && x.attempts === 1)).toBe(true);
    expect(new Set(rows.map((x) => x.idempotencyKey)).size).toBe(10);
    // Re-delivering every event (as a crashed dispatcher would) adds nothing.
    await s.app.db.query(`UPDATE outbox_event SET status = 'PENDING', available_at = now() - interval '1 day' WHERE id IN (SELECT event_id FROM notification WHERE openid = $1)`, [me.openid]);
    await drain();
    expect(sentTo(me.openid)).toHaveLength(10);
    expect(await rowsOf(me.openid)).toHaveLength(10);

    // The in-app list shows them, newest first, with their fields.
    const list = await mine(me.token);
    expect(list).toHaveLength(10);
    expect(list.every((x) => x.status === 'SENT' && x.sentAt && x.reason === null)).toBe(true);
    const paidItem = list.find((x) => x.kind === 'PAYMENT_SUCCESS' && x.orderId === String(pass.orderId));
    expect(paidItem).toMatchObject({ title: '支付成功通知' });
    expect(paidItem.fields).toEqual(expect.arrayContaining([{ key: 'amount2', label: '支付金额', value: '¥42.00' }]));
    s.clock.offsetMs = 0;
  });

  it('no consent → not sent, recorded with the reason; one consent is one message; no openid → recorded too', async () => {
    const me = await traveller();
    await s.app.services.settings.set(s.systemContext(), 'orderCompletedNotification', false);
    await buyPaid(s, { token: me.token, travelDate: travelToday() });
    await drain();
    expect(sentTo(me.openid)).toHaveLength(0);
    let list = await mine(me.token);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ kind: 'PAYMENT_SUCCESS', status: 'SKIPPED_NO_CONSENT', reason: 'NO_CONSENT', sentAt: null });
    expect(list[0].reasonText).toContain('未订阅');

    // A refusal is recorded but allows nothing; then one accept allows exactly one message.
    expect((await s.gql(CONSENT, { keys: ['PAYMENT_SUCCESS'], accepted: false }, me.token)).data.recordSubscribeConsent[0].remaining).toBe(0);
    expect((await s.gql(CONSENT, { keys: ['PAYMENT_SUCCESS'] }, me.token)).data.recordSubscribeConsent[0].remaining).toBe(1);
    await buyPaid(s, { token: me.token, travelDate: travelToday() });
    await buyPaid(s, { token: me.token, travelDate: travelToday() });
    await drain();
    expect(sentTo(me.openid)).toHaveLength(1);
    expect((await rowsOf(me.openid)).map((r) => r.status)).toEqual(['SKIPPED_NO_CONSENT', 'SENT', 'SKIPPED_NO_CONSENT']);
    const templates = (await s.gql(TEMPLATES, {}, me.token)).data.notificationTemplates;
    expect(templates.map((t: any) => t.kind)).toEqual(['PAYMENT_SUCCESS', 'ORDER_CANCELLED', 'REFUND_RESULT', 'REDEMPTION_SUCCESS', 'ENTITLEMENT_EXPIRING']);
    expect(templates[0]).toMatchObject({ templateId: T.PAYMENT_SUCCESS, title: '支付成功通知', remaining: 0 });
    expect((await s.gql(TEMPLATES, {}, null)).data.notificationTemplates[0].remaining).toBeNull();

    // No WeChat identity: nothing can be sent, and the list says why (the consent is not used).
    const noWx = await traveller(null);
    await consent(noWx.token, ['PAYMENT_SUCCESS']);
    await buyPaid(s, { token: noWx.token, travelDate: travelToday() });
    await drain();
    list = await mine(noWx.token);
    expect(list[0]).toMatchObject({ status: 'SKIPPED_NO_OPENID', reason: 'NO_OPENID' });
    expect((await s.gql(TEMPLATES, {}, noWx.token)).data.notificationTemplates[0].remaining).toBe(1);

    // Unknown templates and anonymous callers are refused with codes.
    expect((await s.gql(CONSENT, { keys: ['nope'] }, me.token)).errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((await s.gql(CONSENT, { keys: [T.PAYMENT_SUCCESS] }, null)).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await s.gql(MINE, {}, null)).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('WeChat fails twice then succeeds → delivered once, with back-off between attempts', async () => {
    const me = await traveller();
    await consent(me.token, ['PAYMENT_SUCCESS']);
    wx.failNext(1, { errcode: -1, errmsg: 'system error' });
    wx.failNext(1, 'drop');
    await buyPaid(s, { token: me.token, travelDate: travelToday() });
    await drain();
    let [row] = await rowsOf(me.openid);
    expect(row).toMatchObject({ status: 'PENDING', attempts: 1 });
    const [{ lastError }] = await s.app.db.query<{ lastError: string }>(`SELECT last_error AS "lastError" FROM notification WHERE openid = $1`, [me.openid]);
    expect(lastError).toContain('errcode -1');
    // Not due yet: nothing happens until the back-off has passed.
    await drain();
    expect((await rowsOf(me.openid))[0].attempts).toBe(1);
    s.clock.advance(1500);
    await drain();
    expect((await rowsOf(me.openid))[0]).toMatchObject({ status: 'PENDING', attempts: 2 });
    s.clock.advance(3000);
    await drain();
    [row] = await rowsOf(me.openid);
    expect(row).toMatchObject({ status: 'SENT', attempts: 3 });
    expect(sentTo(me.openid)).toHaveLength(1);
    // The fake saw three sends for this traveller: two failures, one success.
    expect(wx.requests.filter((q) => q.path === '/cgi-bin/message/subscribe/send' && q.json?.touser === me.openid)).toHaveLength(3);
    const [event] = await s.app.db.query<{ status: string; attempts: number }>(
      `SELECT status, attempts FROM outbox_event WHERE topic = 'notification.deliver' AND (payload->>'notificationId')::int = (SELECT id FROM notification WHERE openid = $1)`,
      [me.openid],
    );
    expect(event).toEqual({ status: 'DELIVERED', attempts: 3 });
  });

  it('an expired or invalid access token is refreshed and the send retried; concurrent senders fetch one token', async () => {
    const me = await traveller();
    await consent(me.token, ['PAYMENT_SUCCESS'], 2);
    const before = wx.tokensIssued();
    wx.expireTokens();
    await buyPaid(s, { token: me.token, travelDate: travelToday() });
    await drain();
    expect(sentTo(me.openid)).toHaveLength(1);
    expect(wx.tokensIssued()).toBe(before + 1);
    const sends = wx.requests.filter((q) => q.path === '/cgi-bin/message/subscribe/send' && q.json?.touser === me.openid);
    expect(sends.map((q) => q.answer.errcode)).toEqual([42001, 0]);
    expect(sends[0].query.access_token).not.toBe(sends[1].query.access_token);

    wx.revokeTokens();
    await buyPaid(s, { token: me.token, travelDate: travelToday() });
    await drain();
    expect(sentTo(me.openid)).toHaveLength(2);
    expect(wx.tokensIssued()).toBe(before + 2);
    expect((await rowsOf(me.openid)).map((r) => [r.status, r.attempts])).toEqual([['SENT', 1], ['SENT', 1]]);

    // Eight sends at once on a rejected token: one refresh, not eight.
    wx.revokeTokens();
    const channel = s.app.services.notifications.channel as WechatSubscribeChannel;
    const data = { character_string1: { value: 'X1' }, amount2: { value: '¥1.00' }, thing3: { value: 'P' }, time4: { value: '2026年1月1日 10:00' } };
    const receipts = await Promise.all(Array.from({ length: 8 }, (_, i) => channel.send(`o-burst-${i}`, T.PAYMENT_SUCCESS, data, null, `burst-${i}`)));
    expect(receipts.every((x) => /^\d{19}$/.test(x.msgId ?? ''))).toBe(true);
    expect(wx.tokensIssued()).toBe(before + 3);
  });

  it('a permanent refusal (43101) is not retried: FAILED with the reason, and the consent count is cleared', async () => {
    const me = await traveller();
    await consent(me.token, ['PAYMENT_SUCCESS'], 3);
    wx.refuse(me.openid);
    await buyPaid(s, { token: me.token, travelDate: travelToday() });
    await drain();
    s.clock.advance(3600_000);
    await drain();
    expect(await rowsOf(me.openid)).toEqual([expect.objectContaining({ status: 'FAILED', reason: 'USER_REFUSED', attempts: 1 })]);
    expect(wx.requests.filter((q) => q.path === '/cgi-bin/message/subscribe/send' && q.json?.touser === me.openid)).toHaveLength(1);
    const [event] = await s.app.db.query<{ status: string; attempts: number }>(
      `SELECT status, attempts FROM outbox_event WHERE topic = 'notification.deliver' AND (payload->>'notificationId')::int = (SELECT id FROM notification WHERE openid = $1)`,
      [me.openid],
    );
    expect(event).toEqual({ status: 'DEAD', attempts: 1 });
    expect((await s.gql(TEMPLATES, {}, me.token)).data.notificationTemplates[0].remaining).toBe(0);
    expect((await mine(me.token))[0]).toMatchObject({ status: 'FAILED', reason: 'USER_REFUSED', reasonText: '您已拒绝或关闭此类消息' });
    s.clock.offsetMs = 0;
  });

  it('transient failures up to the last attempt → DEAD, visible in the backlog, consent given back', async () => {
    const me = await traveller();
    await consent(me.token, ['PAYMENT_SUCCESS']);
    wx.failNext(10, { errcode: 45009, errmsg: 'reach max api daily quota limit' });
    await buyPaid(s, { token: me.token, travelDate: travelToday() });
    await drain();
    for (let i = 0; i < 9; i++) {
      s.clock.advance(3_700_000);
      await drain();
    }
    expect(await rowsOf(me.openid)).toEqual([expect.objectContaining({ status: 'DEAD', reason: 'RETRIES_EXHAUSTED', attempts: 10 })]);
    expect(sentTo(me.openid)).toHaveLength(0);
    const backlog = await s.app.services.notifications.backlog(s.systemContext());
    expect(backlog.byStatus.DEAD).toBeGreaterThanOrEqual(1);
    expect(backlog.failures[0]).toMatchObject({ status: 'DEAD', reason: 'RETRIES_EXHAUSTED', attempts: 10 });
    expect(backlog.failures[0].lastError).toContain('45009');
    expect(backlog.byStatus.FAILED).toBeGreaterThanOrEqual(1); // the refusal above
    expect((await s.gql(TEMPLATES, {}, me.token)).data.notificationTemplates[0].remaining).toBe(1);
    s.clock.offsetMs = 0;
  });

  it('a crash between sending and recording never sends twice (the row is left UNCONFIRMED)', async () => {
    const me = await traveller();
    await consent(me.token, ['PAYMENT_SUCCESS']);
    // WeChat accepts the message, then recording it fails as if the process had died there.
    s.app.faults.arm('notification-record-sent', 3);
    await buyPaid(s, { token: me.token, travelDate: travelToday() });
    await drain();
    expect(sentTo(me.openid)).toHaveLength(1);
    expect((await rowsOf(me.openid))[0]).toMatchObject({ status: 'SENDING', attempts: 1 });
    let backlog = await s.app.services.notifications.backlog(s.systemContext());
    expect(backlog.oldestPendingAgeSeconds).not.toBeNull();
    // The retry comes while the sender's lease still runs: it waits rather than send again.
    s.clock.advance(2000);
    await drain();
    expect((await rowsOf(me.openid))[0].status).toBe('SENDING');
    // After the lease, the sender is presumed dead: WeChat may have the message, so it is not resent.
    s.clock.advance(120_000);
    await drain();
    expect((await rowsOf(me.openid))[0]).toMatchObject({ status: 'UNCONFIRMED', reason: 'INTERRUPTED', attempts: 1 });
    expect(sentTo(me.openid)).toHaveLength(1);
    backlog = await s.app.services.notifications.backlog(s.systemContext());
    expect(backlog.byStatus.UNCONFIRMED).toBeGreaterThanOrEqual(1);
    s.clock.offsetMs = 0;
  });

  it('the expiry reminder goes out once, 24 h before the end of validity, however often the job runs', async () => {
    const me = await traveller();
    await consent(me.token, ['ENTITLEMENT_EXPIRING'], 3);
    // Two passengers: two per-passenger tickets (3 lines each) and one shared ticket (1 line), all ending together.
    const pass = await buyPaid(s, { token: me.token, qty: 2, travelDate: hkDate(1, s.clock.now()) });
    const [{ validUntil }] = await s.app.db.query<{ validUntil: Date }>('SELECT max(valid_until) AS "validUntil" FROM ticket WHERE order_id = $1', [pass.orderId]);
    expect(await s.app.scheduler.runNow(NOTIFICATION_JOBS.reminders)).toBe(true);
    await drain();
    expect(sentTo(me.openid, 'ENTITLEMENT_EXPIRING')).toHaveLength(0);

    s.clock.advance(new Date(validUntil).getTime() - 12 * 3600_000 - s.clock.now().getTime());
    // Bought inside the window: no reminder for this one (the traveller just chose it). The demo
    // passes last 2–3 days, so a short validity is made in SQL.
    const late = await buyPaid(s, { token: me.token, travelDate: travelToday() });
    await s.app.db.query('UPDATE ticket SET valid_until = $2 WHERE order_id = $1', [late.orderId, new Date(s.clock.now().getTime() + 6 * 3600_000)]);
    const runs = await Promise.all([s.app.scheduler.runNow(NOTIFICATION_JOBS.reminders), s.app.scheduler.runNow(NOTIFICATION_JOBS.reminders)]);
    expect(runs.sort()).toEqual([false, true]);
    await s.app.scheduler.runNow(NOTIFICATION_JOBS.reminders);
    await drain();
    s.clock.advance(3600_000);
    await s.app.scheduler.runNow(NOTIFICATION_JOBS.reminders);
    await drain();

    const reminders = sentTo(me.openid, 'ENTITLEMENT_EXPIRING');
    expect(reminders).toHaveLength(1);
    expect(reminders[0].data).toMatchObject({ thing1: { value: '3-in-1 Transport Pa…' }, thing3: { value: '尚有7项权益未使用，请尽快使用' } });
    expect(value(reminders[0], 'time2')).toMatch(/ 23:59$/);
    expect(reminders[0].page).toBe(`pkg-tickets/order/index?id=${pass.orderId}`);
    const rows = await rowsOf(me.openid);
    expect(rows.filter((r) => r.kind === 'ENTITLEMENT_EXPIRING')).toEqual([expect.objectContaining({ status: 'SENT' })]);
    expect(rows.some((r) => r.idempotencyKey.startsWith(`expiring:${late.orderId}:`))).toBe(false);
    expect((await s.gql(TEMPLATES, {}, me.token)).data.notificationTemplates.find((t: any) => t.kind === 'ENTITLEMENT_EXPIRING').remaining).toBe(2);
    s.clock.offsetMs = 0;
  });

  it('a burst of events becomes messages in one transaction: consents taken in order, repeats change nothing, a bad event is given up alone', async () => {
    const me = await traveller();
    await consent(me.token, ['REDEMPTION_SUCCESS'], 2);
    const noWx = await traveller(null);
    const idOf = async (token: string) => (await s.app.db.query<{ id: number }>('SELECT id FROM traveller WHERE dev_token = $1', [token]))[0].id;
    const payload = (travellerId: number, i: number) => ({
      travellerId, ticketCode: `TKBURST${n}${i}`, lineName: '港澳船票（单程一次）', merchantName: '喷射飞航 TurboJET', at: s.clock.now().toISOString(),
    });
    const svc = s.app.services.notifications;
    const createMany = svc.createMany.bind(svc);
    const calls: number[][] = [];
    svc.createMany = async (ctx, drafts) => {
      calls.push(drafts.map((d) => d.eventId ?? 0));
      return createMany(ctx, drafts);
    };
    try {
      const mine1 = await idOf(me.token);
      const events = await s.app.db.tx(async (sql) => {
        await s.app.outbox.addMany(sql, 'redemption.recorded', [payload(mine1, 1), payload(mine1, 2), payload(99_999_999, 3), payload(mine1, 4), payload(await idOf(noWx.token), 5)]);
        return (await sql.query<{ id: number }>(`SELECT id::int AS id FROM outbox_event WHERE topic = 'redemption.recorded' ORDER BY id DESC LIMIT 5`)).map((r) => r.id).reverse();
      });
      await drain();
      // The five together first; the unknown traveller spoils that transaction, so each is made alone.
      const ours = calls.filter((c) => c.some((id) => events.includes(id)));
      expect(ours).toEqual([events, ...events.map((id) => [id])]);
      expect((await rowsOf(me.openid)).map((r) => [r.kind, r.status])).toEqual([
        ['REDEMPTION_SUCCESS', 'SENT'], ['REDEMPTION_SUCCESS', 'SENT'], ['REDEMPTION_SUCCESS', 'SKIPPED_NO_CONSENT'],
      ]);
      // Sent several at a time (NOTIFICATION_SEND_CONCURRENCY): which reaches WeChat first is not fixed.
      expect(sentTo(me.openid, 'REDEMPTION_SUCCESS').map((m) => value(m, 'character_string4')).sort()).toEqual([`TKBURST${n}1`, `TKBURST${n}2`]);
      expect((await mine(noWx.token)).map((x) => x.status)).toEqual(['SKIPPED_NO_OPENID']);
      const outcome = await s.app.db.query<{ status: string }>('SELECT status FROM outbox_event WHERE id = ANY($1::bigint[]) ORDER BY id', [events]);
      expect(outcome.map((r) => r.status)).toEqual(['DELIVERED', 'DELIVERED', 'DEAD', 'DELIVERED', 'DELIVERED']);

      // The same events again (a re-delivery): the existing messages answer, no consent is used, nothing is sent.
      const again = await createMany(s.systemContext(), [
        { key: `evt:${events[0]}:REDEMPTION_SUCCESS`, kind: 'REDEMPTION_SUCCESS', travellerId: mine1, eventId: events[0], page: null, values: {} },
        { key: `evt:${events[3]}:REDEMPTION_SUCCESS`, kind: 'REDEMPTION_SUCCESS', travellerId: mine1, eventId: events[3], page: null, values: {} },
      ]);
      expect(again.map((r) => [r.status, r.created])).toEqual([['SENT', false], ['SKIPPED_NO_CONSENT', false]]);
      await drain();
      expect(sentTo(me.openid, 'REDEMPTION_SUCCESS')).toHaveLength(2);
      expect((await s.gql(TEMPLATES, {}, me.token)).data.notificationTemplates.find((t: any) => t.kind === 'REDEMPTION_SUCCESS').remaining).toBe(0);
    } finally {
      svc.createMany = createMany;
    }
  });

  it('messages are sent several at a time (each send waits on WeChat), each exactly once', async () => {
    const me = await traveller();
    await consent(me.token, ['REDEMPTION_SUCCESS'], 6);
    const travellerId = (await s.app.db.query<{ id: number }>('SELECT id FROM traveller WHERE dev_token = $1', [me.token]))[0].id;
    wx.hold();
    try {
      await s.app.db.tx((sql) => s.app.outbox.addMany(sql, 'redemption.recorded', [1, 2, 3, 4, 5, 6].map((i) => ({
        travellerId, ticketCode: `TKPAR${n}${i}`, lineName: '港澳船票（单程一次）', merchantName: '喷射飞航 TurboJET', at: s.clock.now().toISOString(),
      }))));
      // A dispatcher sending one at a time would never have more than one send open at WeChat.
      await wx.waitForHeld(6, 10_000);
      expect(wx.held()).toBe(6);
    } finally {
      wx.release();
    }
    await drain();
    expect(sentTo(me.openid, 'REDEMPTION_SUCCESS').map((m) => value(m, 'character_string4')).sort()).toEqual([1, 2, 3, 4, 5, 6].map((i) => `TKPAR${n}${i}`));
    expect((await rowsOf(me.openid)).map((r) => r.status)).toEqual(Array(6).fill('SENT'));
  });

  it('concurrent bursts for one traveller never use more consents than were given', async () => {
    for (let round = 0; round < 3; round++) {
      const me = await traveller();
      await consent(me.token, ['REDEMPTION_SUCCESS'], 3);
      const travellerId = (await s.app.db.query<{ id: number }>('SELECT id FROM traveller WHERE dev_token = $1', [me.token]))[0].id;
      const burst = (tag: string) =>
        s.app.services.notifications.createMany(s.systemContext(), [1, 2].map((i) => ({
          key: `test:concurrent:${me.token}:${tag}${i}`, kind: 'REDEMPTION_SUCCESS' as const, travellerId, eventId: null, page: null,
          values: { item: '港澳船票', place: 'TurboJET', redeemedAt: '2026年12月7日 10:00', ticketCode: `${tag}${i}` },
        })));
      const [a, b] = await Promise.all([burst('a'), burst('b')]);
      const statuses = [...a, ...b].map((r) => r.status).sort();
      expect(statuses).toEqual(['PENDING', 'PENDING', 'PENDING', 'SKIPPED_NO_CONSENT']);
      const [c] = await s.app.db.query<{ remaining: number; used: number }>(
        `SELECT (SELECT remaining FROM notification_consent WHERE traveller_id = $1) AS remaining,
                (SELECT count(*)::int FROM notification WHERE traveller_id = $1 AND consent_id IS NOT NULL) AS used`,
        [travellerId],
      );
      expect(c).toEqual({ remaining: 0, used: 3 });
      await drain();
      expect(sentTo(me.openid, 'REDEMPTION_SUCCESS')).toHaveLength(3);
    }
  });

  it('order completed is notified only while the setting is on', async () => {
    const me = await traveller();
    await consent(me.token, ['ORDER_COMPLETED'], 2);
    const ctx = s.systemContext();
    await s.app.services.settings.set(ctx, 'orderCompletedNotification', false);
    const off = await buyPaid(s, { token: me.token, travelDate: travelToday() });
    await s.app.services.settings.set(ctx, 'orderCompletedNotification', true);
    const on = await buyPaid(s, { token: me.token, travelDate: travelToday() });
    // Complete "off" while the setting is off, "on" while it is on (tickets used up in SQL, then the expiry job settles).
    const complete = async (orderId: number) => {
      await s.app.db.query(`UPDATE ticket SET valid_until = $2 WHERE order_id = $1`, [orderId, new Date(s.clock.now().getTime() - 1000)]);
      await s.app.scheduler.runNow('ticket-expiry');
      await drain();
    };
    await s.app.services.settings.set(ctx, 'orderCompletedNotification', false);
    await complete(off.orderId);
    await s.app.services.settings.set(ctx, 'orderCompletedNotification', true);
    await complete(on.orderId);
    const done = sentTo(me.openid, 'ORDER_COMPLETED');
    expect(done.map((m) => value(m, 'character_string1'))).toEqual([on.orderNo]);
    expect((await rowsOf(me.openid)).filter((r) => r.kind === 'ORDER_COMPLETED')).toHaveLength(1);
    await s.app.services.settings.set(ctx, 'orderCompletedNotification', false);
  });
});
