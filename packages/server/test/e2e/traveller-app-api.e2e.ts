import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer } from '../support/harness.js';
import { startFakeWechatApi, type FakeWechatApi } from '../support/fake-wechat-api.js';
import { addTrip, CREATE_ORDER } from '../support/fixtures.js';
import WebSocket from 'ws';
import { HttpWechatSessionClient } from '../../src/modules/identity/wechat-session.client.js';

const LOGIN = `mutation($code: String!) { loginWithWechat(code: $code) { token expiresAt travellerId isNewTraveller } }`;
const REFRESH = `mutation { refreshSession { token expiresAt travellerId isNewTraveller } }`;
const ME = `{ me { id nickname } }`;
const SAVED = `{ mySavedPassengers { id name passengerType phoneMasked hasPhone } }`;
const ADD = `mutation($input: SavedPassengerInput!) { addSavedPassenger(input: $input) { id name passengerType phoneMasked hasPhone } }`;
const UPDATE = `mutation($id: ID!, $input: SavedPassengerInput!) { updateSavedPassenger(id: $id, input: $input) { id name passengerType phoneMasked hasPhone } }`;
const DELETE = `mutation($id: ID!) { deleteSavedPassenger(id: $id) }`;

describe('what the traveller app needs: WeChat login, sessions, saved passengers (issue 12)', () => {
  let s: TestServer;
  let wx: FakeWechatApi;
  beforeAll(async () => {
    wx = await startFakeWechatApi();
    s = await startTestServer({ env: { WECHAT_APPID: wx.appid, WECHAT_APP_SECRET: wx.secret, WECHAT_API_BASE_URL: wx.url } });
  });
  afterAll(async () => {
    await s?.close();
    await wx?.close();
  });

  it('logs in with a wx.login code: the traveller is created once per openid, and the token works', async () => {
    wx.addCode('code-a1', 'openid-alice');
    const first = await s.gql(LOGIN, { code: 'code-a1' }, null);
    expect(first.errors).toBeUndefined();
    const session = first.data.loginWithWechat;
    expect(session.isNewTraveller).toBe(true);
    expect(session.token).toMatch(/^v1\./);
    expect(new Date(session.expiresAt).getTime()).toBeGreaterThan(Date.now() + 6 * 86400_000);
    expect(wx.requests.at(-1)?.query).toMatchObject({ appid: wx.appid, js_code: 'code-a1', grant_type: 'authorization_code' });

    const me = await s.gql(ME, {}, session.token);
    expect(me.data.me.id).toBe(session.travellerId);

    wx.addCode('code-a2', 'openid-alice');
    const again = await s.gql(LOGIN, { code: 'code-a2' }, null);
    expect(again.data.loginWithWechat).toMatchObject({ travellerId: session.travellerId, isNewTraveller: false });
    const [row] = await s.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM traveller WHERE openid = 'openid-alice'`);
    expect(row.n).toBe(1);
  });

  it('refuses used, unknown and failing codes with coded errors', async () => {
    wx.addCode('code-b1', 'openid-bob');
    expect((await s.gql(LOGIN, { code: 'code-b1' }, null)).errors).toBeUndefined();
    const reused = await s.gql(LOGIN, { code: 'code-b1' }, null);
    expect(reused.errors?.[0].extensions.code).toBe('WECHAT_LOGIN_FAILED');
    const unknown = await s.gql(LOGIN, { code: 'nope' }, null);
    expect(unknown.errors?.[0].extensions.code).toBe('WECHAT_LOGIN_FAILED');
    wx.setNextError(-1, 'system error');
    wx.addCode('code-b2', 'openid-bob');
    const busy = await s.gql(LOGIN, { code: 'code-b2' }, null);
    expect(busy.errors?.[0].extensions.code).toBe('WECHAT_LOGIN_UNAVAILABLE');
    const empty = await s.gql(LOGIN, { code: ' ' }, null);
    expect(empty.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('refreshes a valid token; an expired or forged one is refused on HTTP and on graphql-ws', async () => {
    wx.addCode('code-c1', 'openid-carol');
    const { token, travellerId } = (await s.gql(LOGIN, { code: 'code-c1' }, null)).data.loginWithWechat;
    s.clock.advance(3600_000);
    const refreshed = await s.gql(REFRESH, {}, token);
    expect(refreshed.data.refreshSession.travellerId).toBe(travellerId);
    expect(new Date(refreshed.data.refreshSession.expiresAt).getTime()).toBeGreaterThan(s.clock.now().getTime() + 6.9 * 86400_000);

    const forged = token.slice(0, -3) + (token.endsWith('aaa') ? 'bbb' : 'aaa');
    expect((await s.gql(ME, {}, forged)).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await s.gql(REFRESH, {}, null)).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');

    expect(await wsHandshake(s.url, forged)).toEqual({ closeCode: 4403 });
    expect(await wsHandshake(s.url, token)).toEqual({ ack: true });

    // Past the first token's expiry, before the refreshed one's.
    s.clock.advance(7 * 86400_000 - 1800_000);
    const expired = await s.gql(ME, {}, token);
    expect(expired.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await s.gql(REFRESH, {}, token)).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(await wsHandshake(s.url, token)).toEqual({ closeCode: 4403 });
    // The newer token is still good until its own expiry.
    expect((await s.gql(ME, {}, refreshed.data.refreshSession.token)).errors).toBeUndefined();
    s.clock.offsetMs = 0;
  });

  it('says login is unavailable when the mini-program credentials are not configured', async () => {
    const bare = new HttpWechatSessionClient({ appid: undefined, secret: undefined, baseUrl: wx.url });
    await expect(bare.codeToSession('x')).rejects.toMatchObject({ code: 'WECHAT_LOGIN_UNAVAILABLE' });
    const down = new HttpWechatSessionClient({ appid: wx.appid, secret: wx.secret, baseUrl: 'http://127.0.0.1:9', timeoutMs: 500 });
    await expect(down.codeToSession('x')).rejects.toMatchObject({ code: 'WECHAT_LOGIN_UNAVAILABLE' });
  });

  it('keeps saved passengers per traveller, phone masked, with add, update and delete', async () => {
    const a = await s.gql(ADD, { input: { name: '张三', type: 'ADULT', phone: '13812345678' } });
    expect(a.errors).toBeUndefined();
    expect(a.data.addSavedPassenger).toMatchObject({ name: '张三', passengerType: 'ADULT', phoneMasked: '138****5678', hasPhone: true });
    const b = (await s.gql(ADD, { input: { name: '张小明', type: 'CHILD' } })).data.addSavedPassenger;
    expect(b).toMatchObject({ phoneMasked: null, hasPhone: false });

    const list = await s.gql(SAVED);
    expect(list.data.mySavedPassengers.map((p: any) => p.name)).toEqual(['张三', '张小明']);
    // Someone else's list is their own.
    expect((await s.gql(SAVED, {}, 'user456')).data.mySavedPassengers).toEqual([]);
    expect((await s.gql(UPDATE, { id: b.id, input: { name: '王五' } }, 'user456')).errors?.[0].extensions.code).toBe('SAVED_PASSENGER_NOT_FOUND');

    const upd = await s.gql(UPDATE, { id: a.data.addSavedPassenger.id, input: { type: 'SENIOR' } });
    expect(upd.data.updateSavedPassenger).toMatchObject({ name: '张三', passengerType: 'SENIOR', phoneMasked: '138****5678' });
    const cleared = await s.gql(UPDATE, { id: a.data.addSavedPassenger.id, input: { phone: null } });
    expect(cleared.data.updateSavedPassenger).toMatchObject({ phoneMasked: null, hasPhone: false });

    expect((await s.gql(ADD, { input: { name: '', type: 'ADULT' } })).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    expect((await s.gql(ADD, { input: { name: '李四' } })).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'type' });
    expect((await s.gql(ADD, { input: { name: '李四', type: 'ADULT', phone: 'abc' } })).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'phone' });

    expect((await s.gql(DELETE, { id: b.id })).data.deleteSavedPassenger).toBe(true);
    expect((await s.gql(DELETE, { id: b.id })).errors?.[0].extensions.code).toBe('SAVED_PASSENGER_NOT_FOUND');
    expect((await s.gql(SAVED)).data.mySavedPassengers).toHaveLength(1);
  });

  it('caps saved passengers at 20 per traveller', async () => {
    const [t] = await s.app.db.query<{ id: number }>(`INSERT INTO traveller (dev_token) VALUES ('cap-user') RETURNING id`);
    await s.app.db.query(
      `INSERT INTO saved_passenger (traveller_id, name, passenger_type) SELECT $1, 'P' || g, 'ADULT' FROM generate_series(1, 20) g`, [t.id],
    );
    const res = await s.gql(ADD, { input: { name: '多一个', type: 'ADULT' } }, 'cap-user');
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'SAVED_PASSENGER_LIMIT', max: 20 });
  });

  it('creates an order with saved passengers by id beside inline ones', async () => {
    const trip = await addTrip(s, 20);
    const saved = (await s.gql(ADD, { input: { name: '陈大文', type: 'ADULT', phone: '+852 9123 4567' } })).data.addSavedPassenger;
    const child = (await s.gql(ADD, { input: { name: '陈小文', type: 'CHILD' } })).data.addSavedPassenger;
    const res = await s.gql(CREATE_ORDER, {
      input: {
        items: [{ productId: '1', tripId: String(trip) }],
        passengers: [{ savedPassengerId: saved.id }, { savedPassengerId: child.id }, { name: '路人甲', type: 'ADULT' }],
      },
    });
    expect(res.errors).toBeUndefined();
    const o = res.data.createOrder;
    expect(o.passengers).toEqual([
      { name: '陈大文', passengerType: 'ADULT', phoneMasked: '852****4567' },
      { name: '陈小文', passengerType: 'CHILD', phoneMasked: null },
      { name: '路人甲', passengerType: 'ADULT', phoneMasked: null },
    ]);
    expect(o.totalAmount).toBe(2 * 26000 + 19500);

    const other = await s.gql(CREATE_ORDER, { input: { items: [{ productId: '1', tripId: String(trip) }], passengers: [{ savedPassengerId: saved.id }] } }, 'user456');
    expect(other.errors?.[0].extensions).toMatchObject({ code: 'SAVED_PASSENGER_NOT_FOUND', field: 'passengers[0].savedPassengerId' });
    const noName = await s.gql(CREATE_ORDER, { input: { items: [{ productId: '1', tripId: String(trip) }], passengers: [{ type: 'ADULT' }] } });
    expect(noName.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'passengers[0].name' });
  });
});

/** Opens a graphql-ws connection with a bearer token: acknowledged, or closed with a code. */
function wsHandshake(httpUrl: string, token: string): Promise<{ ack: true } | { closeCode: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${httpUrl.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
    ws.on('message', (data) => {
      if (JSON.parse(String(data)).type === 'connection_ack') {
        ws.close();
        resolve({ ack: true });
      }
    });
    ws.on('close', (code) => resolve({ closeCode: code }));
    ws.on('error', reject);
  });
}
