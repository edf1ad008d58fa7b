import { qrCodeAt, qrNextStepAt, type OfflineQrMaterial } from '@deeptravel/shared';
import { client } from './client';
import { cacheGet, cachePut } from './offline';

// Imported by the ticket page only (sub-package pkg-tickets), so the HMAC and Ed25519 code stays out
// of the weapp main package.

const CLOCK_KEY = 'clock';

/**
 * Now by the server's clock, in epoch ms: the client's offset from the last response's `Date` header
 * (kept on the device, so a wrong phone clock is still corrected after a restart without network).
 */
export function walletNow(): number {
  if (client.serverOffsetKnown) {
    const saved = cacheGet<number>(CLOCK_KEY);
    if (!saved || Math.abs(saved.value - client.serverOffsetMs) > 1000) cachePut(CLOCK_KEY, client.serverOffsetMs);
    return client.serverNow();
  }
  return Date.now() + (cacheGet<number>(CLOCK_KEY)?.value ?? 0);
}

/**
 * The code to show now, computed on the device (the same `qrCodeAt` the server runs), and when it
 * changes next; null without offline material (then the server's last payload is shown).
 */
export function walletQrCode(material: OfflineQrMaterial | null | undefined): { payload: string; nextAt: number } | null {
  if (!material?.base || !material.secret) return null;
  const now = walletNow();
  const payload = qrCodeAt(material, now);
  return payload ? { payload, nextAt: qrNextStepAt(now) } : null;
}
