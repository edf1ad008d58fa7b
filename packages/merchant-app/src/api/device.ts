import type { MerchantEnrolTerminalMutation, MerchantStaffIdentityFragment } from '@deeptravel/client';
import { createStore } from '../lib/store';
import { load, save } from '../lib/storage';

/** The enrolled terminal this device is: kept until someone removes it (设备解绑). */
export type Device = MerchantEnrolTerminalMutation['enrolTerminal'] & { enrolledAt: number };

/** The staff session on this terminal: the token and who it is. */
export interface StaffSession {
  token: string;
  expiresAt: number;
  staff: MerchantStaffIdentityFragment;
}

export const deviceStore = createStore<Device | null>(load<Device>('device'));
export const sessionStore = createStore<StaffSession | null>(load<StaffSession>('session'));

export function setDevice(d: Device | null): void {
  save('device', d);
  deviceStore.set(d);
}

export function setSession(s: StaffSession | null): void {
  save('session', s);
  sessionStore.set(s);
}

/** The staff token, if one is stored and not expired. */
export function currentToken(): string | null {
  const s = sessionStore.get();
  return s && s.expiresAt > Date.now() ? s.token : null;
}

/** The QR verification keys pinned at enrolment, by key id (offline bundles must be signed by one). */
export function pinnedKeys(): Record<string, string> {
  const d = deviceStore.get();
  return Object.fromEntries((d?.publicKeys ?? []).map((k) => [k.keyId, k.publicKey]));
}
