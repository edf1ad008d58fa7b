import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, sign } from 'node:crypto';
import {
  assembleQrToken, matchRotatingPart, parseQrToken, qrCodeAt, qrNextStepAt, qrRotatingPart, qrSignedPart, qrStaticPart, qrStepAt,
  fromBase64Url, toBase64Url, utf8Bytes, utf8Text, verifyQrSignature, type QrClaims,
} from './qr-token.js';

// Sign with node:crypto as the server does; verify with the pure-JS code the apps use.
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const rawPublic = toBase64Url(new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(-32)));
const keys = { k1: rawPublic };
const secret = toBase64Url(new Uint8Array(16).fill(7));

function issue(claims: QrClaims, nowMs: number): string {
  const signedPart = qrSignedPart(claims);
  const signature = new Uint8Array(sign(null, Buffer.from(signedPart), privateKey));
  return assembleQrToken(signedPart, signature, qrRotatingPart(secret, claims.ref, qrStepAt(nowMs)));
}

describe('QR token', () => {
  const claims: QrClaims = { v: 1, kid: 'k1', typ: 'T', ref: 'TKT-ABC123' };
  const now = Date.UTC(2026, 10, 23, 8, 0, 10);

  it('verifies a token signed by node:crypto and matches the current rotating part', () => {
    const parsed = parseQrToken(issue(claims, now))!;
    expect(parsed.claims).toEqual(claims);
    expect(verifyQrSignature(parsed, keys)).toBeNull();
    expect(matchRotatingPart(secret, claims.ref, parsed.rotating, now)).toBe(qrStepAt(now));
    expect(matchRotatingPart(secret, claims.ref, parsed.rotating, now + 30_000)).toBe(qrStepAt(now));
  });

  it('refuses a stale screenshot, a tampered claim, an unknown key and garbage', () => {
    const token = issue(claims, now);
    const parsed = parseQrToken(token)!;
    expect(matchRotatingPart(secret, claims.ref, parsed.rotating, now + 95_000)).toBeNull();

    const forgedClaims = qrSignedPart({ ...claims, ref: 'TKT-OTHER1' });
    const [, , sig, rot] = token.split('.');
    const forged = parseQrToken(`${forgedClaims}.${sig}.${rot}`)!;
    expect(verifyQrSignature(forged, keys)).toBe('BAD_SIGNATURE');
    expect(verifyQrSignature(parsed, { other: rawPublic })).toBe('UNKNOWN_KEY');
    expect(parseQrToken('TKT-ABC123')).toBeNull();
    expect(parseQrToken('DT1.!!!.x.y')).toBeNull();
  });

  it('refuses a rotating part made with another secret', () => {
    const otherSecret = toBase64Url(new Uint8Array(16).fill(9));
    const rot = qrRotatingPart(otherSecret, claims.ref, qrStepAt(now));
    expect(matchRotatingPart(secret, claims.ref, rot, now)).toBeNull();
  });
});

describe('codes computed on the device (offline)', () => {
  const claims: QrClaims = { v: 1, kid: 'k1', typ: 'T', ref: 'TKT-ABC123' };
  const now = Date.UTC(2026, 10, 23, 8, 0, 10);
  const signedPart = qrSignedPart(claims);
  const base = qrStaticPart(signedPart, new Uint8Array(sign(null, Buffer.from(signedPart), privateKey)));

  it('computes, from the static part and the secret, the token the server would issue at that moment', () => {
    for (const t of [now, now + 29_000, now + 3_600_000]) {
      expect(qrCodeAt({ base, secret }, t)).toBe(issue(claims, t));
    }
    expect(qrNextStepAt(now)).toBe((qrStepAt(now) + 1) * 30_000);
  });

  it('is accepted within ±1 step and its signature verifies; later it is stale', () => {
    const later = now + 10 * 60_000;
    const parsed = parseQrToken(qrCodeAt({ base, secret }, later)!)!;
    expect(verifyQrSignature(parsed, keys)).toBeNull();
    expect(matchRotatingPart(secret, claims.ref, parsed.rotating, later - 30_000)).toBe(qrStepAt(later));
    expect(matchRotatingPart(secret, claims.ref, parsed.rotating, later + 30_000)).toBe(qrStepAt(later));
    expect(matchRotatingPart(secret, claims.ref, parsed.rotating, later + 65_000)).toBeNull();
    expect(matchRotatingPart(secret, claims.ref, parsed.rotating, now)).toBeNull();
  });

  it('with another secret or tampered claims, the code is refused', () => {
    const otherSecret = toBase64Url(new Uint8Array(16).fill(9));
    const wrong = parseQrToken(qrCodeAt({ base, secret: otherSecret }, now)!)!;
    expect(matchRotatingPart(secret, claims.ref, wrong.rotating, now)).toBeNull();
    const [, , sig] = base.split('.');
    const forged = parseQrToken(qrCodeAt({ base: `${qrSignedPart({ ...claims, ref: 'TKT-OTHER1' })}.${sig}`, secret }, now)!)!;
    expect(verifyQrSignature(forged, keys)).toBe('BAD_SIGNATURE');
    expect(qrCodeAt({ base: 'garbage', secret }, now)).toBeNull();
  });
});

describe('base64url and UTF-8 without platform APIs (a mini-program has no btoa, atob or TextEncoder)', () => {
  it('matches Node for random bytes of every length and for Chinese text', () => {
    for (let len = 0; len < 70; len++) {
      const bytes = new Uint8Array(len).map((_, i) => (i * 37 + len * 11) & 255);
      const expected = Buffer.from(bytes).toString('base64url');
      expect(toBase64Url(bytes)).toBe(expected);
      expect([...fromBase64Url(expected)]).toEqual([...bytes]);
    }
    for (const text of ['TKT-ABC123:2945', '蛇口 → 香港 · 乘船（单程一次）', 'emoji 🧀 ok', '']) {
      expect([...utf8Bytes(text)]).toEqual([...Buffer.from(text, 'utf8')]);
      expect(utf8Text(utf8Bytes(text))).toBe(text);
    }
    expect(() => fromBase64Url('a')).toThrow();
    expect(() => fromBase64Url('ab+/')).toThrow();
    expect(() => utf8Text(new Uint8Array([0xe8, 0x9b]))).toThrow();
  });
});
