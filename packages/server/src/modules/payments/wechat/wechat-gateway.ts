import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate, createHash, randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import WxPay from 'wechatpay-node-v3';
import type { AppConfig } from '../../../app/config.js';
import { AppError } from '../../../common/errors.js';
import type { PaymentGateway, PaymentRequest, PaymentStatus, RefundRequest, RefundStatus } from '../gateway.js';
import { buildJsapiPayParams, pickWechatpayHeaders, verifyNotifySignature, type WechatPayVerifierKeys } from './wechat-crypto.js';

/** WeChat Pay's keys we hold: the WeChat Pay public key by id, and/or platform certificates by serial. */
export function loadWechatVerifierKeys(config: AppConfig): WechatPayVerifierKeys {
  const publicKeys = new Map<string, string>();
  if (config.WECHATPAY_PUBLIC_KEY_ID && config.WECHATPAY_PUBLIC_KEY_FILE) {
    publicKeys.set(config.WECHATPAY_PUBLIC_KEY_ID, readFileSync(config.WECHATPAY_PUBLIC_KEY_FILE, 'utf8'));
  }
  if (config.WECHATPAY_PLATFORM_CERT_DIR) {
    for (const file of readdirSync(config.WECHATPAY_PLATFORM_CERT_DIR).filter((f) => f.endsWith('.pem'))) {
      const pem = readFileSync(join(config.WECHATPAY_PLATFORM_CERT_DIR, file), 'utf8');
      publicKeys.set(new X509Certificate(pem).serialNumber.toUpperCase(), pem);
    }
  }
  return { publicKeys };
}

/** "2026-11-23T18:05:00+08:00": WeChat wants RFC 3339 with an offset. */
function rfc3339Plus8(at: Date): string {
  return `${new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
}

/** The endpoints of one WeChat Pay flavour: mainland (CN) or global for merchants outside the mainland (HK). */
interface Flavour {
  jsapi: string;
  query: (no: string, mchid: string) => string;
  close: (no: string) => string;
  refund: string;
  refundQuery: (no: string, mchid: string) => string;
  bill: (date: string, kind: string, mchid: string) => string;
  /** Global refunds name the merchant in the body. */
  refundNamesMerchant: boolean;
}

const FLAVOURS: Record<'CN' | 'HK', Flavour> = {
  CN: {
    jsapi: '/v3/pay/transactions/jsapi',
    query: (no, mchid) => `/v3/pay/transactions/out-trade-no/${encodeURIComponent(no)}?mchid=${mchid}`,
    close: (no) => `/v3/pay/transactions/out-trade-no/${encodeURIComponent(no)}/close`,
    refund: '/v3/refund/domestic/refunds',
    refundQuery: (no) => `/v3/refund/domestic/refunds/${encodeURIComponent(no)}`,
    bill: (date, kind) => `/v3/bill/tradebill?bill_date=${date}&bill_type=${kind}&tar_type=GZIP`,
    refundNamesMerchant: false,
  },
  HK: {
    jsapi: '/v3/global/transactions/jsapi',
    query: (no, mchid) => `/v3/global/transactions/out-trade-no/${encodeURIComponent(no)}?mchid=${mchid}`,
    close: (no) => `/v3/global/transactions/out-trade-no/${encodeURIComponent(no)}/close`,
    refund: '/v3/global/refunds',
    refundQuery: (no, mchid) => `/v3/global/refunds/out-refund-no/${encodeURIComponent(no)}?mchid=${mchid}`,
    bill: (date, kind, mchid) => `/v3/global/statements?date=${date}&bill_type=${kind}&mchid=${mchid}`,
    refundNamesMerchant: true,
  },
};

/**
 * WeChat Pay API v3: the mainland JSAPI flavour (`WECHATPAY_REGION=CN`, CNY) or the global one for
 * merchants registered outside the mainland (`HK`, HKD) — same interface, paths chosen here. Requests are signed with the
 * merchant key through wechatpay-node-v3's signer and sent to WECHATPAY_API_BASE_URL (a fake server
 * in tests); responses are checked against WeChat's key before they are believed.
 */
export class WechatPayGateway implements PaymentGateway {
  readonly name = 'wechat' as const;
  private readonly signer: WxPay;
  private readonly privateKeyPem: string;
  private readonly flavour: Flavour;

  constructor(private readonly config: AppConfig, private readonly keys: WechatPayVerifierKeys) {
    this.privateKeyPem = readFileSync(config.WECHATPAY_MERCHANT_PRIVATE_KEY_FILE!, 'utf8');
    this.flavour = FLAVOURS[config.WECHATPAY_REGION];
    // The serial number is given, so the library never parses a merchant certificate.
    this.signer = new WxPay({
      appid: config.WECHATPAY_APPID!, mchid: config.WECHATPAY_MCHID!, serial_no: config.WECHATPAY_MERCHANT_SERIAL_NO!,
      publicKey: Buffer.from('unused'), privateKey: Buffer.from(this.privateKeyPem),
    });
  }

  async createPayment(req: PaymentRequest) {
    if (!req.payerOpenid) throw new AppError('OPENID_REQUIRED', 'Sign in with WeChat to pay');
    const body = {
      appid: this.config.WECHATPAY_APPID, mchid: this.config.WECHATPAY_MCHID, description: req.description.slice(0, 127),
      out_trade_no: req.orderNo, time_expire: rfc3339Plus8(req.expiresAt),
      notify_url: `${this.config.WECHATPAY_NOTIFY_BASE_URL!.replace(/\/$/, '')}/payments/wechat/notify`,
      amount: { total: req.amount, currency: req.currency }, payer: { openid: req.payerOpenid },
    };
    const res = await this.call('POST', this.flavour.jsapi, body);
    if (res.status !== 200 || typeof res.json?.prepay_id !== 'string') throw this.gatewayError(res);
    const prepayId = res.json.prepay_id as string;
    return { prepayId, params: buildJsapiPayParams({ appId: this.config.WECHATPAY_APPID!, prepayId, privateKeyPem: this.privateKeyPem }) };
  }

  async queryPayment(orderNo: string): Promise<PaymentStatus> {
    const res = await this.call('GET', this.flavour.query(orderNo, this.config.WECHATPAY_MCHID!));
    if (res.status === 404) return { state: 'NOT_FOUND', transactionId: null, amount: null };
    if (res.status !== 200) throw this.gatewayError(res);
    return {
      state: res.json.trade_state,
      transactionId: res.json.transaction_id ?? null,
      amount: typeof res.json.amount?.total === 'number' ? res.json.amount.total : null,
    };
  }

  async closePayment(orderNo: string) {
    const res = await this.call('POST', this.flavour.close(orderNo), { mchid: this.config.WECHATPAY_MCHID });
    if (res.status === 204 || res.status === 200) return 'CLOSED' as const;
    if (res.json?.code === 'ORDERPAID') return 'ALREADY_PAID' as const;
    if (res.json?.code === 'ORDER_NOT_EXIST' || res.status === 404) return 'NOT_FOUND' as const;
    throw this.gatewayError(res);
  }

  async refund(req: RefundRequest): Promise<RefundStatus> {
    const body = {
      ...(this.flavour.refundNamesMerchant ? { mchid: this.config.WECHATPAY_MCHID } : {}),
      ...(req.transactionId ? { transaction_id: req.transactionId } : { out_trade_no: req.orderNo }),
      out_refund_no: req.refundNo,
      reason: req.reason.slice(0, 80),
      notify_url: `${this.config.WECHATPAY_NOTIFY_BASE_URL!.replace(/\/$/, '')}/payments/wechat/refund-notify`,
      amount: { refund: req.amount, total: req.total, currency: req.currency },
    };
    const res = await this.call('POST', this.flavour.refund, body);
    if (res.status !== 200) throw this.gatewayError(res);
    return { status: res.json.status, refundId: res.json.refund_id ?? null };
  }

  async queryRefund(refundNo: string): Promise<RefundStatus | null> {
    const res = await this.call('GET', this.flavour.refundQuery(refundNo, this.config.WECHATPAY_MCHID!));
    if (res.status === 404) return null;
    if (res.status !== 200) throw this.gatewayError(res);
    return { status: res.json.status, refundId: res.json.refund_id ?? null };
  }

  async downloadBill(date: string, kind: 'SUCCESS' | 'REFUND'): Promise<string | null> {
    const res = await this.call('GET', this.flavour.bill(date, kind, this.config.WECHATPAY_MCHID!));
    if (res.status !== 200) {
      if (res.json?.code === 'NO_STATEMENT_EXIST') return null;
      throw this.gatewayError(res);
    }
    const url = new URL(res.json.download_url as string);
    const file = await this.callRaw(`${url.pathname}${url.search}`);
    // The download itself is not signed: the hash announced in the signed answer protects it.
    const hash = createHash(String(res.json.hash_type ?? 'SHA1').toLowerCase()).update(file).digest('hex');
    if (hash.toLowerCase() !== String(res.json.hash_value).toLowerCase()) {
      throw new AppError('PAYMENT_GATEWAY_ERROR', 'The downloaded bill does not match its announced hash');
    }
    return (file[0] === 0x1f && file[1] === 0x8b ? gunzipSync(file) : file).toString('utf8');
  }

  /** A signed GET whose answer is raw bytes (bill files). */
  private async callRaw(pathWithQuery: string): Promise<Buffer> {
    const nonce = randomBytes(16).toString('hex');
    const timestamp = String(Math.floor(Date.now() / 1000));
    const authorization = this.signer.getAuthorization(nonce, timestamp, this.signer.getSignature('GET', nonce, timestamp, pathWithQuery));
    const res = await fetch(`${this.config.WECHATPAY_API_BASE_URL.replace(/\/$/, '')}${pathWithQuery}`, {
      headers: { authorization, 'user-agent': 'deeptravel-server' },
      signal: AbortSignal.timeout(30_000),
    });
    if (!res.ok) throw new AppError('PAYMENT_GATEWAY_ERROR', `Bill download answered ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  }

  private async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: any; raw: string }> {
    const text = body === undefined ? '' : JSON.stringify(body);
    const nonce = randomBytes(16).toString('hex');
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = this.signer.getSignature(method, nonce, timestamp, path, text || undefined);
    const authorization = this.signer.getAuthorization(nonce, timestamp, signature);
    let res: Response;
    try {
      res = await fetch(`${this.config.WECHATPAY_API_BASE_URL.replace(/\/$/, '')}${path}`, {
        method,
        headers: { authorization, accept: 'application/json', 'content-type': 'application/json', 'user-agent': 'deeptravel-server' },
        body: method === 'GET' ? undefined : text,
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      throw new AppError('PAYMENT_GATEWAY_ERROR', 'WeChat Pay could not be reached; please try again', { cause: String((err as Error).message) });
    }
    const raw = await res.text();
    if (res.status < 300) {
      // A response is believed only if WeChat signed it (a man in the middle cannot fake a prepay id or a paid state).
      const verdict = verifyNotifySignature(pickWechatpayHeaders(Object.fromEntries(res.headers)), raw, this.keys, Date.now());
      if (!verdict.ok) throw new AppError('PAYMENT_GATEWAY_ERROR', `WeChat Pay response failed verification (${verdict.reason})`);
    }
    let json: any = null;
    try {
      json = raw ? JSON.parse(raw) : null;
    } catch {
      json = null;
    }
    return { status: res.status, json, raw };
  }

  private gatewayError(res: { status: number; json: any }): AppError {
    return new AppError('PAYMENT_GATEWAY_ERROR', `WeChat Pay answered ${res.status} ${res.json?.code ?? ''}`.trim(), {
      gatewayStatus: res.status, gatewayCode: res.json?.code ?? null, gatewayMessage: res.json?.message ?? null,
    });
  }
}
