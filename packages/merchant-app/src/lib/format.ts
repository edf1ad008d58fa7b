import { t } from './i18n';

/** Dates and times in Hong Kong time (UTC+8), as staff read them. */
const HK_OFFSET_MS = 8 * 3600_000;

function hk(d: string | number | Date): Date {
  return new Date(new Date(d).getTime() + HK_OFFSET_MS);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** 10:02:03 */
export function timeHk(d: string | number | Date): string {
  const x = hk(d);
  return `${pad(x.getUTCHours())}:${pad(x.getUTCMinutes())}:${pad(x.getUTCSeconds())}`;
}

/** 10:02 */
export function hmHk(d: string | number | Date): string {
  return timeHk(d).slice(0, 5);
}

/** 11-24 10:02 */
export function dateTimeHk(d: string | number | Date): string {
  const x = hk(d);
  return `${pad(x.getUTCMonth() + 1)}-${pad(x.getUTCDate())} ${pad(x.getUTCHours())}:${pad(x.getUTCMinutes())}`;
}

/** 2026-11-24 (the Hong Kong day). */
export function dayHk(d: string | number | Date): string {
  const x = hk(d);
  return `${x.getUTCFullYear()}-${pad(x.getUTCMonth() + 1)}-${pad(x.getUTCDate())}`;
}

/** The start of the Hong Kong day of `d`, as an instant. */
export function startOfDayHk(d: string | number | Date): Date {
  return new Date(`${dayHk(d)}T00:00:00+08:00`);
}

/** "刚刚", "3 分钟前", "2 小时前" (or in English): how old something is. */
export function ageText(fromMs: number | null, nowMs: number): string {
  if (!fromMs) return t('无数据', 'none');
  const s = Math.max(0, Math.round((nowMs - fromMs) / 1000));
  if (s < 60) return t('刚刚', 'just now');
  if (s < 3600) return t(`${Math.floor(s / 60)} 分钟前`, `${Math.floor(s / 60)} min ago`);
  if (s < 86400) return t(`${Math.floor(s / 3600)} 小时前`, `${Math.floor(s / 3600)} h ago`);
  return t(`${Math.floor(s / 86400)} 天前`, `${Math.floor(s / 86400)} days ago`);
}

/** A random UUID v4 (the offline scan nonce); crypto.getRandomValues where there is one. */
export function uuid(): string {
  const b = new Uint8Array(16);
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto;
  if (c?.getRandomValues) c.getRandomValues(b);
  else for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
