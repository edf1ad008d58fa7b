import { generateKeyPairSync, sign } from 'node:crypto';
import { matchRotatingPart, parseQrToken, qrCodeAt, qrSignedPart, qrStaticPart, qrStepAt, toBase64Url, verifyQrSignature } from '@deeptravel/shared';
import { beforeEach, describe, expect, it, vi } from 'vitest';

// The app's client: what it has learned of the server's clock (a phone 7 minutes slow).
const clientState = { serverOffsetKnown: true, serverOffsetMs: 7 * 60_000 };
vi.mock('../src/api/client', () => ({
  client: {
    get serverOffsetKnown() {
      return clientState.serverOffsetKnown;
    },
    get serverOffsetMs() {
      return clientState.serverOffsetMs;
    },
    serverNow: () => Date.now() + clientState.serverOffsetMs,
  },
}));
const { walletNow, walletQrCode } = await import('../src/api/wallet-qr');
const Taro = (await import('@tarojs/taro')).default;

// A ticket's offline material as the server gives it to the owner (signed with node:crypto, as the server does).
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const keys = { k1: toBase64Url(new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(-32))) };
const signedPart = qrSignedPart({ v: 1, kid: 'k1', typ: 'T', ref: 'TKT-WALLET01' });
const material = { base: qrStaticPart(signedPart, new Uint8Array(sign(null, Buffer.from(signedPart), privateKey))), secret: toBase64Url(new Uint8Array(16).fill(3)) };

describe('the wallet computes the code on the device, by the server\'s clock', () => {
  beforeEach(() => {
    Taro.clearStorageSync();
    clientState.serverOffsetKnown = true;
    clientState.serverOffsetMs = 7 * 60_000;
  });

  it('makes the code for the server\'s now (not the phone\'s), which verifies and matches the ticket\'s secret', () => {
    const shown = walletQrCode(material)!;
    const serverNow = Date.now() + 7 * 60_000;
    expect(shown.payload).toBe(qrCodeAt(material, serverNow));
    const parsed = parseQrToken(shown.payload)!;
    expect(verifyQrSignature(parsed, keys)).toBeNull();
    expect(matchRotatingPart(material.secret, 'TKT-WALLET01', parsed.rotating, serverNow)).toBe(qrStepAt(serverNow));
    // By the phone's own (slow) clock it would be stale.
    expect(matchRotatingPart(material.secret, 'TKT-WALLET01', parsed.rotating, Date.now())).toBeNull();
    expect(shown.nextAt).toBe((qrStepAt(serverNow) + 1) * 30_000);
  });

  it('keeps the learned offset on the device for a start without network', () => {
    walletNow();
    clientState.serverOffsetKnown = false;
    clientState.serverOffsetMs = 0;
    expect(Math.abs(walletNow() - (Date.now() + 7 * 60_000))).toBeLessThan(50);
  });

  it('shows nothing computed without material (then the server\'s last payload is shown)', () => {
    expect(walletQrCode(null)).toBeNull();
    expect(walletQrCode({ base: 'not-a-code', secret: material.secret })).toBeNull();
  });
});
