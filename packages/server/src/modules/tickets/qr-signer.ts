import { createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify as verifySignature, type KeyObject } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  matchRotatingPart, parseQrToken, qrCodeAt, qrNextStepAt, qrSignedPart, qrStaticPart, toBase64Url,
  type ParsedQrToken, type QrClaims, type QrRefusal,
} from '@deeptravel/shared';
import type { AppConfig } from '../../app/config.js';

/**
 * Signs QR tokens with an Ed25519 key (PRODUCT.md "QR code"). The key comes from QR_SIGNING_KEY_FILE;
 * outside production, when it is unset, one is generated once into DATA_DIR so every local instance
 * shares it. The public key is what merchant apps use to check codes offline.
 */
export class QrSigner {
  readonly keyId: string;
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  private readonly publicKeyRaw: string;
  private readonly orderSecretKey: Buffer;

  constructor(config: AppConfig) {
    this.keyId = config.QR_SIGNING_KEY_ID;
    let pem: string;
    if (config.QR_SIGNING_KEY_FILE) {
      pem = readFileSync(config.QR_SIGNING_KEY_FILE, 'utf8');
    } else {
      if (!config.devMode) throw new Error('QR_SIGNING_KEY_FILE is required in production');
      const file = join(config.DATA_DIR, 'qr-signing-key.pem');
      if (!existsSync(file)) generateKeyFileOnce(file);
      pem = readFileSync(file, 'utf8');
    }
    this.privateKey = createPrivateKey(pem);
    if (this.privateKey.asymmetricKeyType !== 'ed25519') throw new Error('QR signing key must be an Ed25519 private key');
    this.publicKey = createPublicKey(this.privateKey);
    const spki = this.publicKey.export({ format: 'der', type: 'spki' });
    this.publicKeyRaw = toBase64Url(new Uint8Array(spki.subarray(spki.length - 32)));
    // A separate secret for order-level rotating parts, derived so it needs no storage of its own.
    this.orderSecretKey = createHmac('sha256', this.privateKey.export({ format: 'der', type: 'pkcs8' })).update('deeptravel/order-qr').digest();
  }

  /** The verification keys by id (raw Ed25519, base64url), as the merchant app's offline bundle carries them. */
  publicKeys(): Record<string, string> {
    return { [this.keyId]: this.publicKeyRaw };
  }

  /** A detached Ed25519 signature (base64url) of a text with the QR key: signs merchant offline bundles. */
  signText(text: string): string {
    return toBase64Url(new Uint8Array(sign(null, Buffer.from(text, 'utf8'), this.privateKey)));
  }

  /** The rotating-part secret of an order QR. */
  orderSecret(orderNo: string): string {
    return toBase64Url(new Uint8Array(createHmac('sha256', this.orderSecretKey).update(orderNo).digest().subarray(0, 16)));
  }

  /** The signed static part `DT1.<claims>.<signature>` of a ticket's or an order's code (what a device keeps to show it offline). */
  staticPart(claims: Omit<QrClaims, 'v' | 'kid'>): string {
    const full: QrClaims = { v: 1, kid: this.keyId, ...claims };
    const signedPart = qrSignedPart(full);
    return qrStaticPart(signedPart, new Uint8Array(sign(null, Buffer.from(signedPart), this.privateKey)));
  }

  /** The current payload for a ticket or an order, and when it stops being current (the same `qrCodeAt` the apps run). */
  payload(claims: Omit<QrClaims, 'v' | 'kid'>, secret: string, now: Date): { payload: string; refreshAt: Date } {
    return {
      payload: qrCodeAt({ base: this.staticPart(claims), secret }, now.getTime())!,
      refreshAt: new Date(qrNextStepAt(now.getTime())),
    };
  }

  /** Parses and checks the signature of a scanned token; the rotating part is checked by `rotatingStep`. */
  verify(token: string): { parsed: ParsedQrToken } | { refusal: QrRefusal } {
    const parsed = parseQrToken(token);
    if (!parsed) return { refusal: 'MALFORMED' };
    if (parsed.claims.kid !== this.keyId) return { refusal: 'UNKNOWN_KEY' };
    // Node's native Ed25519 (OpenSSL), not the shared package's pure-JS one that the apps run: about
    // 20× cheaper, and the check of every scan at the gate (docs/performance.md).
    let valid = false;
    try {
      valid = verifySignature(null, Buffer.from(parsed.signedPart, 'utf8'), this.publicKey, parsed.signature);
    } catch {
      valid = false;
    }
    return valid ? { parsed } : { refusal: 'BAD_SIGNATURE' };
  }

  /** The step the rotating part belongs to (±1 step of clock skew), or null when stale or forged. */
  rotatingStep(parsed: ParsedQrToken, secret: string, now: Date): number | null {
    return matchRotatingPart(secret, parsed.claims.ref, parsed.rotating, now.getTime(), 1);
  }
}

/**
 * Writes a fresh Ed25519 key to `file` unless another process got there first. Several local
 * servers (or jest workers) may start at once on a new checkout: the key is written whole to a
 * private temporary file and published with link(2), which fails atomically if the file exists, so
 * nobody ever reads a half-written key and the first writer's key wins for everyone.
 */
function generateKeyFileOnce(file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const { privateKey } = generateKeyPairSync('ed25519');
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temporary, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temporary);
  }
}
