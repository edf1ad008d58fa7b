import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createTestDatabase, hkDate, startTestServer, TEST_REDIS_URL, type TestDatabase, type TestServer } from '../support/harness.js';
import { addTravellers } from '../support/fixtures.js';
import { startFakeWechatApi, type FakeWechatApi } from '../support/fake-wechat-api.js';

const TEMPLATE = 'tmplPaymentSuccess000000000000000000000001';

/** Two server instances on one PostgreSQL and one Redis prefix, both dispatching the outbox. */
describe('notifications with two dispatchers (issue 8)', () => {
  let wx: FakeWechatApi;
  let db: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  const redisPrefix = `dt-test-${randomBytes(4).toString('hex')}:`;

  beforeAll(async () => {
    wx = await startFakeWechatApi({ templateIds: [TEMPLATE] });
    db = await createTestDatabase();
    const env = {
      NOTIFICATION_CHANNEL: 'wechat', WECHAT_APPID: wx.appid, WECHAT_APP_SECRET: wx.secret, WECHAT_API_BASE_URL: wx.baseUrl,
      WECHAT_TEMPLATE_PAYMENT_SUCCESS: TEMPLATE,
    };
    a = await startTestServer({ database: db, redisPrefix, env });
    b = await startTestServer({ database: db, redisPrefix, env });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await db?.drop();
    const redis = new Redis(TEST_REDIS_URL);
    const keys = await redis.keys(`${redisPrefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await wx?.close();
  });

  let txn = 0;
  /** A paid pass order for a traveller, through instance `s`. */
  const pay = async (s: TestServer, token: string) => {
    const o = (await s.rest('POST', '/orders', { items: [{ product_id: 101, qty: 1, travel_date: hkDate(1, s.clock.now()) }] }, token)).body;
    const paid = await s.rest('POST', '/payments/notify', { order_id: o.order_id, gateway_txn_id: `NC-${++txn}-${Date.now()}`, status: 'SUCCESS', amount: o.total_amount }, null);
    expect(paid.status).toBe(200);
    return o.order_id as number;
  };
  const travellers = async (prefix: string, count: number) => {
    const tokens = await addTravellers(a, prefix, count);
    await a.app.db.query(`UPDATE traveller SET openid = 'o-' || dev_token WHERE dev_token = ANY($1::text[])`, [tokens]);
    return tokens;
  };
  const sendsTo = (openid: string) => wx.sent.filter((m) => m.touser === openid).length;

  it('two dispatchers draining the same events at once send one message per event, and share one access token', async () => {
    const tokens = await travellers('nc-par', 12);
    // The events are written without waking a dispatcher, then both instances drain at the same time.
    const orderIds: number[] = [];
    for (const t of tokens) orderIds.push(await pay(a, t));
    await a.app.outbox.drain();
    // Those payments found no consent (recorded as skipped); now consent, and replay each payment as a new event.
    for (const t of tokens) {
      const r = await a.gql(`mutation($k: [String!]!) { recordSubscribeConsent(templateKeys: $k) { remaining } }`, { k: [TEMPLATE] }, t);
      expect(r.errors).toBeUndefined();
    }
    await a.app.db.query(
      `INSERT INTO outbox_event (topic, payload, available_at)
       SELECT topic, payload, now() - interval '1 minute' FROM outbox_event WHERE topic = 'payment.succeeded' AND (payload->>'orderId')::int = ANY($1::int[])`,
      [orderIds],
    );
    expect(wx.tokensIssued()).toBe(0);
    await Promise.all([a.app.outbox.drain(), b.app.outbox.drain(), a.app.outbox.drain(), b.app.outbox.drain()]);
    await Promise.all([a.app.outbox.drain(), b.app.outbox.drain()]);
    for (const t of tokens) expect(sendsTo(`o-${t}`)).toBe(1);
    const [{ sent, skipped }] = await a.app.db.query<{ sent: number; skipped: number }>(
      `SELECT count(*) FILTER (WHERE status = 'SENT')::int AS sent, count(*) FILTER (WHERE status = 'SKIPPED_NO_CONSENT')::int AS skipped
         FROM notification WHERE order_id = ANY($1::int[])`,
      [orderIds],
    );
    expect({ sent, skipped }).toEqual({ sent: 12, skipped: 12 });
    // Both instances sent with the token one of them fetched (Redis cache + lock: no stampede).
    expect(wx.tokensIssued()).toBe(1);
  });

  it('the same event handled on both instances at the same moment: one row, one consent used, one send', async () => {
    const [token] = await travellers('nc-same', 1);
    for (let i = 0; i < 3; i++) await a.gql(`mutation($k: [String!]!) { recordSubscribeConsent(templateKeys: $k) { remaining } }`, { k: [TEMPLATE] }, token);
    const [{ id: travellerId }] = await a.app.db.query<{ id: number }>('SELECT id FROM traveller WHERE dev_token = $1', [token]);
    const draft = {
      key: `evt:${900_000 + travellerId}:PAYMENT_SUCCESS`, kind: 'PAYMENT_SUCCESS' as const, travellerId, eventId: null, page: null,
      values: { orderNo: 'DTRACE1', amount: '¥1.00', products: 'P', paidAt: '2026年1月1日 10:00' },
    };
    const servers = [a, b, a, b, a, b];
    const made = await Promise.all(servers.map((s) => s.app.services.notifications.create(s.systemContext(), draft)));
    expect(made.filter((m) => m.created)).toHaveLength(1);
    expect(new Set(made.map((m) => m.id)).size).toBe(1);
    const [{ remaining }] = await a.app.db.query<{ remaining: number }>('SELECT remaining FROM notification_consent WHERE traveller_id = $1', [travellerId]);
    expect(remaining).toBe(2);
    // Six deliveries of that row at once, beside the dispatch the creation kicked: one send.
    const outcomes = await Promise.allSettled(servers.map((s) => s.app.services.notifications.deliver(s.systemContext(), made[0].id, { lastAttempt: false })));
    await Promise.all([a.app.outbox.drain(), b.app.outbox.drain()]);
    expect(sendsTo(`o-${token}`)).toBe(1);
    // The losers either found it finished or were told to come back later (the outbox would retry them).
    for (const o of outcomes) if (o.status === 'rejected') expect(String(o.reason)).toContain('being sent by another dispatcher');
    const [row] = await a.app.db.query<{ status: string; attempts: number }>('SELECT status, attempts FROM notification WHERE id = $1', [made[0].id]);
    expect(row).toEqual({ status: 'SENT', attempts: 1 });
  });

  it('a send still in flight on one instance is not repeated when the other re-claims its event after the outbox lease', async () => {
    const [token] = await travellers('nc-flight', 1);
    await a.gql(`mutation($k: [String!]!) { recordSubscribeConsent(templateKeys: $k) { remaining } }`, { k: [TEMPLATE] }, token);
    wx.hold();
    // Instance A dispatches right after the payment commits; its send is held by the fake WeChat.
    await pay(a, token);
    await wx.waitForHeld(1);
    // The outbox lease (60 s) runs out while A still waits for WeChat: B claims the same delivery event.
    a.clock.advance(61_000);
    b.clock.advance(61_000);
    await b.app.outbox.drain();
    const [row] = await a.app.db.query<{ status: string; attempts: number }>(`SELECT status, attempts FROM notification WHERE openid = $1`, [`o-${token}`]);
    expect(row).toEqual({ status: 'SENDING', attempts: 1 });
    const [event] = await a.app.db.query<{ attempts: number; lastError: string }>(
      `SELECT attempts, last_error AS "lastError" FROM outbox_event WHERE topic = 'notification.deliver' ORDER BY id DESC LIMIT 1`,
    );
    expect(event.attempts).toBe(2);
    expect(event.lastError).toContain('being sent by another dispatcher');
    wx.release();
    await a.app.outbox.drain();
    a.clock.advance(10_000);
    b.clock.advance(10_000);
    await Promise.all([a.app.outbox.drain(), b.app.outbox.drain()]);
    expect(sendsTo(`o-${token}`)).toBe(1);
    const [after] = await a.app.db.query<{ status: string; attempts: number }>(`SELECT status, attempts FROM notification WHERE openid = $1`, [`o-${token}`]);
    expect(after).toEqual({ status: 'SENT', attempts: 1 });
    const [{ pending }] = await a.app.db.query<{ pending: number }>(`SELECT count(*)::int AS pending FROM outbox_event WHERE status <> 'DELIVERED' AND topic LIKE 'notification.%'`);
    expect(pending).toBe(0);
  });
});
