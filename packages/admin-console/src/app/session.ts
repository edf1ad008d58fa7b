import { useSyncExternalStore } from 'react';

/** A signed-in admin, as `adminLogin` answered. */
export interface AdminSessionInfo {
  token: string;
  /** ADMIN changes configuration; OPERATOR only reads. */
  role: 'ADMIN' | 'OPERATOR' | string;
  username: string;
  expiresAt: string;
}

const KEY = 'deeptravel.admin.session';
const listeners = new Set<() => void>();
let current: AdminSessionInfo | null = read();
/** Why the last session ended: an explicit logout starts afresh, an expired one comes back to the same page. */
let endedBy: 'logout' | 'expired' | null = null;

function read(): AdminSessionInfo | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as AdminSessionInfo;
    if (!s.token || Date.parse(s.expiresAt) <= Date.now()) return null;
    return s;
  } catch {
    return null;
  }
}

function emit(): void {
  for (const l of listeners) l();
}

/** The session store: one place for the token (localStorage), read by the API client and the UI. */
export const sessionStore = {
  get: (): AdminSessionInfo | null => current,
  token: (): string | null => current?.token ?? null,
  set(s: AdminSessionInfo): void {
    current = s;
    localStorage.setItem(KEY, JSON.stringify(s));
    emit();
  },
  clear(reason: 'logout' | 'expired' = 'expired'): void {
    endedBy = reason;
    current = null;
    localStorage.removeItem(KEY);
    emit();
  },
  endedBy: (): 'logout' | 'expired' | null => endedBy,
  subscribe(l: () => void): () => void {
    listeners.add(l);
    return () => listeners.delete(l);
  },
};

/** The current session and what it may do. */
export function useSession(): { session: AdminSessionInfo | null; canEdit: boolean } {
  const session = useSyncExternalStore(sessionStore.subscribe, sessionStore.get, sessionStore.get);
  return { session, canEdit: session?.role === 'ADMIN' };
}
