import Taro from '@tarojs/taro';

const TOKEN_KEY = 'dt.session';

/** The stored session: token and its expiry (epoch ms). */
export interface StoredSession {
  token: string;
  expiresAt: number;
}

let memory: StoredSession | null = null;

export function readSession(): StoredSession | null {
  if (memory) return memory;
  try {
    const raw = Taro.getStorageSync(TOKEN_KEY);
    memory = raw && typeof raw === 'object' && typeof raw.token === 'string' ? (raw as StoredSession) : null;
  } catch {
    memory = null;
  }
  return memory;
}

export function writeSession(s: StoredSession | null): void {
  memory = s;
  if (s) Taro.setStorageSync(TOKEN_KEY, s);
  else Taro.removeStorageSync(TOKEN_KEY);
}
