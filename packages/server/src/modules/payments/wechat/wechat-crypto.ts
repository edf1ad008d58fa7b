/**
 * WeChat Pay API v3 cryptography, done with `node:crypto` only.
 *
 * Why our own module: wechatpay-node-v3 2.2.1 decrypts notify resources without checking the
 * AES-GCM auth tag (a tampered ciphertext is accepted) and its `verifySign` knows only platform
 * certificates (no `PUB_KEY_ID_` WeChat Pay public keys) and never checks the timestamp. Every
 * incoming notify (and, if wanted, every API response) is verified and decrypted here.
 *
 * Wire rules (WeChat Pay API v3):
 * - Incoming signature: RSA-SHA256 (PKCS#1 v1.5) over `timestamp\nnonce\nbody\n`, base64, in the
 *   `Wechatpay-Signature` header; the key is named by `Wechatpay-Serial`.
 * - Notify resource: AEAD_AES_256_GCM, key = the 32-byte APIv3 key (utf8), IV = `nonce` (utf8),
 *   AAD = `associated_data` (utf8), `ciphertext` = base64(ciphertext || 16-byte tag).
 * - Outgoing Authorization: `WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",signature="…",
 *   timestamp="…",serial_no="…"`, signature over `METHOD\nURL\nTIMESTAMP\nNONCE\nBODY\n`.
 * - JSAPI `paySign`: RSA-SHA256 over `appId\ntimeStamp\nnonceStr\npackage\n`.
 */
import {
  KeyObject,
  X509Certificate,
  constants,
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  randomInt,
  sign as cryptoSign,
  verify as cryptoVerify,
} from 'node:crypto';

/** Prefix of WeChat Pay public key ids (the key scheme of newer merchants). */
export const WECHATPAY_PUBLIC_KEY_ID_PREFIX = 'PUB_KEY_ID_';
/** Prefix WeChat puts on probe signatures that a correct merchant must refuse. */
export const WECHATPAY_SIGNTEST_PREFIX = 'WECHATPAY/SIGNTEST/';
/** Authorization scheme of API v3 requests. */
export const WECHATPAY_AUTH_SCHEMA = 'WECHATPAY2-SHA256-RSA2048';
/** The only resource encryption algorithm of API v3. */
export const WECHATPAY_RESOURCE_ALGORITHM = 'AEAD_AES_256_GCM';
/** Default tolerated clock difference for signed timestamps, in seconds. */
export const DEFAULT_MAX_SKEW_SECONDS = 300;

const GCM_TAG_BYTES = 16;
const NONCE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;
const TIMESTAMP_RE = /^\d{1,12}$/;

/** Error codes thrown by this module. */
export type WechatCryptoErrorCode = 'DECRYPT_FAILED' | 'INVALID_KEY';

/** A typed error of this module; `code` is stable, `message` is for logs only. */
export class WechatCryptoError extends Error {
  constructor(
    readonly code: WechatCryptoErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WechatCryptoError';
  }
}

/**
 * The WeChat Pay keys we trust, keyed by serial: a `PUB_KEY_ID_…` WeChat Pay public key id or a
 * platform-certificate serial (hex). Values are a `KeyObject`, a PEM public key or a PEM X.509
 * certificate. Both kinds may be present while a merchant migrates.
 */
export type WechatPayVerifierKeys = { publicKeys: Map<string, KeyObject | string> };

/** The four `Wechatpay-*` headers of a notify or an API response. Missing values are allowed here and refused by the verifier. */
export type WechatpaySignatureHeaders = {
  serial?: string;
  signature?: string;
  timestamp?: string;
  nonce?: string;
};

/** Why a signed notify (or response) was refused. */
export type NotifyRejectReason =
  | 'UNKNOWN_SERIAL'
  | 'BAD_SIGNATURE'
  | 'STALE_TIMESTAMP'
  | 'SIGNATURE_PROBE'
  | 'MISSING_HEADER';

/** Result of {@link verifyNotifySignature}. */
export type NotifyVerifyResult = { ok: true } | { ok: false; reason: NotifyRejectReason };

/** The encrypted `resource` of a notify. */
export type WechatPayEncryptedResource = {
  algorithm: string;
  ciphertext: string;
  nonce: string;
  associated_data?: string;
  original_type?: string;
};

// Parsed PEM keys, so a busy notify endpoint does not re-parse the same PEM on every call.
const pemKeyCache = new Map<string, KeyObject>();
const PEM_CACHE_MAX = 64;

/**
 * Turn a PEM public key, a PEM X.509 certificate or a `KeyObject` into an RSA public `KeyObject`.
 * @throws WechatCryptoError `INVALID_KEY` if it cannot be parsed or is not an RSA key.
 */
export function toPublicKey(key: KeyObject | string): KeyObject {
  if (typeof key !== 'string') return assertRsa(key.type === 'private' ? createPublicKey(key) : key);
  const cached = pemKeyCache.get(key);
  if (cached) return cached;
  let parsed: KeyObject;
  try {
    parsed = key.includes('BEGIN CERTIFICATE') ? new X509Certificate(key).publicKey : createPublicKey(key);
  } catch (err) {
    throw new WechatCryptoError('INVALID_KEY', 'cannot parse WeChat Pay public key or certificate', { cause: err });
  }
  assertRsa(parsed);
  if (pemKeyCache.size >= PEM_CACHE_MAX) pemKeyCache.clear();
  pemKeyCache.set(key, parsed);
  return parsed;
}

function assertRsa(key: KeyObject): KeyObject {
  // Refuse other key types: `verify` would otherwise happily check e.g. an ECDSA signature.
  if (key.asymmetricKeyType !== 'rsa') {
    throw new WechatCryptoError('INVALID_KEY', `expected an RSA key, got ${key.asymmetricKeyType ?? key.type}`);
  }
  return key;
}

function toPrivateKey(key: KeyObject | string): KeyObject {
  if (typeof key !== 'string') return assertRsa(key);
  try {
    return assertRsa(createPrivateKey(key));
  } catch (err) {
    if (err instanceof WechatCryptoError) throw err;
    throw new WechatCryptoError('INVALID_KEY', 'cannot parse merchant private key', { cause: err });
  }
}

/**
 * Find the key named by a `Wechatpay-Serial`. Exact match first; certificate serials are hex and
 * may be written in either case, so those also match case-insensitively.
 */
function findKey(keys: WechatPayVerifierKeys, serial: string): KeyObject | string | undefined {
  const exact = keys.publicKeys.get(serial);
  if (exact !== undefined) return exact;
  if (serial.startsWith(WECHATPAY_PUBLIC_KEY_ID_PREFIX)) return undefined;
  const upper = serial.toUpperCase();
  for (const [k, v] of keys.publicKeys) {
    if (!k.startsWith(WECHATPAY_PUBLIC_KEY_ID_PREFIX) && k.toUpperCase() === upper) return v;
  }
  return undefined;
}

/**
 * Pick the `Wechatpay-*` signature headers out of Node's (lower-cased) incoming headers.
 * Repeated headers are refused later as missing, since WeChat never repeats them.
 */
export function pickWechatpayHeaders(
  headers: Record<string, string | string[] | undefined>,
): WechatpaySignatureHeaders {
  const one = (name: string): string | undefined => {
    const v = headers[name] ?? headers[name.toLowerCase()];
    return typeof v === 'string' ? v : undefined;
  };
  return {
    serial: one('wechatpay-serial'),
    signature: one('wechatpay-signature'),
    timestamp: one('wechatpay-timestamp'),
    nonce: one('wechatpay-nonce'),
  };
}

/** Whether a seconds timestamp string lies within `maxSkewSeconds` of `nowMs`, either way. */
function timestampFresh(timestamp: string, nowMs: number, maxSkewSeconds: number): boolean {
  if (!TIMESTAMP_RE.test(timestamp)) return false;
  return Math.abs(nowMs / 1000 - Number(timestamp)) <= maxSkewSeconds;
}

/**
 * Verify the signature of a WeChat Pay notify (the same rules apply to API responses).
 *
 * Checks, in order: all four headers present; not a `WECHATPAY/SIGNTEST/` probe; timestamp within
 * `maxSkewSeconds` of `nowMs` (past or future; a non-numeric timestamp counts as stale); the
 * serial names a key we hold; RSA-SHA256 over `timestamp\nnonce\nrawBody\n` verifies.
 *
 * @param headers - the `Wechatpay-Serial/-Signature/-Timestamp/-Nonce` values (see {@link pickWechatpayHeaders}).
 * @param rawBody - the body exactly as received; pass the raw bytes, never re-serialised JSON.
 * @param keys - trusted keys by serial.
 * @param nowMs - the current time in milliseconds (injected for tests).
 * @param maxSkewSeconds - tolerated clock difference, 300 s by default.
 */
export function verifyNotifySignature(
  headers: WechatpaySignatureHeaders,
  rawBody: string | Buffer,
  keys: WechatPayVerifierKeys,
  nowMs: number,
  maxSkewSeconds: number = DEFAULT_MAX_SKEW_SECONDS,
): NotifyVerifyResult {
  const { serial, signature, timestamp, nonce } = headers;
  if (!serial || !signature || !timestamp || !nonce) return { ok: false, reason: 'MISSING_HEADER' };
  if (signature.startsWith(WECHATPAY_SIGNTEST_PREFIX)) return { ok: false, reason: 'SIGNATURE_PROBE' };
  if (!timestampFresh(timestamp, nowMs, maxSkewSeconds)) return { ok: false, reason: 'STALE_TIMESTAMP' };
  const keyMaterial = findKey(keys, serial);
  if (keyMaterial === undefined) return { ok: false, reason: 'UNKNOWN_SERIAL' };
  let key: KeyObject;
  try {
    key = toPublicKey(keyMaterial);
  } catch {
    // A key we hold but cannot use is a configuration error; from the notify's side it is unknown.
    return { ok: false, reason: 'UNKNOWN_SERIAL' };
  }
  const message = Buffer.concat([
    Buffer.from(`${timestamp}\n${nonce}\n`, 'utf8'),
    typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody,
    Buffer.from('\n', 'utf8'),
  ]);
  return verifyRaw(message, signature, key) ? { ok: true } : { ok: false, reason: 'BAD_SIGNATURE' };
}

function verifyRaw(message: Buffer, signatureB64: string, key: KeyObject): boolean {
  if (!BASE64_RE.test(signatureB64)) return false;
  try {
    return cryptoVerify(
      'sha256',
      message,
      { key, padding: constants.RSA_PKCS1_PADDING },
      Buffer.from(signatureB64, 'base64'),
    );
  } catch {
    return false;
  }
}

/**
 * Verify a base64 RSA-SHA256 (PKCS#1 v1.5) signature over a message.
 * @returns false for a wrong or malformed signature; never throws for bad signatures.
 */
export function verifyMessage(message: string | Buffer, signatureB64: string, publicKey: KeyObject | string): boolean {
  const data = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
  return verifyRaw(data, signatureB64, toPublicKey(publicKey));
}

/**
 * Sign a message with RSA-SHA256 (PKCS#1 v1.5).
 * @returns the base64 signature.
 * @throws WechatCryptoError `INVALID_KEY` if the private key cannot be parsed or is not RSA.
 */
export function signMessage(message: string | Buffer, privateKeyPem: KeyObject | string): string {
  const data = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
  return cryptoSign('sha256', data, { key: toPrivateKey(privateKeyPem), padding: constants.RSA_PKCS1_PADDING }).toString(
    'base64',
  );
}

function apiV3KeyBytes(apiV3Key: string): Buffer {
  const key = Buffer.from(apiV3Key ?? '', 'utf8');
  if (key.length !== 32) throw new WechatCryptoError('DECRYPT_FAILED', 'APIv3 key must be 32 bytes');
  return key;
}

/**
 * Decrypt the `resource` of a WeChat Pay notify and parse it as JSON.
 *
 * AES-256-GCM with the auth tag checked (the last 16 bytes of the base64 ciphertext) and
 * `associated_data` as AAD (empty when absent).
 *
 * @typeParam T - the expected shape of the plaintext object (not validated here).
 * @throws WechatCryptoError `DECRYPT_FAILED` on any failure: wrong algorithm, malformed input,
 *   wrong APIv3 key, tag mismatch (tampered ciphertext, nonce or associated data), or a plaintext
 *   that is not a JSON object.
 */
export function decryptNotifyResource<T extends object = Record<string, unknown>>(
  resource: WechatPayEncryptedResource,
  apiV3Key: string,
): T {
  const fail = (why: string, cause?: unknown): never => {
    throw new WechatCryptoError('DECRYPT_FAILED', `cannot decrypt notify resource: ${why}`, { cause });
  };
  if (!resource || typeof resource !== 'object') return fail('resource missing');
  const { algorithm, ciphertext, nonce, associated_data: aad } = resource;
  if (algorithm !== WECHATPAY_RESOURCE_ALGORITHM) return fail(`unsupported algorithm ${String(algorithm)}`);
  if (typeof ciphertext !== 'string' || !BASE64_RE.test(ciphertext)) return fail('ciphertext is not base64');
  if (typeof nonce !== 'string' || nonce.length === 0) return fail('nonce missing');
  if (aad !== undefined && aad !== null && typeof aad !== 'string') return fail('associated_data is not a string');
  const key = apiV3KeyBytes(apiV3Key);
  const data = Buffer.from(ciphertext, 'base64');
  if (data.length <= GCM_TAG_BYTES) return fail('ciphertext too short');

  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'utf8'), {
      authTagLength: GCM_TAG_BYTES,
    });
    decipher.setAuthTag(data.subarray(data.length - GCM_TAG_BYTES));
    decipher.setAAD(Buffer.from(aad ?? '', 'utf8'));
    // final() throws when the tag does not match: this is the check the library skips.
    plain = Buffer.concat([decipher.update(data.subarray(0, data.length - GCM_TAG_BYTES)), decipher.final()]);
  } catch (err) {
    return fail('authentication failed', err);
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(plain.toString('utf8'));
  } catch (err) {
    return fail('plaintext is not JSON', err);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return fail('plaintext is not a JSON object');
  return parsed as T;
}

/**
 * Encrypt an object the way WeChat Pay encrypts a notify `resource` (for tests and the fake server).
 * @param associatedData - AAD; WeChat uses `transaction` for payments and `refund` for refunds.
 * @param opts.nonce - 12-character IV string; random by default.
 * @param opts.originalType - the `original_type` field; defaults to `associatedData` when non-empty.
 */
export function encryptNotifyResource(
  plain: object,
  apiV3Key: string,
  associatedData = '',
  opts: { nonce?: string; originalType?: string } = {},
): Required<WechatPayEncryptedResource> {
  const key = Buffer.from(apiV3Key, 'utf8');
  if (key.length !== 32) throw new WechatCryptoError('INVALID_KEY', 'APIv3 key must be 32 bytes');
  const nonce = opts.nonce ?? randomNonce(12);
  const cipher = createCipheriv('aes-256-gcm', key, Buffer.from(nonce, 'utf8'), { authTagLength: GCM_TAG_BYTES });
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([cipher.update(JSON.stringify(plain), 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return {
    original_type: opts.originalType ?? associatedData,
    algorithm: WECHATPAY_RESOURCE_ALGORITHM,
    ciphertext: body.toString('base64'),
    associated_data: associatedData,
    nonce,
  };
}

/** A random alphanumeric string (nonces of headers, resources and JSAPI parameters). */
export function randomNonce(length = 32): string {
  let out = '';
  for (let i = 0; i < length; i++) out += NONCE_ALPHABET[randomInt(NONCE_ALPHABET.length)];
  return out;
}

/** Current Unix time in whole seconds, as WeChat writes timestamps. */
export function unixSeconds(nowMs: number = Date.now()): string {
  return String(Math.floor(nowMs / 1000));
}

/** Input of {@link buildAuthorizationHeader}. */
export type AuthorizationInput = {
  mchid: string;
  /** Serial number of the merchant API certificate. */
  serialNo: string;
  privateKeyPem: KeyObject | string;
  method: string;
  /** Path plus query exactly as sent, e.g. `/v3/pay/transactions/out-trade-no/X?mchid=1`. */
  urlPathWithQuery: string;
  /** The exact request body; `''` for GET. */
  body?: string;
  /** Seconds; now by default. */
  timestamp?: string | number;
  /** Random 32 characters by default. */
  nonce?: string;
};

/** The message an API v3 request signature covers: `METHOD\nURL\nTIMESTAMP\nNONCE\nBODY\n`. */
export function requestSignatureMessage(
  method: string,
  urlPathWithQuery: string,
  timestamp: string | number,
  nonce: string,
  body: string,
): string {
  return `${method.toUpperCase()}\n${urlPathWithQuery}\n${timestamp}\n${nonce}\n${body}\n`;
}

/**
 * Build the `Authorization` header of an outgoing API v3 request.
 * @returns `WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",signature="…",timestamp="…",serial_no="…"`.
 */
export function buildAuthorizationHeader(input: AuthorizationInput): string {
  const timestamp = String(input.timestamp ?? unixSeconds());
  const nonce = input.nonce ?? randomNonce(32);
  const signature = signMessage(
    requestSignatureMessage(input.method, input.urlPathWithQuery, timestamp, nonce, input.body ?? ''),
    input.privateKeyPem,
  );
  return (
    `${WECHATPAY_AUTH_SCHEMA} mchid="${input.mchid}",nonce_str="${nonce}",signature="${signature}",` +
    `timestamp="${timestamp}",serial_no="${input.serialNo}"`
  );
}

/** The fields of a parsed `Authorization` header. */
export type ParsedAuthorization = {
  schema: string;
  mchid: string;
  nonceStr: string;
  signature: string;
  timestamp: string;
  serialNo: string;
};

/**
 * Parse an API v3 `Authorization` header.
 * @returns the fields, or null if the scheme is not `WECHATPAY2-SHA256-RSA2048` or a field is missing or repeated.
 */
export function parseAuthorizationHeader(header: string | undefined | null): ParsedAuthorization | null {
  if (typeof header !== 'string') return null;
  const m = /^\s*(\S+)\s+(.*)$/s.exec(header);
  if (!m || m[1] !== WECHATPAY_AUTH_SCHEMA) return null;
  const fields = new Map<string, string>();
  for (const part of m[2]!.split(',')) {
    const kv = /^\s*([a-z_]+)="([^"]*)"\s*$/.exec(part);
    if (!kv || fields.has(kv[1]!)) return null;
    fields.set(kv[1]!, kv[2]!);
  }
  const mchid = fields.get('mchid');
  const nonceStr = fields.get('nonce_str');
  const signature = fields.get('signature');
  const timestamp = fields.get('timestamp');
  const serialNo = fields.get('serial_no');
  if (!mchid || !nonceStr || !signature || !timestamp || !serialNo) return null;
  return { schema: m[1], mchid, nonceStr, signature, timestamp, serialNo };
}

/** Why an `Authorization` header was refused. */
export type AuthorizationRejectReason =
  | 'MISSING_HEADER'
  | 'MALFORMED'
  | 'WRONG_MCHID'
  | 'WRONG_SERIAL'
  | 'STALE_TIMESTAMP'
  | 'BAD_SIGNATURE';

/** Input of {@link verifyAuthorizationHeader}. */
export type VerifyAuthorizationInput = {
  header: string | undefined | null;
  method: string;
  urlPathWithQuery: string;
  body?: string;
  /** The merchant's public key (or certificate PEM). */
  publicKey: KeyObject | string;
  /** When set, the header's `mchid` must equal it. */
  expectedMchid?: string;
  /** When set, the header's `serial_no` must equal it (case-insensitive hex). */
  expectedSerialNo?: string;
  nowMs?: number;
  maxSkewSeconds?: number;
};

/**
 * Check an API v3 `Authorization` header the way WeChat Pay does (used by the fake server to
 * check our requests): well-formed, expected mchid and serial, fresh timestamp, valid signature.
 */
export function verifyAuthorizationHeader(
  input: VerifyAuthorizationInput,
): { ok: true; parsed: ParsedAuthorization } | { ok: false; reason: AuthorizationRejectReason } {
  if (!input.header) return { ok: false, reason: 'MISSING_HEADER' };
  const parsed = parseAuthorizationHeader(input.header);
  if (!parsed) return { ok: false, reason: 'MALFORMED' };
  if (input.expectedMchid !== undefined && parsed.mchid !== input.expectedMchid) return { ok: false, reason: 'WRONG_MCHID' };
  if (
    input.expectedSerialNo !== undefined &&
    parsed.serialNo.toUpperCase() !== input.expectedSerialNo.toUpperCase()
  ) {
    return { ok: false, reason: 'WRONG_SERIAL' };
  }
  if (!timestampFresh(parsed.timestamp, input.nowMs ?? Date.now(), input.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS)) {
    return { ok: false, reason: 'STALE_TIMESTAMP' };
  }
  const message = requestSignatureMessage(
    input.method,
    input.urlPathWithQuery,
    parsed.timestamp,
    parsed.nonceStr,
    input.body ?? '',
  );
  return verifyMessage(message, parsed.signature, input.publicKey)
    ? { ok: true, parsed }
    : { ok: false, reason: 'BAD_SIGNATURE' };
}

/** Exactly the parameters of `wx.requestPayment` (JSAPI / mini-program). */
export type JsapiPayParams = {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'RSA';
  paySign: string;
};

/**
 * Build the `wx.requestPayment` parameters for a prepay id; `paySign` is the merchant's
 * RSA-SHA256 signature over `appId\ntimeStamp\nnonceStr\npackage\n`.
 */
export function buildJsapiPayParams(input: {
  appId: string;
  prepayId: string;
  privateKeyPem: KeyObject | string;
  timeStamp?: string;
  nonceStr?: string;
}): JsapiPayParams {
  const timeStamp = input.timeStamp ?? unixSeconds();
  const nonceStr = input.nonceStr ?? randomNonce(32);
  const pkg = `prepay_id=${input.prepayId}`;
  const paySign = signMessage(`${input.appId}\n${timeStamp}\n${nonceStr}\n${pkg}\n`, input.privateKeyPem);
  return { appId: input.appId, timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign };
}
