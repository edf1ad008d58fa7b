import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, sign } from 'node:crypto';
import {
  assembleQrToken, matchRotatingPart, parseQrToken, qrRotatingPart, qrSignedPart, qrStepAt, toBase64Url,
  verifyQrSignature, type QrClaims,
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
