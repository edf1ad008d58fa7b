/**
 * A fake WeChat Pay API v3 server for e2e tests: real wire format and real cryptography.
 *
 * - Checks our `Authorization` header (RSA-SHA256 with the merchant public key, mchid, timestamp
 *   within 300 s) and answers 401 `SIGN_ERROR` otherwise, as WeChat does.
 * - Signs every response with `Wechatpay-Serial/-Signature/-Timestamp/-Nonce` using a WeChat Pay
 *   public key (`PUB_KEY_ID_…`) generated at start.
 * - Builds signed, encrypted notifies ready to POST to our notify endpoints, with tampering knobs.
 *
 * Endpoints: JSAPI prepay, query by out_trade_no, close, refund create and query.
 * State lives in memory; tests drive it with `setTransaction`, `setRefund` and `setNextResponse`.
 */
import { createHash, generateKeyPairSync, randomBytes, randomInt, randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  WECHATPAY_AUTH_SCHEMA,
  WECHATPAY_SIGNTEST_PREFIX,
  encryptNotifyResource,
  randomNonce,
  signMessage,
  unixSeconds,
  verifyAuthorizationHeader,
} from '../../src/modules/payments/wechat/wechat-crypto.js';

/** Trade states of WeChat Pay API v3. */
export type FakeTradeState = 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR';
/** Refund statuses of WeChat Pay API v3. */
export type FakeRefundStatus = 'SUCCESS' | 'CLOSED' | 'PROCESSING' | 'ABNORMAL';

/** A transaction as the fake holds it (a subset of WeChat's transaction object). */
export type FakeTransaction = {
  out_trade_no: string;
  trade_state: FakeTradeState;
  transaction_id?: string;
  amount: { total: number; currency?: string; payer_total?: number; payer_currency?: string };
  payer?: { openid: string };
  description?: string;
  notify_url?: string;
  time_expire?: string;
  success_time?: string;
  prepay_id?: string;
};

/** A refund as the fake holds it (a subset of WeChat's refund object). */
export type FakeRefund = {
  refund_id: string;
  out_refund_no: string;
  transaction_id?: string;
  out_trade_no: string;
  status: FakeRefundStatus;
  reason?: string;
  notify_url?: string;
  create_time: string;
  success_time?: string;
  amount: { total: number; refund: number; currency: string };
};

/** One request the fake received. */
export type FakeRequestRecord = {
  method: string;
  /** Path without the query. */
  path: string;
  /** Path with the query, as signed. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Parsed JSON body, if it was JSON. */
  json?: unknown;
  /** Whether the Authorization header verified. */
  authorized: boolean;
  /** Status code answered (set when the response is sent). */
  status?: number;
};

/** Options of {@link startFakeWechatPay}. */
export type FakeWechatPayOptions = {
  mchid: string;
  appid: string;
  /** Verifies the `Authorization` header of our requests (PEM public key or certificate). */
  merchantPublicKeyPem: string;
  /** 32-character APIv3 key, encrypts notify resources. */
  apiV3Key: string;
  /** When set, the header's `serial_no` must equal it. */
  merchantSerialNo?: string;
  /** Port to listen on; random by default. */
  port?: number;
};

/** Input of {@link FakeWechatPay.buildSignedNotify}. */
export type BuildNotifyInput = {
  event_type: 'TRANSACTION.SUCCESS' | 'REFUND.SUCCESS' | 'REFUND.ABNORMAL' | 'REFUND.CLOSED' | (string & {});
  /** The plaintext resource (a transaction or a refund object); encrypted with the APIv3 key. */
  resource: object;
  /** `Wechatpay-Timestamp` in seconds; now by default. */
  timestampOverride?: number | string;
  /** Notify id; a random UUID by default. */
  id?: string;
  summary?: string;
  /**
   * - `ciphertext`: flip a ciphertext byte, then sign (the signature is valid, the GCM tag is not);
   * - `signature`: corrupt the signature; `serial`: name an unknown key;
   * - `body`: change the body after signing; `signtest`: send a `WECHATPAY/SIGNTEST/` probe.
   */
  tamper?: 'ciphertext' | 'signature' | 'serial' | 'body' | 'signtest';
};

/** A notify ready to POST: header names as WeChat sends them. */
export type SignedNotify = { headers: Record<string, string>; body: string };

/** A running fake WeChat Pay server. */
export type FakeWechatPay = {
  /** `http://127.0.0.1:PORT`, to use as `WECHATPAY_API_BASE_URL`. */
  baseUrl: string;
  /** The WeChat Pay public key id, `PUB_KEY_ID_0114…`, sent as `Wechatpay-Serial`. */
  platformKeyId: string;
  platformPublicKeyPem: string;
  platformPrivateKeyPem: string;
  /** Every request received, in order. */
  requests: FakeRequestRecord[];
  transactions: Map<string, FakeTransaction>;
  refunds: Map<string, FakeRefund>;
  /** Create or update a transaction (merged with what the fake already holds). */
  setTransaction(outTradeNo: string, patch: Partial<Omit<FakeTransaction, 'out_trade_no'>>): FakeTransaction;
  /** Create or update a refund (merged). */
  setRefund(outRefundNo: string, patch: Partial<Omit<FakeRefund, 'out_refund_no'>>): FakeRefund;
  /**
   * Answer the next request whose path (without query; or with query if `path` has one) equals
   * `path` with this status and body instead of the normal handling; queued, one-shot. Applied
   * after the Authorization check. The answer is signed unless `opts.signed` is false.
   */
  setNextResponse(path: string, status: number, body?: unknown, opts?: { signed?: boolean }): void;
  /**
   * The bill (对账单) of a day as WeChat would serve it: CSV text in WeChat's layout (see
   * `tradeBillCsv`), gzipped and announced with its SHA-1 by the bill endpoints. `kind` SUCCESS = payments, REFUND = refunds.
   */
  setBill(date: string, kind: 'SUCCESS' | 'REFUND', csv: string): void;
  /**
   * Build a signed, encrypted notify. A `TRANSACTION.SUCCESS` with an `out_trade_no` also records
   * the transaction as paid, and a `REFUND.*` with an `out_refund_no` updates the refund, so later
   * queries and refunds agree with what was notified (unless tampered or stale).
   */
  buildSignedNotify(input: BuildNotifyInput): SignedNotify;
  /** A plausible paid transaction object (the plaintext of a `TRANSACTION.SUCCESS` resource). */
  transactionResource(input: { out_trade_no: string; total: number; openid?: string; transaction_id?: string; currency?: string }): Record<string, unknown>;
  /** A plausible refund object (the plaintext of a `REFUND.*` resource). */
  refundResource(input: { out_refund_no: string; out_trade_no: string; refund: number; total: number; status?: FakeRefundStatus; refund_id?: string; transaction_id?: string }): Record<string, unknown>;
  close(): Promise<void>;
};

type Reply = { status: number; body?: unknown; signed?: boolean; raw?: Buffer };

const SIGN_ERROR_MISSING = 'Http头Authorization值格式错误，请参考《微信支付商户REST API签名规则》';
const SIGN_ERROR_BAD = '错误的签名，验签失败';

/** RFC 3339 in China time, as WeChat writes times: `2024-05-20T13:29:35+08:00`. */
function chinaTime(ms: number = Date.now()): string {
  return new Date(ms + 8 * 3600_000).toISOString().replace(/\.\d{3}Z$/, '+08:00');
}

function digits(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String(randomInt(10));
  return s;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

const paramError = (message: string): Reply => ({ status: 400, body: { code: 'PARAM_ERROR', message } });

/**
 * Start a fake WeChat Pay server on 127.0.0.1 (random port), with a fresh RSA 2048 platform key.
 */
export async function startFakeWechatPay(options: FakeWechatPayOptions): Promise<FakeWechatPay> {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const platformKeyId = `PUB_KEY_ID_0114${digits(27)}`;
  const requests: FakeRequestRecord[] = [];
  const transactions = new Map<string, FakeTransaction>();
  const refunds = new Map<string, FakeRefund>();
  const injected = new Map<string, Reply[]>();

  const newTransactionId = () => `4200${digits(24)}`;
  const newRefundId = () => `50300${digits(24)}`;

  function setTransaction(outTradeNo: string, patch: Partial<Omit<FakeTransaction, 'out_trade_no'>>): FakeTransaction {
    const prev = transactions.get(outTradeNo);
    const next: FakeTransaction = {
      trade_state: 'NOTPAY',
      amount: { total: 0, currency: 'CNY' },
      ...prev,
      ...patch,
      out_trade_no: outTradeNo,
    };
    if ((next.trade_state === 'SUCCESS' || next.trade_state === 'REFUND') && !next.transaction_id) {
      next.transaction_id = newTransactionId();
    }
    if (next.trade_state === 'SUCCESS' && !next.success_time) next.success_time = chinaTime();
    transactions.set(outTradeNo, next);
    return next;
  }

  function setRefund(outRefundNo: string, patch: Partial<Omit<FakeRefund, 'out_refund_no'>>): FakeRefund {
    const prev = refunds.get(outRefundNo);
    const next: FakeRefund = {
      refund_id: newRefundId(),
      out_trade_no: '',
      status: 'PROCESSING',
      create_time: chinaTime(),
      amount: { total: 0, refund: 0, currency: 'CNY' },
      ...prev,
      ...patch,
      out_refund_no: outRefundNo,
    };
    if (next.status === 'SUCCESS' && !next.success_time) next.success_time = chinaTime();
    refunds.set(outRefundNo, next);
    return next;
  }

  function transactionView(t: FakeTransaction): Record<string, unknown> {
    const paid = t.trade_state === 'SUCCESS' || t.trade_state === 'REFUND';
    const currency = t.amount.currency ?? 'CNY';
    return {
      appid: options.appid,
      mchid: options.mchid,
      out_trade_no: t.out_trade_no,
      ...(t.transaction_id ? { transaction_id: t.transaction_id } : {}),
      trade_type: 'JSAPI',
      trade_state: t.trade_state,
      trade_state_desc: TRADE_STATE_DESC[t.trade_state],
      ...(paid ? { bank_type: 'OTHERS', success_time: t.success_time ?? chinaTime(), attach: '' } : {}),
      ...(t.payer ? { payer: t.payer } : {}),
      amount: paid
        ? { total: t.amount.total, payer_total: t.amount.payer_total ?? t.amount.total, currency, payer_currency: t.amount.payer_currency ?? currency }
        : { total: t.amount.total, currency },
    };
  }

  function refundView(r: FakeRefund): Record<string, unknown> {
    return {
      refund_id: r.refund_id,
      out_refund_no: r.out_refund_no,
      transaction_id: r.transaction_id ?? '',
      out_trade_no: r.out_trade_no,
      channel: 'ORIGINAL',
      user_received_account: '支付用户零钱',
      ...(r.success_time ? { success_time: r.success_time } : {}),
      create_time: r.create_time,
      status: r.status,
      funds_account: 'AVAILABLE',
      amount: {
        total: r.amount.total,
        refund: r.amount.refund,
        payer_total: r.amount.total,
        payer_refund: r.amount.refund,
        settlement_refund: r.amount.refund,
        settlement_total: r.amount.total,
        discount_refund: 0,
        currency: r.amount.currency,
        refund_fee: 0,
      },
      promotion_detail: [],
    };
  }

  // --- endpoints -------------------------------------------------------------------------------

  function jsapiPrepay(json: unknown): Reply {
    if (!isObject(json)) return paramError('请求体不是合法的JSON');
    const { appid, mchid, description, out_trade_no, notify_url, amount, payer, time_expire } = json;
    if (appid !== options.appid || mchid !== options.mchid) return paramError('appid和mch_id不匹配');
    if (typeof description !== 'string' || !description) return paramError('输入源“/body/description”映射到字段“商品描述”必填性规则校验失败，此字段为必填项');
    if (typeof out_trade_no !== 'string' || !/^[0-9A-Za-z_\-*|]{6,32}$/.test(out_trade_no)) {
      return paramError('输入源“/body/out_trade_no”映射到值字段“商户订单号”字符串规则校验失败，字节数 6-32');
    }
    if (typeof notify_url !== 'string' || !/^https?:\/\//.test(notify_url)) return paramError('notify_url格式错误');
    if (!isObject(amount) || !isPositiveInt(amount.total)) return paramError('输入源“/body/amount/total”映射到值字段“总金额”必填性规则校验失败');
    if (!isObject(payer) || typeof payer.openid !== 'string' || !payer.openid) return paramError('输入源“/body/payer/openid”映射到值字段“用户标识”必填性规则校验失败');
    if (time_expire !== undefined && (typeof time_expire !== 'string' || Number.isNaN(Date.parse(time_expire)))) {
      return paramError('time_expire格式错误，应为rfc3339格式');
    }
    const prev = transactions.get(out_trade_no);
    if (prev?.trade_state === 'SUCCESS' || prev?.trade_state === 'REFUND') {
      return { status: 400, body: { code: 'ORDERPAID', message: '该订单已支付' } };
    }
    if (prev?.trade_state === 'CLOSED') return { status: 400, body: { code: 'ORDER_CLOSED', message: '该订单已关闭' } };
    if (prev?.prepay_id && prev.amount.total !== amount.total) {
      return { status: 400, body: { code: 'INVALID_REQUEST', message: '201 商户订单号重复' } };
    }
    const currency = typeof amount.currency === 'string' ? amount.currency : 'CNY';
    const t = setTransaction(out_trade_no, {
      trade_state: prev?.trade_state ?? 'NOTPAY',
      amount: { total: amount.total, currency },
      payer: { openid: payer.openid },
      description,
      notify_url,
      ...(typeof time_expire === 'string' ? { time_expire } : {}),
      prepay_id: prev?.prepay_id ?? `wx${digits(14)}${randomBytes(12).toString('hex')}`,
    });
    return { status: 200, body: { prepay_id: t.prepay_id } };
  }

  function queryTransaction(outTradeNo: string, query: URLSearchParams): Reply {
    if (query.get('mchid') !== options.mchid) return paramError('输入源“/query/mchid”映射到值字段“直连商户号”必填性规则校验失败');
    const t = transactions.get(outTradeNo);
    if (!t) return { status: 404, body: { code: 'ORDER_NOT_EXIST', message: '订单不存在' } };
    return { status: 200, body: transactionView(t) };
  }

  function closeTransaction(outTradeNo: string, json: unknown): Reply {
    if (!isObject(json) || json.mchid !== options.mchid) return paramError('输入源“/body/mchid”映射到值字段“直连商户号”必填性规则校验失败');
    const t = transactions.get(outTradeNo);
    if (!t) return { status: 404, body: { code: 'ORDER_NOT_EXIST', message: '订单不存在' } };
    if (t.trade_state === 'SUCCESS' || t.trade_state === 'REFUND') {
      return { status: 400, body: { code: 'ORDERPAID', message: '订单已支付' } };
    }
    setTransaction(outTradeNo, { trade_state: 'CLOSED' });
    return { status: 204 };
  }

  const baseUrlRef = { value: '' };
  const bills = new Map<string, Buffer>();
  const billTokens = new Map<string, Buffer>();

  /** GET /v3/bill/tradebill (mainland) and /v3/global/statements (global): where to download a day's bill. */
  function billAnnouncement(date: string | null, kind: string | null): Reply {
    if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return paramError('bill_date格式错误');
    const gz = bills.get(`${date}:${kind ?? 'ALL'}`);
    if (!gz) return { status: 400, body: { code: 'NO_STATEMENT_EXIST', message: '账单不存在' } };
    const token = randomBytes(12).toString('hex');
    billTokens.set(token, gz);
    return {
      status: 200,
      body: { hash_type: 'SHA1', hash_value: createHash('sha1').update(gz).digest('hex'), download_url: `${baseUrlRef.value}/v3/billdownload/file?token=${token}` },
    };
  }

  function createRefund(json: unknown): Reply {
    if (!isObject(json)) return paramError('请求体不是合法的JSON');
    const { out_refund_no, transaction_id, out_trade_no, amount, reason, notify_url } = json;
    if (typeof out_refund_no !== 'string' || !/^[0-9A-Za-z_\-*|@]{1,64}$/.test(out_refund_no)) {
      return paramError('输入源“/body/out_refund_no”映射到值字段“商户退款单号”必填性规则校验失败');
    }
    if (!isObject(amount) || !isPositiveInt(amount.refund) || !isPositiveInt(amount.total) || (amount.currency !== 'CNY' && amount.currency !== 'HKD')) {
      return paramError('输入源“/body/amount”映射到值字段“金额信息”规则校验失败');
    }
    // A retry with the same out_refund_no returns the refund already made, as WeChat does.
    const existing = refunds.get(out_refund_no);
    if (existing) {
      if (existing.amount.refund !== amount.refund) return { status: 400, body: { code: 'INVALID_REQUEST', message: '同一退款单号多次请求金额不一致' } };
      return { status: 200, body: refundView(existing) };
    }
    if (typeof out_trade_no !== 'string' && typeof transaction_id !== 'string') {
      return paramError('transaction_id和out_trade_no必须二选一进行传参');
    }
    const trade =
      typeof out_trade_no === 'string'
        ? transactions.get(out_trade_no)
        : [...transactions.values()].find((t) => t.transaction_id === transaction_id);
    if (!trade) return { status: 404, body: { code: 'RESOURCE_NOT_EXISTS', message: '订单不存在' } };
    if (trade.trade_state !== 'SUCCESS' && trade.trade_state !== 'REFUND') {
      return { status: 400, body: { code: 'INVALID_REQUEST', message: '订单未支付，不能发起退款' } };
    }
    if (amount.total !== trade.amount.total) return paramError('订单金额或退款金额与之前请求不一致，请核实后再试');
    const refunded = [...refunds.values()]
      .filter((r) => r.out_trade_no === trade.out_trade_no && r.status !== 'CLOSED' && r.status !== 'ABNORMAL')
      .reduce((sum, r) => sum + r.amount.refund, 0);
    if (refunded + amount.refund > trade.amount.total) {
      return { status: 400, body: { code: 'INVALID_REQUEST', message: '申请退款金额超过订单可退金额' } };
    }
    const r = setRefund(out_refund_no, {
      out_trade_no: trade.out_trade_no,
      ...(trade.transaction_id ? { transaction_id: trade.transaction_id } : {}),
      status: 'PROCESSING',
      ...(typeof reason === 'string' ? { reason } : {}),
      ...(typeof notify_url === 'string' ? { notify_url } : {}),
      amount: { total: amount.total, refund: amount.refund, currency: amount.currency as string },
    });
    setTransaction(trade.out_trade_no, { trade_state: 'REFUND' });
    return { status: 200, body: refundView(r) };
  }

  function queryRefund(outRefundNo: string): Reply {
    const r = refunds.get(outRefundNo);
    if (!r) return { status: 404, body: { code: 'RESOURCE_NOT_EXISTS', message: '退款单不存在' } };
    return { status: 200, body: refundView(r) };
  }

  function route(method: string, path: string, query: URLSearchParams, json: unknown): Reply {
    let m: RegExpExecArray | null;
    if (method === 'POST' && path === '/v3/pay/transactions/jsapi') return jsapiPrepay(json);
    if (method === 'GET' && (m = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)$/.exec(path))) {
      return queryTransaction(decodeURIComponent(m[1]!), query);
    }
    if (method === 'POST' && (m = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)\/close$/.exec(path))) {
      return closeTransaction(decodeURIComponent(m[1]!), json);
    }
    if (method === 'POST' && path === '/v3/refund/domestic/refunds') return createRefund(json);
    if (method === 'GET' && (m = /^\/v3\/refund\/domestic\/refunds\/([^/]+)$/.exec(path))) {
      return queryRefund(decodeURIComponent(m[1]!));
    }
    // WeChat Pay Global (cross-border merchants, e.g. Hong Kong): the same operations under /v3/global.
    if (method === 'POST' && path === '/v3/global/transactions/jsapi') return jsapiPrepay(json);
    if (method === 'GET' && (m = /^\/v3\/global\/transactions\/out-trade-no\/([^/]+)$/.exec(path))) {
      return queryTransaction(decodeURIComponent(m[1]!), query);
    }
    if (method === 'POST' && (m = /^\/v3\/global\/transactions\/out-trade-no\/([^/]+)\/close$/.exec(path))) {
      return closeTransaction(decodeURIComponent(m[1]!), json);
    }
    if (method === 'POST' && path === '/v3/global/refunds') return createRefund(json);
    if (method === 'GET' && (m = /^\/v3\/global\/refunds\/out-refund-no\/([^/]+)$/.exec(path))) {
      return queryRefund(decodeURIComponent(m[1]!));
    }
    if (method === 'GET' && path === '/v3/bill/tradebill') return billAnnouncement(query.get('bill_date'), query.get('bill_type'));
    if (method === 'GET' && path === '/v3/global/statements') return billAnnouncement(query.get('date'), query.get('bill_type'));
    if (method === 'GET' && path === '/v3/billdownload/file') {
      const gz = billTokens.get(query.get('token') ?? '');
      return gz ? { status: 200, raw: gz, signed: false } : { status: 404, body: { code: 'NOT_FOUND', message: 'token' } };
    }
    return { status: 404, body: { code: 'NOT_FOUND', message: `no such endpoint: ${method} ${path}` } };
  }

  // --- HTTP plumbing -----------------------------------------------------------------------------

  function send(res: ServerResponse, record: FakeRequestRecord, reply: Reply): void {
    if (reply.raw) {
      record.status = reply.status;
      res.writeHead(reply.status, { 'Content-Type': 'application/octet-stream' });
      res.end(reply.raw);
      return;
    }
    const body = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    const headers: Record<string, string> = { 'Request-ID': randomUUID() };
    if (body) headers['Content-Type'] = 'application/json; charset=utf-8';
    if (reply.signed !== false) {
      const timestamp = unixSeconds();
      const nonce = randomNonce(32);
      headers['Wechatpay-Serial'] = platformKeyId;
      headers['Wechatpay-Timestamp'] = timestamp;
      headers['Wechatpay-Nonce'] = nonce;
      headers['Wechatpay-Signature-Type'] = WECHATPAY_AUTH_SCHEMA;
      headers['Wechatpay-Signature'] = signMessage(`${timestamp}\n${nonce}\n${body}\n`, privateKey);
    }
    record.status = reply.status;
    res.writeHead(reply.status, headers);
    res.end(body);
  }

  function takeInjected(path: string, url: string): Reply | undefined {
    for (const key of [url, path]) {
      const queue = injected.get(key);
      if (queue?.length) {
        const reply = queue.shift()!;
        if (!queue.length) injected.delete(key);
        return reply;
      }
    }
    return undefined;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const parsedUrl = new URL(url, 'http://fake.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    const body = await readBody(req);
    let json: unknown;
    if (body) {
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
    }
    const record: FakeRequestRecord = {
      method,
      path: parsedUrl.pathname,
      url,
      headers: { ...req.headers },
      body,
      ...(json !== undefined ? { json } : {}),
      authorized: false,
    };
    requests.push(record);

    const auth = verifyAuthorizationHeader({
      header: req.headers.authorization,
      method,
      urlPathWithQuery: url,
      body,
      publicKey: options.merchantPublicKeyPem,
      expectedMchid: options.mchid,
      ...(options.merchantSerialNo !== undefined ? { expectedSerialNo: options.merchantSerialNo } : {}),
    });
    if (!auth.ok) {
      const message = auth.reason === 'MISSING_HEADER' || auth.reason === 'MALFORMED' ? SIGN_ERROR_MISSING : SIGN_ERROR_BAD;
      return send(res, record, { status: 401, body: { code: 'SIGN_ERROR', message, detail: { reason: auth.reason } } });
    }
    record.authorized = true;

    const forced = takeInjected(parsedUrl.pathname, url);
    if (forced) return send(res, record, forced);
    if (body && json === undefined) return send(res, record, paramError('请求体不是合法的JSON'));
    return send(res, record, route(method, parsedUrl.pathname, parsedUrl.searchParams, json));
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ code: 'SYSTEM_ERROR', message: String(err) }));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  baseUrlRef.value = `http://127.0.0.1:${port}`;

  function transactionResource(input: { out_trade_no: string; total: number; openid?: string; transaction_id?: string; currency?: string }): Record<string, unknown> {
    const currency = input.currency ?? 'CNY';
    return {
      appid: options.appid,
      mchid: options.mchid,
      out_trade_no: input.out_trade_no,
      transaction_id: input.transaction_id ?? transactions.get(input.out_trade_no)?.transaction_id ?? newTransactionId(),
      trade_type: 'JSAPI',
      trade_state: 'SUCCESS',
      trade_state_desc: '支付成功',
      bank_type: 'OTHERS',
      attach: '',
      success_time: chinaTime(),
      payer: { openid: input.openid ?? transactions.get(input.out_trade_no)?.payer?.openid ?? 'oFAKE_OPENID' },
      amount: { total: input.total, payer_total: input.total, currency, payer_currency: currency },
    };
  }

  function refundResource(input: { out_refund_no: string; out_trade_no: string; refund: number; total: number; status?: FakeRefundStatus; refund_id?: string; transaction_id?: string }): Record<string, unknown> {
    const status = input.status ?? 'SUCCESS';
    const known = refunds.get(input.out_refund_no);
    return {
      mchid: options.mchid,
      out_trade_no: input.out_trade_no,
      transaction_id: input.transaction_id ?? known?.transaction_id ?? transactions.get(input.out_trade_no)?.transaction_id ?? newTransactionId(),
      out_refund_no: input.out_refund_no,
      refund_id: input.refund_id ?? known?.refund_id ?? newRefundId(),
      refund_status: status,
      ...(status === 'SUCCESS' ? { success_time: chinaTime() } : {}),
      user_received_account: '支付用户零钱',
      amount: { total: input.total, refund: input.refund, payer_total: input.total, payer_refund: input.refund },
    };
  }

  function recordNotified(eventType: string, resource: Record<string, unknown>): void {
    if (eventType === 'TRANSACTION.SUCCESS' && typeof resource.out_trade_no === 'string') {
      const amount = isObject(resource.amount) ? resource.amount : {};
      const payer = isObject(resource.payer) && typeof resource.payer.openid === 'string' ? { payer: { openid: resource.payer.openid } } : {};
      const prev = transactions.get(resource.out_trade_no);
      setTransaction(resource.out_trade_no, {
        trade_state: prev?.trade_state === 'REFUND' ? 'REFUND' : 'SUCCESS',
        ...(typeof resource.transaction_id === 'string' ? { transaction_id: resource.transaction_id } : {}),
        ...(typeof resource.success_time === 'string' ? { success_time: resource.success_time } : {}),
        ...(isPositiveInt(amount.total) ? { amount: { total: amount.total, currency: typeof amount.currency === 'string' ? amount.currency : 'CNY' } } : {}),
        ...payer,
      });
    }
    if (eventType.startsWith('REFUND.') && typeof resource.out_refund_no === 'string') {
      const amount = isObject(resource.amount) ? resource.amount : {};
      const status = typeof resource.refund_status === 'string' ? (resource.refund_status as FakeRefundStatus) : undefined;
      setRefund(resource.out_refund_no, {
        ...(status ? { status } : {}),
        ...(typeof resource.out_trade_no === 'string' ? { out_trade_no: resource.out_trade_no } : {}),
        ...(typeof resource.refund_id === 'string' ? { refund_id: resource.refund_id } : {}),
        ...(typeof resource.transaction_id === 'string' ? { transaction_id: resource.transaction_id } : {}),
        ...(isPositiveInt(amount.total) && isPositiveInt(amount.refund) ? { amount: { total: amount.total, refund: amount.refund, currency: 'CNY' } } : {}),
      });
    }
  }

  function buildSignedNotify(input: BuildNotifyInput): SignedNotify {
    const isRefund = input.event_type.startsWith('REFUND.');
    const associatedData = isRefund ? 'refund' : 'transaction';
    const resource = encryptNotifyResource(input.resource, options.apiV3Key, associatedData);
    if (input.tamper === 'ciphertext') {
      const bytes = Buffer.from(resource.ciphertext, 'base64');
      bytes[0] = bytes[0]! ^ 0x01;
      resource.ciphertext = bytes.toString('base64');
    }
    let body = JSON.stringify({
      id: input.id ?? randomUUID(),
      create_time: chinaTime(),
      resource_type: 'encrypt-resource',
      event_type: input.event_type,
      summary: input.summary ?? (isRefund ? '退款成功' : '支付成功'),
      resource,
    });
    const timestamp = String(input.timestampOverride ?? unixSeconds());
    const nonce = randomNonce(32);
    let signature = signMessage(`${timestamp}\n${nonce}\n${body}\n`, privateKey);
    let serial = platformKeyId;
    switch (input.tamper) {
      case 'signature': {
        const sig = Buffer.from(signature, 'base64');
        sig[10] = sig[10]! ^ 0xff;
        signature = sig.toString('base64');
        break;
      }
      case 'serial':
        serial = `PUB_KEY_ID_0114${digits(27)}`;
        break;
      case 'body':
        body = body.replace('"resource_type":"encrypt-resource"', '"resource_type":"encrypt-resource" ');
        break;
      case 'signtest':
        signature = `${WECHATPAY_SIGNTEST_PREFIX}${randomBytes(32).toString('base64')}`;
        break;
      case undefined:
        // Only a notify our server would accept changes the fake's state (not a stale replay).
        if (isObject(input.resource) && Math.abs(Date.now() / 1000 - Number(timestamp)) <= 300) {
          recordNotified(input.event_type, input.resource);
        }
        break;
      default:
        break;
    }
    return {
      headers: {
        'Content-Type': 'application/json',
        'Wechatpay-Serial': serial,
        'Wechatpay-Signature': signature,
        'Wechatpay-Timestamp': timestamp,
        'Wechatpay-Nonce': nonce,
        'Wechatpay-Signature-Type': WECHATPAY_AUTH_SCHEMA,
        'User-Agent': 'Mozilla/4.0',
      },
      body,
    };
  }

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    platformKeyId,
    platformPublicKeyPem: publicKey,
    platformPrivateKeyPem: privateKey,
    requests,
    transactions,
    refunds,
    setTransaction,
    setRefund,
    setBill(date, kind, csv) {
      bills.set(`${date}:${kind}`, gzipSync(Buffer.from(csv, 'utf8')));
    },
    setNextResponse(path, status, body, opts) {
      const queue = injected.get(path) ?? [];
      queue.push({ status, body, signed: opts?.signed ?? true });
      injected.set(path, queue);
    },
    buildSignedNotify,
    transactionResource,
    refundResource,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

const TRADE_STATE_DESC: Record<FakeTradeState, string> = {
  SUCCESS: '支付成功',
  REFUND: '转入退款',
  NOTPAY: '订单未支付',
  CLOSED: '订单已关闭',
  REVOKED: '已撤销',
  USERPAYING: '用户支付中',
  PAYERROR: '支付失败',
};
