import { generateKeyPairSync, sign } from 'node:crypto';
import { applyOfflineBundle, assembleQrToken, qrRotatingPart, qrSignedPart, qrStepAt, toBase64Url, type OfflineBundle } from '@deeptravel/shared';
import { beforeEach, describe, expect, it } from 'vitest';
import { connectivity } from '../src/api/connectivity';
import { sessionStore } from '../src/api/device';
import { offlineStore } from '../src/api/offline';
import { redeemLines, scanInput } from '../src/api/scan';

// A bundle signed like the server's, and a traveller's code: the offline path end to end, without a server.
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const keys = { k1: toBase64Url(new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(-32))) };
const secret = toBase64Url(new Uint8Array(16).fill(5));
function qr(ref: string, at = Date.now()): string {
  const sp = qrSignedPart({ v: 1, kid: 'k1', typ: 'T', ref });
  return assembleQrToken(sp, new Uint8Array(sign(null, Buffer.from(sp), privateKey)), qrRotatingPart(secret, ref, qrStepAt(at)));
}
const bundle: OfflineBundle = {
  v: 1, merchantId: 2, terminalId: 3, version: Date.now(), since: null, generatedAt: '', windowFrom: '', windowUntil: '', keys, truncated: false, orders: {},
  revoked: [{ code: 'TKT-REFUNDED01', reason: 'TICKET_REFUNDED' }],
  tickets: [{
    id: 1, code: 'TKT-OFFLINE001', orderNo: 'O1', status: 'ACTIVE', productName: '3-in-1', shared: false, passengerName: '王五', passengerType: 'SENIOR',
    validFrom: new Date(Date.now() - 3600_000).toISOString(), validUntil: new Date(Date.now() + 3600_000).toISOString(), qrSecret: secret, tripId: null, departureAt: null,
    lines: [{ id: 11, name: '船票', usesTotal: 1, usesLeft: 1, lastRedeemedAt: null, lastRedeemedTerminal: null }],
  }],
};

describe('scanning offline', () => {
  beforeEach(() => {
    connectivity.set({ online: false, lastOnlineAt: null, offsetKnown: false });
    sessionStore.set({ token: 't', expiresAt: Date.now() + 1e6, staff: { staffId: '5', merchantName: '喷射飞航', merchantId: '2' } as never });
    offlineStore.set({ state: applyOfflineBundle(null, bundle), fetchedAt: Date.now(), queue: [], refusals: [], lastSync: null, syncing: false, badBundle: false });
  });

  it('verifies against the bundle, queues the redemption, and the same ticket is then yellow', async () => {
    const v = await scanInput(qr('TKT-OFFLINE001'));
    expect(v).toMatchObject({ source: 'offline', verdict: 'GREEN', concessions: ['SENIOR'] });
    const out = await redeemLines(v, [{ ticketId: '1', lineId: '11' }]);
    expect(out).toMatchObject([{ ok: true, queued: true }]);
    expect(offlineStore.get().queue).toMatchObject([{ ticketId: '1', lineId: '11', qrRef: 'TKT-OFFLINE001', staffId: '5' }]);
    const again = await scanInput(qr('TKT-OFFLINE001'));
    expect(again).toMatchObject({ verdict: 'YELLOW', title: '已使用' });
    expect(again.detail).toContain('本机（离线）');
  });

  it('refuses a stale screenshot, a refunded ticket and garbage in red, and queues the refusals', async () => {
    expect(await scanInput(qr('TKT-OFFLINE001', Date.now() - 5 * 60_000))).toMatchObject({ verdict: 'RED', code: 'QR_STALE' });
    expect(await scanInput(qr('TKT-REFUNDED01'))).toMatchObject({ verdict: 'RED', code: 'TICKET_REFUNDED', detail: '已退款，不能使用' });
    expect(await scanInput('hello')).toMatchObject({ verdict: 'RED', code: 'QR_MALFORMED' });
    expect(offlineStore.get().refusals.map((r) => r.reason)).toEqual(['QR_STALE', 'TICKET_REFUNDED', 'QR_MALFORMED']);
  });
});
