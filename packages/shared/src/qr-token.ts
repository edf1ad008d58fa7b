import * as ed from '@noble/ed25519';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';

// noble needs a synchronous SHA-512 to verify without WebCrypto (mini-programs have none).
ed.hashes.sha512 = sha512;

/**
 * The QR payload a traveller shows and a merchant scans (PRODUCT.md "QR code"):
 *
 *   DT1.<claims, base64url JSON>.<Ed25519 signature of "DT1.<claims>", base64url>.<rotating part>
 *
 * The signature proves the server issued the claims (checkable offline with the public key);
 * the rotating part is an HMAC of the current 30-second step under a per-ticket secret that only
 * the server, the ticket's owner (see `qrCodeAt`) and the offline bundle of a merchant allowed to
 * redeem it hold, so a screenshot goes stale within a minute and a forged code cannot produce it.
 */
export const QR_TOKEN_PREFIX = 'DT1';
/** Length of one rotation step. */
export const QR_ROTATION_SECONDS = 30;

/** What the signed part of a QR says. */
export interface QrClaims {
  /** Token format version. */
  v: 1;
  /** Id of the signing key, so keys can be rotated. */
  kid: string;
  /** T = one ticket, O = an order listing all of its tickets. */
  typ: 'T' | 'O';
  /** The ticket code (typ T) or the order number (typ O). */
  ref: string;
  /** For an order QR: the codes of its tickets. */
  tickets?: string[];
}

/** A parsed but not yet verified token. */
export interface ParsedQrToken {
  claims: QrClaims;
  signedPart: string;
  signature: Uint8Array;
  rotating: string;
}

/** Why a token was refused. */
export type QrRefusal = 'MALFORMED' | 'UNKNOWN_KEY' | 'BAD_SIGNATURE' | 'STALE_CODE';

// Pure JS, no TextEncoder/TextDecoder/btoa/atob: a WeChat mini-program has none of them (the
// traveller app computes codes with this module on the phone, the merchant app checks them).
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64URL_INDEX: Record<string, number> = {};
for (let i = 0; i < B64URL.length; i++) B64URL_INDEX[B64URL[i]] = i;

/** UTF-8 bytes of a string. */
export function utf8Bytes(text: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return new Uint8Array(out);
}

/** The string of UTF-8 bytes. Throws on malformed input. */
export function utf8Text(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    const n = b < 0x80 ? 0 : b < 0xc0 ? -1 : b < 0xe0 ? 1 : b < 0xf0 ? 2 : b < 0xf8 ? 3 : -1;
    if (n < 0 || (n > 0 && i + n >= bytes.length)) throw new Error('not UTF-8');
    let c = n === 0 ? b : b & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const cont = bytes[i + k];
      if ((cont & 0xc0) !== 0x80) throw new Error('not UTF-8');
      c = (c << 6) | (cont & 63);
    }
    out += String.fromCodePoint(c);
    i += n + 1;
  }
  return out;
}

const enc = { encode: utf8Bytes };

/** Encodes bytes as unpadded base64url (works without Buffer or btoa). */
export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64URL[(n >> 18) & 63] + B64URL[(n >> 12) & 63];
    if (i + 1 < bytes.length) out += B64URL[(n >> 6) & 63];
    if (i + 2 < bytes.length) out += B64URL[n & 63];
  }
  return out;
}

/** Decodes unpadded base64url. Throws on bad input. */
export function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) throw new Error('not base64url');
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const n =
      (B64URL_INDEX[text[i]] << 18) | (B64URL_INDEX[text[i + 1]] << 12) | ((B64URL_INDEX[text[i + 2]] ?? 0) << 6) | (B64URL_INDEX[text[i + 3]] ?? 0);
    out[o++] = (n >> 16) & 255;
    if (i + 2 < text.length) out[o++] = (n >> 8) & 255;
    if (i + 3 < text.length) out[o++] = n & 255;
  }
  return out;
}

/** The part of the token the signature covers. */
export function qrSignedPart(claims: QrClaims): string {
  return `${QR_TOKEN_PREFIX}.${toBase64Url(enc.encode(JSON.stringify(claims)))}`;
}

/** The rotation step that contains `nowMs`. */
export function qrStepAt(nowMs: number): number {
  return Math.floor(nowMs / 1000 / QR_ROTATION_SECONDS);
}

/** The rotating part for a reference at a step: 8 base64url characters of HMAC-SHA256. */
export function qrRotatingPart(secret: Uint8Array | string, ref: string, step: number): string {
  const key = typeof secret === 'string' ? fromBase64Url(secret) : secret;
  return toBase64Url(hmac(sha256, key, enc.encode(`${ref}:${step}`)).slice(0, 6));
}

/** Assembles a token from its signed part, signature and rotating part. */
export function assembleQrToken(signedPart: string, signature: Uint8Array, rotating: string): string {
  return `${signedPart}.${toBase64Url(signature)}.${rotating}`;
}

/**
 * What a device needs to show a valid code without network (TOTP-style, like airline and event
 * wallets): the server-signed static part `DT1.<claims>.<signature>` (which it cannot forge) and the
 * ticket's (or order's) rotating-part secret, delivered only to its owner over the authenticated API.
 */
export interface OfflineQrMaterial {
  /** `DT1.<claims>.<Ed25519 signature>`: the token without its rotating part. */
  base: string;
  /** The rotating-part secret (base64url). */
  secret: string;
}

/** The static part of a token: its signed part and signature, `DT1.<claims>.<signature>`. */
export function qrStaticPart(signedPart: string, signature: Uint8Array): string {
  return `${signedPart}.${toBase64Url(signature)}`;
}

/**
 * The full token for a moment: the static part plus the rotating part of the step containing
 * `nowMs`. The one implementation used by the server (`QrSigner.payload`), the traveller app (offline
 * and online, with `nowMs` by the server's clock) and the tests; `matchRotatingPart` (online
 * `scanCode` and the merchant's offline check) accepts it within ±1 step. Null when `base` is not
 * a static part of ours.
 */
export function qrCodeAt(material: OfflineQrMaterial, nowMs: number): string | null {
  const parsed = parseQrToken(`${material.base}.x`);
  if (!parsed) return null;
  return `${material.base}.${qrRotatingPart(material.secret, parsed.claims.ref, qrStepAt(nowMs))}`;
}

/** When the code shown at `nowMs` stops being current (the start of the next step), epoch ms. */
export function qrNextStepAt(nowMs: number): number {
  return (qrStepAt(nowMs) + 1) * QR_ROTATION_SECONDS * 1000;
}

/** Splits a token; returns null if it is not one of ours. */
export function parseQrToken(token: string): ParsedQrToken | null {
  if (typeof token !== 'string' || token.length > 4096) return null;
  const parts = token.trim().split('.');
  if (parts.length !== 4 || parts[0] !== QR_TOKEN_PREFIX) return null;
  try {
    const claims = JSON.parse(utf8Text(fromBase64Url(parts[1]))) as QrClaims;
    if (claims?.v !== 1 || (claims.typ !== 'T' && claims.typ !== 'O') || typeof claims.ref !== 'string' || typeof claims.kid !== 'string') {
      return null;
    }
    return { claims, signedPart: `${parts[0]}.${parts[1]}`, signature: fromBase64Url(parts[2]), rotating: parts[3] };
  } catch {
    return null;
  }
}

/**
 * Verifies the signature with the public keys by key id (raw 32-byte Ed25519 keys, base64url).
 * Pure JS, so a merchant app can run it offline.
 */
export function verifyQrSignature(parsed: ParsedQrToken, publicKeys: Record<string, string>): QrRefusal | null {
  const key = publicKeys[parsed.claims.kid];
  if (!key) return 'UNKNOWN_KEY';
  try {
    return ed.verify(parsed.signature, enc.encode(parsed.signedPart), fromBase64Url(key)) ? null : 'BAD_SIGNATURE';
  } catch {
    return 'BAD_SIGNATURE';
  }
}

/**
 * Checks the rotating part against the secret, accepting the current step and `skewSteps` either side
 * (a phone's clock and a slow scan). Returns the matched step, or null when stale or forged.
 */
export function matchRotatingPart(
  secret: Uint8Array | string,
  ref: string,
  rotating: string,
  nowMs: number,
  skewSteps = 1,
): number | null {
  const now = qrStepAt(nowMs);
  for (let step = now - skewSteps; step <= now + skewSteps; step++) {
    if (qrRotatingPart(secret, ref, step) === rotating) return step;
  }
  return null;
}
