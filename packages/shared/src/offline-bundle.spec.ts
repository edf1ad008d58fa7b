import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, sign } from 'node:crypto';
import {
  applyOfflineBundle, bundleText, checkOfflineCode, checkOfflineTicketCode, openOfflineBundle, type OfflineBundle, type OfflineState,
} from './offline-bundle.js';
import { assembleQrToken, qrRotatingPart, qrSignedPart, qrStepAt, toBase64Url, type QrClaims } from './qr-token.js';

// Signed with node:crypto as the server does; opened and checked with the pure-JS code the app runs.
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const raw = toBase64Url(new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(-32)));
const keys = { k1: raw };
const secretA = toBase64Url(new Uint8Array(16).fill(1));
const orderSecret = toBase64Url(new Uint8Array(16).fill(3));
const now = Date.UTC(2026, 10, 24, 2, 0, 10);

function signText(text: string): string {
  return toBase64Url(new Uint8Array(sign(null, Buffer.from(text), privateKey)));
}
function qr(claims: Omit<QrClaims, 'v' | 'kid'>, secret: string, atMs: number): string {
  const full: QrClaims = { v: 1, kid: 'k1', ...claims };
  const sp = qrSignedPart(full);
  return assembleQrToken(sp, new Uint8Array(sign(null, Buffer.from(sp), privateKey)), qrRotatingPart(secret, full.ref, qrStepAt(atMs)));
}

const bundle: OfflineBundle = {
  v: 1, merchantId: 2, terminalId: 9, version: now, since: null, generatedAt: new Date(now).toISOString(),
  windowFrom: '2026-11-23T16:00:00.000Z', windowUntil: '2026-11-25T16:00:00.000Z', keys, truncated: false,
  tickets: [
    {
      id: 1, code: 'TKT-A', orderNo: 'ORD-1', status: 'ACTIVE', productName: '3-in-1', shared: false, passengerName: '张三', passengerType: 'CHILD',
      validFrom: '2026-11-23T16:00:00.000Z', validUntil: '2026-11-24T16:00:00.000Z', qrSecret: secretA, tripId: null, departureAt: null,
      lines: [{ id: 11, name: '渡轮', usesTotal: 1, usesLeft: 1, lastRedeemedAt: null, lastRedeemedTerminal: null }],
    },
  ],
  orders: { 'ORD-1': orderSecret },
  revoked: [{ code: 'TKT-R', reason: 'TICKET_REFUNDED' }],
};

function state(): OfflineState {
  const text = bundleText(bundle);
  const opened = openOfflineBundle({ payload: text, signature: signText(text), keyId: 'k1' }, keys);
  expect(opened).not.toBeNull();
  return applyOfflineBundle(null, opened!);
}

describe('offline bundle', () => {
  it('opens only with a pinned key and an intact payload', () => {
    const text = bundleText(bundle);
    const signature = signText(text);
    expect(openOfflineBundle({ payload: text, signature, keyId: 'k1' }, keys)?.merchantId).toBe(2);
    expect(openOfflineBundle({ payload: text.replace('"usesLeft":1', '"usesLeft":9'), signature, keyId: 'k1' }, keys)).toBeNull();
    expect(openOfflineBundle({ payload: text, signature, keyId: 'k2' }, keys)).toBeNull();
  });

  it('accepts the live code and refuses a stale screenshot, a forgery and a revoked ticket', () => {
    const s = state();
    const ok = checkOfflineCode(s, qr({ typ: 'T', ref: 'TKT-A' }, secretA, now), [], now);
    expect(ok).toMatchObject({ ok: true, allowed: true, tickets: [{ passengerType: 'CHILD', lines: [{ redeemable: true }] }] });
    expect(checkOfflineCode(s, qr({ typ: 'T', ref: 'TKT-A' }, secretA, now - 120_000), [], now)).toMatchObject({ ok: false, refusal: 'QR_STALE' });
    const forged = qr({ typ: 'T', ref: 'TKT-A' }, toBase64Url(new Uint8Array(16).fill(7)), now);
    expect(checkOfflineCode(s, forged, [], now)).toMatchObject({ ok: false, refusal: 'QR_STALE' });
    const [a, b, , d] = forged.split('.');
    expect(checkOfflineCode(s, `${a}.${b}.${toBase64Url(new Uint8Array(64))}.${d}`, [], now)).toMatchObject({ ok: false, refusal: 'QR_BAD_SIGNATURE' });
    expect(checkOfflineCode(s, qr({ typ: 'T', ref: 'TKT-R' }, secretA, now), [], now)).toMatchObject({ ok: false, refusal: 'NOT_IN_BUNDLE', revoked: 'TICKET_REFUNDED' });
    expect(checkOfflineCode(s, 'hello', [], now)).toMatchObject({ ok: false, refusal: 'QR_MALFORMED' });
  });

  it('counts local uses: used once offline → already redeemed; the same code again → already redeemed', () => {
    const s = state();
    const token = qr({ typ: 'O', ref: 'ORD-1', tickets: ['TKT-A'] }, orderSecret, now);
    const first = checkOfflineCode(s, token, [], now);
    expect(first).toMatchObject({ ok: true, kind: 'ORDER', allowed: true });
    const step = (first as { step: number }).step;
    const used = [{ lineId: 11, qrRef: 'ORD-1', qrStep: step, scannedAt: new Date(now).toISOString() }];
    expect(checkOfflineCode(s, token, used, now)).toMatchObject({ ok: true, allowed: false, reason: 'ALREADY_REDEEMED', tickets: [{ lines: [{ usedHere: true }] }] });
    expect(checkOfflineTicketCode(s, 'tkt-a', [], now)).toMatchObject({ ok: true, allowed: true });
    expect(checkOfflineTicketCode(s, 'TKT-A', [], Date.parse('2026-11-25T00:00:00Z'))).toMatchObject({ ok: true, allowed: false, reason: 'TICKET_EXPIRED' });
  });

  it('at a gate boarding one departure, refuses a ticket of another trip (passes board any departure)', () => {
    const ferry = { ...bundle.tickets[0], id: 2, code: 'TKT-F', tripId: 77, departureAt: '2026-11-24T02:30:00.000Z', lines: [{ ...bundle.tickets[0].lines[0], id: 21 }] };
    const text = bundleText({ ...bundle, tickets: [...bundle.tickets, ferry] });
    const s = applyOfflineBundle(null, openOfflineBundle({ payload: text, signature: signText(text), keyId: 'k1' }, keys)!);
    const token = qr({ typ: 'T', ref: 'TKT-F' }, secretA, now);
    expect(checkOfflineCode(s, token, [], now, { departureTripId: 78 })).toMatchObject({
      ok: true, allowed: false, reason: 'WRONG_DEPARTURE', tickets: [{ tripId: 77, departureAt: '2026-11-24T02:30:00.000Z' }],
    });
    expect(checkOfflineCode(s, token, [], now, { departureTripId: 77 })).toMatchObject({ ok: true, allowed: true });
    expect(checkOfflineCode(s, token, [], now)).toMatchObject({ ok: true, allowed: true });
    expect(checkOfflineTicketCode(s, 'TKT-F', [], now, { departureTripId: 78 })).toMatchObject({ reason: 'WRONG_DEPARTURE' });
    // Used already: that is what the gate needs to hear first.
    const used = [{ lineId: 21, qrRef: 'TKT-F', qrStep: 1, scannedAt: new Date(now).toISOString() }];
    expect(checkOfflineCode(s, token, used, now, { departureTripId: 78 })).toMatchObject({ reason: 'ALREADY_REDEEMED' });
    // The pass (no trip) boards any departure.
    expect(checkOfflineTicketCode(s, 'TKT-A', [], now, { departureTripId: 78 })).toMatchObject({ allowed: true });
  });

  it('merges a delta: a ticket revoked later leaves the tickets', () => {
    const s = state();
    const delta: OfflineBundle = { ...bundle, since: now, version: now + 60_000, tickets: [], orders: {}, revoked: [{ code: 'TKT-A', reason: 'REFUND_IN_PROGRESS' }] };
    const next = applyOfflineBundle(s, delta);
    expect(next.tickets['TKT-A']).toBeUndefined();
    expect(next.revoked['TKT-A']).toBe('REFUND_IN_PROGRESS');
    expect(next.revoked['TKT-R']).toBe('TICKET_REFUNDED');
    expect(next.version).toBe(now + 60_000);
  });
});
