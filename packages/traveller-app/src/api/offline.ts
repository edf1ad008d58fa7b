import Taro from '@tarojs/taro';

/**
 * The wallet's offline copy: the last tickets and order payloads seen, kept in storage so a
 * traveller at a pier without signal can still open them. Each ticket carries its `offlineQr` (the
 * signed static part and the rotating-part secret), so the code shown is computed on the device for
 * the current moment and stays valid without network (`api/wallet-qr.ts`).
 */
const PREFIX = 'dt.cache.';

export function cachePut<T>(key: string, value: T): void {
  try {
    Taro.setStorageSync(PREFIX + key, { at: Date.now(), value });
  } catch {
    /* storage full: the cache is best effort */
  }
}

export function cacheGet<T>(key: string): { at: number; value: T } | null {
  try {
    const raw = Taro.getStorageSync(PREFIX + key);
    return raw && typeof raw === 'object' && 'value' in raw ? (raw as { at: number; value: T }) : null;
  } catch {
    return null;
  }
}

/** True when an error means "no network" (then the cached copy is shown). */
export function isOfflineError(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return code === 'NETWORK_ERROR' || code === 'TIMEOUT';
}
