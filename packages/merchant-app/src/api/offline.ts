import {
  MerchantOfflineBundleDocument, MerchantSyncOfflineDocument, type MerchantSyncOfflineMutation,
} from '@deeptravel/client';
import { applyOfflineBundle, openOfflineBundle, type LocalUse, type OfflineState } from '@deeptravel/shared';
import { createStore } from '../lib/store';
import { load, save } from '../lib/storage';
import { client, isNetworkError } from './client';
import { connectivity } from './connectivity';
import { pinnedKeys, sessionStore } from './device';

/** A redemption made offline, waiting for the network (one per line). */
export interface QueuedRedemption {
  scanNonce: string;
  ticketId: string;
  lineId: string;
  scannedAt: string;
  qrRef: string;
  qrStep: number;
  staffId: string | null;
  ticketCode: string;
  lineName: string;
  productName: string;
  passengerName: string | null;
}

/** A scan refused offline, logged on the server when the network returns. */
export interface QueuedRefusal {
  scanNonce: string;
  scannedAt: string;
  reason: string;
  qrRef: string | null;
  staffId: string | null;
}

export interface OfflineData {
  state: OfflineState | null;
  /** When the bundle was last refreshed (device clock, epoch ms): its age is always shown. */
  fetchedAt: number | null;
  queue: QueuedRedemption[];
  refusals: QueuedRefusal[];
  /** The last sync's outcome, shown until the next one. */
  lastSync: { at: number; applied: number; conflicts: number; rejected: number } | null;
  syncing: boolean;
  /** A bundle that failed its signature (never used). */
  badBundle: boolean;
}

const saved = load<Omit<OfflineData, 'syncing'>>('offline');
export const offlineStore = createStore<OfflineData>({
  state: saved?.state ?? null, fetchedAt: saved?.fetchedAt ?? null, queue: saved?.queue ?? [], refusals: saved?.refusals ?? [],
  lastSync: saved?.lastSync ?? null, syncing: false, badBundle: false,
});

function persist(): void {
  const { syncing: _s, ...rest } = offlineStore.get();
  save('offline', rest);
}

/** Uses recorded on this terminal and not yet synced, for the offline check. */
export function localUses(): LocalUse[] {
  return offlineStore.get().queue.map((q) => ({ lineId: Number(q.lineId), qrRef: q.qrRef, qrStep: q.qrStep, scannedAt: q.scannedAt }));
}

export function enqueueRedemptions(items: QueuedRedemption[]): void {
  offlineStore.set((d) => ({ ...d, queue: [...d.queue, ...items] }));
  persist();
}

export function enqueueRefusal(r: QueuedRefusal): void {
  offlineStore.set((d) => ({ ...d, refusals: [...d.refusals, r].slice(-500) }));
  persist();
}

/** Forgets everything offline (another merchant logged in, or the device was removed). */
export function clearOffline(): void {
  offlineStore.set({ state: null, fetchedAt: null, queue: [], refusals: [], lastSync: null, syncing: false, badBundle: false });
  persist();
}

/**
 * Fetches the bundle (a delta since the version held, when there is one for this merchant), checks
 * its signature against the keys pinned at enrolment, and merges it. Throws on network errors.
 */
export async function refreshBundle(): Promise<void> {
  const session = sessionStore.get();
  if (!session) return;
  const held = offlineStore.get().state;
  const since = held && String(held.merchantId) === String(session.staff.merchantId) ? held.version : null;
  const signed = (await client.request(MerchantOfflineBundleDocument, { since })).offlineBundle;
  const bundle = openOfflineBundle(signed, pinnedKeys());
  if (!bundle) {
    offlineStore.set((d) => ({ ...d, badBundle: true }));
    return;
  }
  offlineStore.set((d) => ({ ...d, state: applyOfflineBundle(signed.full ? null : d.state, bundle), fetchedAt: Date.now(), badBundle: false }));
  persist();
}

type Outcome = MerchantSyncOfflineMutation['syncOfflineRedemptions'][number];

/** Sends the queue (oldest first, in chunks); each item leaves the queue once the server has decided it. */
export async function syncNow(): Promise<Outcome[]> {
  const d = offlineStore.get();
  if (d.syncing || (!d.queue.length && !d.refusals.length) || !sessionStore.get()) return [];
  offlineStore.set((x) => ({ ...x, syncing: true }));
  const outcomes: Outcome[] = [];
  try {
    for (;;) {
      const { queue, refusals } = offlineStore.get();
      if (!queue.length && !refusals.length) break;
      const items = queue.slice(0, 100);
      const refs = refusals.slice(0, Math.max(0, 100 - items.length));
      const res = (await client.request(MerchantSyncOfflineDocument, {
        items: items.map((q) => ({ scanNonce: q.scanNonce, ticketId: q.ticketId, lineId: q.lineId, scannedAt: q.scannedAt, qrRef: q.qrRef, qrStep: q.qrStep, staffId: q.staffId })),
        refusals: refs.map((r) => ({ scanNonce: r.scanNonce, scannedAt: r.scannedAt, reason: r.reason, qrRef: r.qrRef, staffId: r.staffId })),
      })).syncOfflineRedemptions;
      outcomes.push(...res);
      // BUSY_RETRY stays queued for the next round; everything else is decided.
      const retry = new Set(res.filter((o) => o.status === 'REJECTED' && o.code === 'BUSY_RETRY').map((o) => o.scanNonce));
      const sent = new Set(items.map((i) => i.scanNonce));
      const sentRefusals = new Set(refs.map((r) => r.scanNonce));
      offlineStore.set((x) => ({
        ...x,
        queue: x.queue.filter((q) => !sent.has(q.scanNonce) || retry.has(q.scanNonce)),
        refusals: x.refusals.filter((r) => !sentRefusals.has(r.scanNonce)),
      }));
      persist();
      if (retry.size) break;
    }
    const count = (s: string) => outcomes.filter((o) => o.status === s).length;
    offlineStore.set((x) => ({ ...x, lastSync: { at: Date.now(), applied: count('APPLIED'), conflicts: count('CONFLICT'), rejected: count('REJECTED') } }));
    persist();
    return outcomes;
  } finally {
    offlineStore.set((x) => ({ ...x, syncing: false }));
  }
}

let timer: ReturnType<typeof setInterval> | null = null;
let lastRefresh = 0;

/** Keeps the bundle fresh (every minute online), probes the network every 5 s offline, and syncs on return. */
export function startOfflineLoop(): void {
  if (timer) return;
  const tick = async () => {
    if (!sessionStore.get()) return;
    const { online } = connectivity.get();
    const due = !online || Date.now() - lastRefresh > 60_000;
    try {
      if (due) {
        lastRefresh = Date.now();
        await refreshBundle();
      }
      if (connectivity.get().online) await syncNow();
    } catch (err) {
      if (!isNetworkError(err)) lastRefresh = Date.now();
    }
  };
  void tick();
  timer = setInterval(() => void tick(), 5000);
  connectivity.subscribe(() => {
    // Back online: sync at once rather than at the next tick.
    if (connectivity.get().online && offlineStore.get().queue.length && !offlineStore.get().syncing) void syncNow().catch(() => undefined);
  });
}

export function stopOfflineLoop(): void {
  if (timer) clearInterval(timer);
  timer = null;
}
