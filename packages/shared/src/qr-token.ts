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
 * the server (and the offline bundle of a merchant allowed to redeem it) holds, so a screenshot
 * goes stale within a minute and a forged code cannot produce it.
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

const enc = new TextEncoder();

/** Encodes bytes as unpadded base64url (works without Buffer). */
export function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes unpadded base64url. Throws on bad input. */
export function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('not base64url');
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
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

/** Splits a token; returns null if it is not one of ours. */
export function parseQrToken(token: string): ParsedQrToken | null {
  if (typeof token !== 'string' || token.length > 4096) return null;
  const parts = token.trim().split('.');
  if (parts.length !== 4 || parts[0] !== QR_TOKEN_PREFIX) return null;
  try {
    const claims = JSON.parse(new TextDecoder().decode(fromBase64Url(parts[1]))) as QrClaims;
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
