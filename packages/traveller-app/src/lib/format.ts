import type { Lang } from '@deeptravel/client';

/** Hong Kong and mainland China share UTC+8; every time shown is local to the trip. */
const TZ_OFFSET_MS = 8 * 3600_000;

/** Fen as yuan: ¥260 or ¥260.50. */
export function money(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '—';
  const yuan = fen / 100;
  return `¥${Number.isInteger(yuan) ? yuan : yuan.toFixed(2)}`;
}

function local(iso: string | number | Date): Date {
  return new Date(new Date(iso).getTime() + TZ_OFFSET_MS);
}

/** HH:mm in UTC+8. */
export function hhmm(iso: string | number | Date): string {
  const d = local(iso);
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

/** Today (UTC+8) plus `days`, as YYYY-MM-DD. */
export function localDate(days = 0, from: number = Date.now()): string {
  return new Date(from + TZ_OFFSET_MS + days * 86400_000).toISOString().slice(0, 10);
}

/** The day after a YYYY-MM-DD. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  return new Date(d.getTime() + days * 86400_000).toISOString().slice(0, 10);
}

const WEEKDAYS = { zh: ['周日', '周一', '周二', '周三', '周四', '周五', '周六'], en: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] };
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** 11月25日 周三 / Wed 25 Nov. */
export function dayLabel(date: string, lang: Lang): string {
  const d = new Date(`${date}T00:00:00Z`);
  const wd = WEEKDAYS[lang][d.getUTCDay()];
  return lang === 'zh' ? `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${wd}` : `${wd} ${d.getUTCDate()} ${MONTHS_EN[d.getUTCMonth()]}`;
}

/** 11月25日 / 25 Nov. */
export function shortDay(date: string, lang: Lang): string {
  const d = new Date(`${date}T00:00:00Z`);
  return lang === 'zh' ? `${d.getUTCMonth() + 1}月${d.getUTCDate()}日` : `${d.getUTCDate()} ${MONTHS_EN[d.getUTCMonth()]}`;
}

/** 11/25 14:05 in UTC+8. */
export function dateTime(iso: string): string {
  const d = local(iso);
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()} ${hhmm(iso)}`;
}

/** mm:ss of a duration in ms (never negative; whole seconds left, as countdowns show them). */
export function mmss(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** Minutes between two instants, as "1小时5分" / "1 h 5 min". */
export function duration(fromIso: string, toIso: string, lang: Lang): string {
  const min = Math.round((new Date(toIso).getTime() - new Date(fromIso).getTime()) / 60000);
  const h = Math.floor(min / 60);
  const m = min % 60;
  if (lang === 'zh') return `${h ? `${h}小时` : ''}${m ? `${m}分` : h ? '' : '0分'}`;
  return `${h ? `${h} h ` : ''}${m || !h ? `${m} min` : ''}`.trim();
}

/** The hour (0–23, UTC+8) of an instant: for the time-of-day filter. */
export function localHour(iso: string): number {
  return local(iso).getUTCHours();
}

/** A random key (idempotency keys, mock transaction ids): no crypto needed. */
export function randomKey(prefix = ''): string {
  return `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}${Math.random().toString(36).slice(2, 10)}`;
}
