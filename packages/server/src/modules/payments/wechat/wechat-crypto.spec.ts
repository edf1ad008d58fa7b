import { describe, expect, it, beforeAll, afterAll } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  WechatCryptoError,
  buildAuthorizationHeader,
  buildJsapiPayParams,
  decryptNotifyResource,
  encryptNotifyResource,
  parseAuthorizationHeader,
  pickWechatpayHeaders,
  signMessage,
  verifyAuthorizationHeader,
  verifyMessage,
  verifyNotifySignature,
  type WechatPayVerifierKeys,
  type WechatpaySignatureHeaders,
} from './wechat-crypto.js';

const rsaPair = () =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });

const API_V3_KEY = 'abcdefghijklmnopqrstuvwxyz012345';
const KEY_ID = 'PUB_KEY_ID_0114232134912410000000000000000';
const NOW_MS = 1_716_000_000_000;
const NOW_S = String(NOW_MS / 1000);

const platform = rsaPair();
const keys: WechatPayVerifierKeys = { publicKeys: new Map([[KEY_ID, platform.publicKey]]) };

/** Sign a body the way WeChat signs a notify. */
function signed(body: string, opts: { timestamp?: string; nonce?: string; serial?: string; privateKey?: string } = {}) {
  const timestamp = opts.timestamp ?? NOW_S;
  const nonce = opts.nonce ?? 'fdasflkja484w';
  const headers: WechatpaySignatureHeaders = {
    serial: opts.serial ?? KEY_ID,
    timestamp,
    nonce,
    signature: signMessage(`${timestamp}\n${nonce}\n${body}\n`, opts.privateKey ?? platform.privateKey),
  };
  return headers;
}

const BODY = JSON.stringify({ id: 'EV-2018022511223320873', event_type: 'TRANSACTION.SUCCESS', summary: '支付成功' });

describe('verifyNotifySignature', () => {
  it('accepts a valid signature (string and Buffer body)', () => {
    const h = signed(BODY);
    expect(verifyNotifySignature(h, BODY, keys, NOW_MS)).toEqual({ ok: true });
    expect(verifyNotifySignature(h, Buffer.from(BODY, 'utf8'), keys, NOW_MS)).toEqual({ ok: true });
  });

  it('refuses a tampered body', () => {
    const h = signed(BODY);
    expect(verifyNotifySignature(h, BODY.replace('TRANSACTION', 'TRANSACTIOM'), keys, NOW_MS)).toEqual({
      ok: false,
      reason: 'BAD_SIGNATURE',
    });
    // Even whitespace counts: the raw body is signed, not its JSON meaning.
    expect(verifyNotifySignature(h, `${BODY} `, keys, NOW_MS)).toMatchObject({ reason: 'BAD_SIGNATURE' });
  });

  it('refuses a tampered nonce or timestamp header, a signature by another key, and garbage', () => {
    const h = signed(BODY);
    expect(verifyNotifySignature({ ...h, nonce: 'other' }, BODY, keys, NOW_MS)).toMatchObject({ reason: 'BAD_SIGNATURE' });
    expect(verifyNotifySignature({ ...h, timestamp: String(Number(NOW_S) + 1) }, BODY, keys, NOW_MS)).toMatchObject({
      reason: 'BAD_SIGNATURE',
    });
    const other = signed(BODY, { privateKey: rsaPair().privateKey });
    expect(verifyNotifySignature(other, BODY, keys, NOW_MS)).toMatchObject({ reason: 'BAD_SIGNATURE' });
    expect(verifyNotifySignature({ ...h, signature: 'not base64 !!' }, BODY, keys, NOW_MS)).toMatchObject({
      reason: 'BAD_SIGNATURE',
    });
  });

  it('refuses an unknown serial', () => {
    const h = signed(BODY, { serial: 'PUB_KEY_ID_0114999999999999999999999999999' });
    expect(verifyNotifySignature(h, BODY, keys, NOW_MS)).toEqual({ ok: false, reason: 'UNKNOWN_SERIAL' });
    // PUB_KEY_ID_ ids are matched exactly, not case-insensitively.
    expect(verifyNotifySignature({ ...signed(BODY), serial: KEY_ID.toLowerCase() }, BODY, keys, NOW_MS)).toMatchObject({
      reason: 'UNKNOWN_SERIAL',
    });
  });

  it('refuses a stale (301 s old) and a future (301 s ahead) timestamp, accepts exactly 300 s', () => {
    const stale = signed(BODY, { timestamp: String(Number(NOW_S) - 301) });
    expect(verifyNotifySignature(stale, BODY, keys, NOW_MS)).toEqual({ ok: false, reason: 'STALE_TIMESTAMP' });
    const future = signed(BODY, { timestamp: String(Number(NOW_S) + 301) });
    expect(verifyNotifySignature(future, BODY, keys, NOW_MS)).toEqual({ ok: false, reason: 'STALE_TIMESTAMP' });
    const edge = signed(BODY, { timestamp: String(Number(NOW_S) - 300) });
    expect(verifyNotifySignature(edge, BODY, keys, NOW_MS)).toEqual({ ok: true });
    const notNumber = signed(BODY, { timestamp: '17e8' });
    expect(verifyNotifySignature(notNumber, BODY, keys, NOW_MS)).toEqual({ ok: false, reason: 'STALE_TIMESTAMP' });
    expect(verifyNotifySignature(stale, BODY, keys, NOW_MS, 600)).toEqual({ ok: true });
  });

  it('refuses a WECHATPAY/SIGNTEST/ probe', () => {
    const h = { ...signed(BODY), signature: 'WECHATPAY/SIGNTEST/Zm9vYmFy' };
    expect(verifyNotifySignature(h, BODY, keys, NOW_MS)).toEqual({ ok: false, reason: 'SIGNATURE_PROBE' });
  });

  it('refuses missing headers', () => {
    const h = signed(BODY);
    for (const name of ['serial', 'signature', 'timestamp', 'nonce'] as const) {
      expect(verifyNotifySignature({ ...h, [name]: undefined }, BODY, keys, NOW_MS)).toEqual({
        ok: false,
        reason: 'MISSING_HEADER',
      });
      expect(verifyNotifySignature({ ...h, [name]: '' }, BODY, keys, NOW_MS)).toMatchObject({ reason: 'MISSING_HEADER' });
    }
  });

  it('picks the Wechatpay-* headers from node incoming headers', () => {
    const h = signed(BODY);
    const incoming = {
      'wechatpay-serial': h.serial,
      'wechatpay-signature': h.signature,
      'wechatpay-timestamp': h.timestamp,
      'wechatpay-nonce': h.nonce,
      'content-type': 'application/json',
    };
    expect(verifyNotifySignature(pickWechatpayHeaders(incoming), BODY, keys, NOW_MS)).toEqual({ ok: true });
    expect(pickWechatpayHeaders({ ...incoming, 'wechatpay-nonce': ['a', 'b'] }).nonce).toBeUndefined();
  });

  describe('platform-certificate serial', () => {
    let dir: string;
    let certPem: string;
    let certKey: string;
    let serial: string;

    beforeAll(() => {
      // node:crypto cannot create certificates; the openssl CLI makes a self-signed one.
      dir = mkdtempSync(join(tmpdir(), 'wxcert-'));
      execFileSync(
        'openssl',
        ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
          '-days', '2', '-subj', '/CN=Tenpay.com Root CA/O=Tenpay.com'],
        { stdio: 'ignore' },
      );
      certPem = readFileSync(join(dir, 'cert.pem'), 'utf8');
      certKey = readFileSync(join(dir, 'key.pem'), 'utf8');
      serial = new X509Certificate(certPem).serialNumber;
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('verifies with a certificate PEM keyed by its hex serial, alongside a public key id', () => {
      const both: WechatPayVerifierKeys = { publicKeys: new Map([[KEY_ID, platform.publicKey], [serial, certPem]]) };
      expect(verifyNotifySignature(signed(BODY, { serial, privateKey: certKey }), BODY, both, NOW_MS)).toEqual({ ok: true });
      // WeChat writes serials in upper case; a lower-case configured serial still matches.
      const lower: WechatPayVerifierKeys = { publicKeys: new Map([[serial.toLowerCase(), certPem]]) };
      expect(verifyNotifySignature(signed(BODY, { serial, privateKey: certKey }), BODY, lower, NOW_MS)).toEqual({ ok: true });
      // The public key id path still works, and a key does not verify for the other serial.
      expect(verifyNotifySignature(signed(BODY), BODY, both, NOW_MS)).toEqual({ ok: true });
      expect(verifyNotifySignature(signed(BODY, { serial }), BODY, both, NOW_MS)).toMatchObject({ reason: 'BAD_SIGNATURE' });
    });
  });
});

describe('decryptNotifyResource', () => {
  const plain = {
    out_trade_no: 'DT20240518000001',
    transaction_id: '4200000000202405180000000001',
    trade_state: 'SUCCESS',
    amount: { total: 4200, currency: 'CNY' },
    payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
    note: '中文',
  };

  it('round-trips', () => {
    const resource = encryptNotifyResource(plain, API_V3_KEY, 'transaction');
    expect(resource).toMatchObject({ algorithm: 'AEAD_AES_256_GCM', associated_data: 'transaction', original_type: 'transaction' });
    expect(resource.nonce).toHaveLength(12);
    expect(decryptNotifyResource(resource, API_V3_KEY)).toEqual(plain);
  });

  it('round-trips with empty or absent associated_data', () => {
    const resource = encryptNotifyResource(plain, API_V3_KEY, '');
    expect(decryptNotifyResource(resource, API_V3_KEY)).toEqual(plain);
    const { associated_data: _ignored, ...withoutAad } = resource;
    expect(decryptNotifyResource(withoutAad, API_V3_KEY)).toEqual(plain);
  });

  const expectDecryptFailed = (fn: () => unknown) => {
    let caught: unknown;
    try {
      fn();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(WechatCryptoError);
    expect((caught as WechatCryptoError).code).toBe('DECRYPT_FAILED');
  };

  it('refuses a ciphertext with one flipped byte (the library trap: the GCM tag is checked)', () => {
    const resource = encryptNotifyResource(plain, API_V3_KEY, 'transaction');
    const bytes = Buffer.from(resource.ciphertext, 'base64');
    for (const index of [0, 5, bytes.length - 17, bytes.length - 1]) {
      const copy = Buffer.from(bytes);
      copy[index] = copy[index]! ^ 0x01;
      expectDecryptFailed(() => decryptNotifyResource({ ...resource, ciphertext: copy.toString('base64') }, API_V3_KEY));
    }
  });

  it('refuses a wrong associated_data, nonce or key', () => {
    const resource = encryptNotifyResource(plain, API_V3_KEY, 'transaction');
    expectDecryptFailed(() => decryptNotifyResource({ ...resource, associated_data: 'refund' }, API_V3_KEY));
    expectDecryptFailed(() => decryptNotifyResource({ ...resource, associated_data: '' }, API_V3_KEY));
    expectDecryptFailed(() => decryptNotifyResource({ ...resource, nonce: 'aaaaaaaaaaaa' }, API_V3_KEY));
    expectDecryptFailed(() => decryptNotifyResource(resource, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345'));
    expectDecryptFailed(() => decryptNotifyResource(resource, 'too-short'));
  });

  it('refuses bad input: algorithm, truncated or non-base64 ciphertext, non-object plaintext', () => {
    const resource = encryptNotifyResource(plain, API_V3_KEY, 'transaction');
    expectDecryptFailed(() => decryptNotifyResource({ ...resource, algorithm: 'AEAD_AES_128_GCM' }, API_V3_KEY));
    expectDecryptFailed(() => decryptNotifyResource({ ...resource, ciphertext: 'AAAA' }, API_V3_KEY));
    expectDecryptFailed(() => decryptNotifyResource({ ...resource, ciphertext: 'not*base64' }, API_V3_KEY));
    expectDecryptFailed(() => decryptNotifyResource({ ...resource, nonce: '' }, API_V3_KEY));
    const truncated = Buffer.from(resource.ciphertext, 'base64').subarray(0, -1).toString('base64');
    expectDecryptFailed(() => decryptNotifyResource({ ...resource, ciphertext: truncated }, API_V3_KEY));
    expectDecryptFailed(() => decryptNotifyResource(undefined as never, API_V3_KEY));
    expectDecryptFailed(() => decryptNotifyResource(encryptNotifyResource([1, 2] as object, API_V3_KEY, 'x'), API_V3_KEY));
  });
});

describe('Authorization header', () => {
  const merchant = rsaPair();
  const body = JSON.stringify({ appid: 'wx123', mchid: '1900000001', out_trade_no: 'DT1' });
  const base = { mchid: '1900000001', serialNo: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1', privateKeyPem: merchant.privateKey };

  it('round-trips build → parse → verify', () => {
    const header = buildAuthorizationHeader({
      ...base,
      method: 'POST',
      urlPathWithQuery: '/v3/pay/transactions/jsapi',
      body,
      timestamp: NOW_S,
      nonce: '593BEC0C930BF1AFEB40B4A08C8FB242',
    });
    expect(header).toMatch(
      /^WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",signature="[A-Za-z0-9+/=]+",timestamp="1716000000",serial_no="5157F09EFDC096DE15EBE81A47057A7232F1B8E1"$/,
    );
    const parsed = parseAuthorizationHeader(header);
    expect(parsed).toMatchObject({ mchid: '1900000001', nonceStr: '593BEC0C930BF1AFEB40B4A08C8FB242', timestamp: NOW_S, serialNo: base.serialNo });
    expect(
      verifyMessage(`POST\n/v3/pay/transactions/jsapi\n${NOW_S}\n593BEC0C930BF1AFEB40B4A08C8FB242\n${body}\n`, parsed!.signature, merchant.publicKey),
    ).toBe(true);
    const check = { header, method: 'POST', urlPathWithQuery: '/v3/pay/transactions/jsapi', body, publicKey: merchant.publicKey, nowMs: NOW_MS };
    expect(verifyAuthorizationHeader({ ...check, expectedMchid: '1900000001', expectedSerialNo: base.serialNo.toLowerCase() })).toMatchObject({ ok: true });
    expect(verifyAuthorizationHeader({ ...check, body: `${body} ` })).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
    expect(verifyAuthorizationHeader({ ...check, urlPathWithQuery: '/v3/pay/transactions/app' })).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
    expect(verifyAuthorizationHeader({ ...check, publicKey: platform.publicKey })).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
    expect(verifyAuthorizationHeader({ ...check, expectedMchid: '1900000002' })).toEqual({ ok: false, reason: 'WRONG_MCHID' });
    expect(verifyAuthorizationHeader({ ...check, expectedSerialNo: 'ABC' })).toEqual({ ok: false, reason: 'WRONG_SERIAL' });
    expect(verifyAuthorizationHeader({ ...check, nowMs: NOW_MS + 301_000 })).toEqual({ ok: false, reason: 'STALE_TIMESTAMP' });
    expect(verifyAuthorizationHeader({ ...check, header: undefined })).toEqual({ ok: false, reason: 'MISSING_HEADER' });
    expect(verifyAuthorizationHeader({ ...check, header: header.replace('WECHATPAY2', 'WECHATPAY3') })).toEqual({ ok: false, reason: 'MALFORMED' });
  });

  it('signs GET requests with the query and an empty body, with a fresh timestamp and nonce by default', () => {
    const url = '/v3/pay/transactions/out-trade-no/DT1?mchid=1900000001';
    const header = buildAuthorizationHeader({ ...base, method: 'GET', urlPathWithQuery: url, body: '' });
    const parsed = parseAuthorizationHeader(header)!;
    expect(parsed.nonceStr).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(Math.abs(Number(parsed.timestamp) - Date.now() / 1000)).toBeLessThan(5);
    expect(verifyAuthorizationHeader({ header, method: 'GET', urlPathWithQuery: url, publicKey: merchant.publicKey })).toMatchObject({ ok: true });
    expect(verifyAuthorizationHeader({ header, method: 'GET', urlPathWithQuery: url.split('?')[0]!, publicKey: merchant.publicKey })).toMatchObject({ ok: false });
  });

  it('parses only well-formed headers', () => {
    expect(parseAuthorizationHeader(undefined)).toBeNull();
    expect(parseAuthorizationHeader('Bearer x')).toBeNull();
    expect(parseAuthorizationHeader('WECHATPAY2-SHA256-RSA2048 mchid="1",nonce_str="n",signature="s",timestamp="1"')).toBeNull();
    expect(parseAuthorizationHeader('WECHATPAY2-SHA256-RSA2048 mchid="1",mchid="2",nonce_str="n",signature="s",timestamp="1",serial_no="S"')).toBeNull();
    expect(parseAuthorizationHeader('WECHATPAY2-SHA256-RSA2048 mchid="1", nonce_str="n", signature="s=", timestamp="1", serial_no="S"')).toEqual({
      schema: 'WECHATPAY2-SHA256-RSA2048', mchid: '1', nonceStr: 'n', signature: 's=', timestamp: '1', serialNo: 'S',
    });
  });
});

describe('buildJsapiPayParams', () => {
  it('returns the wx.requestPayment fields with a paySign that verifies with the merchant public key', () => {
    const merchant = rsaPair();
    const params = buildJsapiPayParams({
      appId: 'wx8888888888888888',
      prepayId: 'wx201410272009395522657a690389285100',
      privateKeyPem: merchant.privateKey,
      timeStamp: '1414561699',
      nonceStr: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
    });
    expect(Object.keys(params).sort()).toEqual(['appId', 'nonceStr', 'package', 'paySign', 'signType', 'timeStamp']);
    expect(params).toMatchObject({
      appId: 'wx8888888888888888',
      timeStamp: '1414561699',
      nonceStr: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
      package: 'prepay_id=wx201410272009395522657a690389285100',
      signType: 'RSA',
    });
    const message = 'wx8888888888888888\n1414561699\n5K8264ILTKCH16CQ2502SI8ZNMTM67VS\nprepay_id=wx201410272009395522657a690389285100\n';
    expect(verifyMessage(message, params.paySign, merchant.publicKey)).toBe(true);
    expect(verifyMessage(message.replace('1414561699', '1414561700'), params.paySign, merchant.publicKey)).toBe(false);

    const fresh = buildJsapiPayParams({ appId: 'wx1', prepayId: 'wx2', privateKeyPem: merchant.privateKey });
    expect(fresh.timeStamp).toMatch(/^\d{10}$/);
    expect(fresh.nonceStr).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(verifyMessage(`wx1\n${fresh.timeStamp}\n${fresh.nonceStr}\nprepay_id=wx2\n`, fresh.paySign, merchant.publicKey)).toBe(true);
  });

  it('rejects a non-RSA signing key with INVALID_KEY', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    expect(() => signMessage('x', ec.privateKey)).toThrow(WechatCryptoError);
    try {
      signMessage('x', ec.privateKey);
    } catch (err) {
      expect((err as WechatCryptoError).code).toBe('INVALID_KEY');
    }
    expect(verifyNotifySignature(signed(BODY), BODY, { publicKeys: new Map([[KEY_ID, ec.publicKey]]) }, NOW_MS)).toEqual({
      ok: false,
      reason: 'UNKNOWN_SERIAL',
    });
  });
});
