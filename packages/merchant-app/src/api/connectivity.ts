import { createStore } from '../lib/store';

/**
 * Online or offline, decided by what happens (no setting to flip): a request that gets no answer
 * switches to offline; any answer switches back. On H5 the browser's offline/online events count too.
 */
export interface Connectivity {
  online: boolean;
  /** When the network was last seen working (epoch ms). */
  lastOnlineAt: number | null;
  offsetKnown: boolean;
}

export const connectivity = createStore<Connectivity>({ online: true, lastOnlineAt: null, offsetKnown: false });

export function noteSuccess(): void {
  const c = connectivity.get();
  if (!c.online || !c.offsetKnown || Date.now() - (c.lastOnlineAt ?? 0) > 2000) connectivity.set({ online: true, lastOnlineAt: Date.now(), offsetKnown: true });
}

export function noteFailure(): void {
  if (connectivity.get().online) connectivity.set((c) => ({ ...c, online: false }));
}

if (typeof window !== 'undefined' && typeof window.addEventListener === 'function') {
  window.addEventListener('offline', () => noteFailure());
}
