import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { startFakeWechatPay, type FakeWechatPay } from '../../../../test/support/fake-wechatpay.js';
import {
  buildAuthorizationHeader,
  decryptNotifyResource,
  pickWechatpayHeaders,
  verifyNotifySignature,
  WechatCryptoError,
  type WechatPayVerifierKeys,
} from './wechat-crypto.js';

const MCHID = '1900000001';
const APPID = 'wxd678efh567hg6787';
const API_V3_KEY = 'abcdefghijklmnopqrstuvwxyz012345';
const SERIAL_NO = '5157F09EFDC096DE15EBE81A47057A7232F1B8E1';

const merchant = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});

let fake: FakeWechatPay;
let keys: WechatPayVerifierKeys;

beforeAll(async () => {
  fake = await startFakeWechatPay({ mchid: MCHID, appid: APPID, merchantPublicKeyPem: merchant.publicKey, apiV3Key: API_V3_KEY });
  keys = { publicKeys: new Map([[fake.platformKeyId, fake.platformPublicKeyPem]]) };
});
afterAll(async () => {
  await fake.close();
});

/** A signed API v3 call, as our gateway makes it. */
async function call(method: 'GET' | 'POST', url: string, body?: object, opts: { sign?: boolean } = {}) {
  const text = body === undefined ? '' : JSON.stringify(body);
  const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'deeptravel-test' };
  if (text) headers['Content-Type'] = 'application/json';
  if (opts.sign !== false) {
    headers.Authorization = buildAuthorizationHeader({
      mchid: MCHID,
      serialNo: SERIAL_NO,
      privateKeyPem: merchant.privateKey,
      method,
      urlPathWithQuery: url,
      body: text,
    });
  }
  const res = await fetch(fake.baseUrl + url, { method, headers, ...(text ? { body: text } : {}) });
  const raw = await res.text();
  const verified = verifyNotifySignature(
    pickWechatpayHeaders(Object.fromEntries(res.headers)),
    raw,
    keys,
    Date.now(),
  );
  return { status: res.status, raw, json: raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined, verified };
}

const prepayBody = (outTradeNo: string, total = 4200) => ({
  appid: APPID,
  mchid: MCHID,
  description: '3-in-1 Transport Pass',
  out_trade_no: outTradeNo,
  time_expire: '2030-01-01T10:00:00+08:00',
  notify_url: 'https://example.com/payments/wechat/notify',
  amount: { total, currency: 'CNY' },
  payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
});

describe('fake WeChat Pay server', () => {
  it('serves a JSAPI prepay for a signed request, with a signed response', async () => {
    const res = await call('POST', '/v3/pay/transactions/jsapi', prepayBody('DT20240518000001'));
    expect(res.status).toBe(200);
    expect(res.json?.prepay_id).toMatch(/^wx[0-9a-f]+/);
    expect(res.verified).toEqual({ ok: true });
    expect(fake.platformKeyId).toMatch(/^PUB_KEY_ID_0114\d+$/);
    const rec = fake.requests.at(-1)!;
    expect(rec).toMatchObject({ method: 'POST', path: '/v3/pay/transactions/jsapi', authorized: true, status: 200 });
    // Same out_trade_no again: the same prepay id, as WeChat does.
    const again = await call('POST', '/v3/pay/transactions/jsapi', prepayBody('DT20240518000001'));
    expect(again.json?.prepay_id).toBe(res.json?.prepay_id);
  });

  it('answers 401 SIGN_ERROR to an unsigned or badly signed request', async () => {
    const unsigned = await call('POST', '/v3/pay/transactions/jsapi', prepayBody('DT20240518000002'), { sign: false });
    expect(unsigned.status).toBe(401);
    expect(unsigned.json).toMatchObject({ code: 'SIGN_ERROR' });
    expect(typeof unsigned.json?.message).toBe('string');

    const text = JSON.stringify(prepayBody('DT20240518000002'));
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = buildAuthorizationHeader({
      mchid: MCHID, serialNo: SERIAL_NO, privateKeyPem: other.privateKey, method: 'POST', urlPathWithQuery: '/v3/pay/transactions/jsapi', body: text,
    });
    const res = await fetch(`${fake.baseUrl}/v3/pay/transactions/jsapi`, {
      method: 'POST', headers: { Authorization: forged, 'Content-Type': 'application/json' }, body: text,
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'SIGN_ERROR' });
    expect(fake.transactions.has('DT20240518000002')).toBe(false);
  });

  it('queries, closes and refunds, with the trade states a test sets', async () => {
    await call('POST', '/v3/pay/transactions/jsapi', prepayBody('DT20240518000003'));
    const q = await call('GET', `/v3/pay/transactions/out-trade-no/DT20240518000003?mchid=${MCHID}`);
    expect(q.status).toBe(200);
    expect(q.json).toMatchObject({ out_trade_no: 'DT20240518000003', trade_state: 'NOTPAY', amount: { total: 4200 } });

    const closed = await call('POST', '/v3/pay/transactions/out-trade-no/DT20240518000003/close', { mchid: MCHID });
    expect(closed.status).toBe(204);
    expect(closed.verified).toEqual({ ok: true });
    expect(fake.transactions.get('DT20240518000003')?.trade_state).toBe('CLOSED');

    fake.setTransaction('DT20240518000004', { trade_state: 'SUCCESS', amount: { total: 4200, currency: 'CNY' } });
    const lateClose = await call('POST', '/v3/pay/transactions/out-trade-no/DT20240518000004/close', { mchid: MCHID });
    expect(lateClose).toMatchObject({ status: 400, json: { code: 'ORDERPAID' } });

    const refundReq = { out_trade_no: 'DT20240518000004', out_refund_no: 'RF1', reason: 'traveller', amount: { refund: 4200, total: 4200, currency: 'CNY' } };
    const refund = await call('POST', '/v3/refund/domestic/refunds', refundReq);
    expect(refund.status).toBe(200);
    expect(refund.json).toMatchObject({ out_refund_no: 'RF1', status: 'PROCESSING', amount: { refund: 4200, total: 4200 } });
    // A retry with the same out_refund_no gets the same refund.
    const retry = await call('POST', '/v3/refund/domestic/refunds', refundReq);
    expect(retry.json?.refund_id).toBe(refund.json?.refund_id);

    fake.setRefund('RF1', { status: 'SUCCESS' });
    const rq = await call('GET', '/v3/refund/domestic/refunds/RF1');
    expect(rq.json).toMatchObject({ out_refund_no: 'RF1', status: 'SUCCESS' });
    expect((await call('GET', '/v3/refund/domestic/refunds/NOPE')).status).toBe(404);
  });

  it('injects a one-shot failure for a path', async () => {
    fake.setNextResponse('/v3/pay/transactions/jsapi', 500, { code: 'SYSTEM_ERROR', message: '系统错误' });
    const failed = await call('POST', '/v3/pay/transactions/jsapi', prepayBody('DT20240518000005'));
    expect(failed).toMatchObject({ status: 500, json: { code: 'SYSTEM_ERROR' }, verified: { ok: true } });
    const ok = await call('POST', '/v3/pay/transactions/jsapi', prepayBody('DT20240518000005'));
    expect(ok.status).toBe(200);
  });

  it('builds signed notifies that verify and decrypt with wechat-crypto', () => {
    const resource = fake.transactionResource({ out_trade_no: 'DT20240518000006', total: 4200 });
    const notify = fake.buildSignedNotify({ event_type: 'TRANSACTION.SUCCESS', resource });
    const headers = pickWechatpayHeaders(Object.fromEntries(Object.entries(notify.headers).map(([k, v]) => [k.toLowerCase(), v])));
    expect(verifyNotifySignature(headers, notify.body, keys, Date.now())).toEqual({ ok: true });
    const body = JSON.parse(notify.body) as { event_type: string; resource_type: string; resource: Parameters<typeof decryptNotifyResource>[0] };
    expect(body).toMatchObject({ event_type: 'TRANSACTION.SUCCESS', resource_type: 'encrypt-resource', resource: { associated_data: 'transaction', original_type: 'transaction' } });
    expect(decryptNotifyResource(body.resource, API_V3_KEY)).toEqual(resource);
    // The fake now knows the trade as paid, so a later query or refund agrees with the notify.
    expect(fake.transactions.get('DT20240518000006')).toMatchObject({ trade_state: 'SUCCESS', transaction_id: resource.transaction_id });

    const refund = fake.buildSignedNotify({
      event_type: 'REFUND.SUCCESS',
      resource: fake.refundResource({ out_refund_no: 'RF6', out_trade_no: 'DT20240518000006', refund: 100, total: 4200 }),
    });
    const refundBody = JSON.parse(refund.body) as typeof body;
    expect(decryptNotifyResource(refundBody.resource, API_V3_KEY)).toMatchObject({ out_refund_no: 'RF6', refund_status: 'SUCCESS' });
  });

  it('builds tampered notifies that wechat-crypto refuses', () => {
    const resource = fake.transactionResource({ out_trade_no: 'DT20240518000007', total: 4200 });
    const verify = (n: { headers: Record<string, string>; body: string }, now = Date.now()) =>
      verifyNotifySignature(
        pickWechatpayHeaders(Object.fromEntries(Object.entries(n.headers).map(([k, v]) => [k.toLowerCase(), v]))),
        n.body,
        keys,
        now,
      );
    expect(verify(fake.buildSignedNotify({ event_type: 'TRANSACTION.SUCCESS', resource, tamper: 'signature' }))).toMatchObject({ reason: 'BAD_SIGNATURE' });
    expect(verify(fake.buildSignedNotify({ event_type: 'TRANSACTION.SUCCESS', resource, tamper: 'body' }))).toMatchObject({ reason: 'BAD_SIGNATURE' });
    expect(verify(fake.buildSignedNotify({ event_type: 'TRANSACTION.SUCCESS', resource, tamper: 'serial' }))).toMatchObject({ reason: 'UNKNOWN_SERIAL' });
    expect(verify(fake.buildSignedNotify({ event_type: 'TRANSACTION.SUCCESS', resource, tamper: 'signtest' }))).toMatchObject({ reason: 'SIGNATURE_PROBE' });
    const old = Math.floor(Date.now() / 1000) - 301;
    expect(verify(fake.buildSignedNotify({ event_type: 'TRANSACTION.SUCCESS', resource, timestampOverride: old }))).toMatchObject({ reason: 'STALE_TIMESTAMP' });

    // Tampered ciphertext: the signature is fine, the GCM tag is not.
    const tampered = fake.buildSignedNotify({ event_type: 'TRANSACTION.SUCCESS', resource, tamper: 'ciphertext' });
    expect(verify(tampered)).toEqual({ ok: true });
    const body = JSON.parse(tampered.body) as { resource: Parameters<typeof decryptNotifyResource>[0] };
    expect(() => decryptNotifyResource(body.resource, API_V3_KEY)).toThrow(WechatCryptoError);
    // Tampered notifies do not change the fake's state.
    expect(fake.transactions.has('DT20240518000007')).toBe(false);
  });
});
