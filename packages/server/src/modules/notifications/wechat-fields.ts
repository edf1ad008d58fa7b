import { currencySymbol, formatFen } from '@deeptravel/shared';
import type { FieldDef } from './notification-kinds.js';

/** A field of a message as stored and shown: template key, label, value (already fitted to WeChat's rules). */
export interface MessageField {
  key: string;
  label: string;
  value: string;
}

const chars = (s: string) => Array.from(s);

/** At most `max` characters (code points); a longer text ends with "…" so the reader sees it was cut. */
export function truncate(value: string, max: number): string {
  const c = chars(value.trim());
  return c.length <= max ? c.join('') : `${c.slice(0, max - 1).join('')}…`;
}

/**
 * Fits a value to the rules of its template key's type (the key's prefix: `thing3` is a thing).
 * WeChat answers 47003 for a value that breaks them, so we cut and filter rather than fail:
 * thing ≤ 20 characters; character_string / number / letter ≤ 32 of their alphabet; symbol ≤ 5;
 * phrase ≤ 5 Chinese characters; name ≤ 10 Chinese or 20 Latin characters; phone_number ≤ 17;
 * car_number ≤ 8; amount, time and date are produced in the right format by the helpers below.
 * No value may be empty, so an empty one becomes "-".
 */
export function fitValue(key: string, raw: string): string {
  const type = key.replace(/\d+$/, '');
  const value = raw.replace(/\s+/g, ' ').trim();
  let out: string;
  switch (type) {
    case 'thing':
      out = truncate(value, 20);
      break;
    case 'character_string':
      out = value.replace(/[^\x21-\x7e]/g, '').slice(0, 32);
      break;
    case 'number':
      out = value.replace(/[^0-9.]/g, '').slice(0, 32);
      break;
    case 'letter':
      out = value.replace(/[^A-Za-z]/g, '').slice(0, 32);
      break;
    case 'symbol':
      out = value.replace(/[A-Za-z0-9\s]/g, '').slice(0, 5);
      break;
    case 'phrase':
      out = chars(value.replace(/[^\u4e00-\u9fff]/g, '')).slice(0, 5).join('');
      break;
    case 'name':
      out = /[\u4e00-\u9fff]/.test(value) ? truncate(value, 10) : value.slice(0, 20);
      break;
    case 'phone_number':
      out = value.replace(/[^0-9+\-()]/g, '').slice(0, 17);
      break;
    case 'car_number':
      out = truncate(value, 8);
      break;
    default:
      out = truncate(value, 20);
  }
  return out || '-';
}

/** Our named values → the template's keyed fields, fitted; names the template does not map are left out. */
export function buildFields(defs: readonly FieldDef[], values: Record<string, string>): MessageField[] {
  return defs.map((d) => ({ key: d.key, label: d.label, value: fitValue(d.key, values[d.name] ?? '') }));
}

/** The `data` object of `subscribeMessage.send`: `{ thing3: { value } }`. */
export function toWechatData(fields: readonly MessageField[]): Record<string, { value: string }> {
  return Object.fromEntries(fields.map((f) => [f.key, { value: f.value }]));
}

/** An amount as WeChat's `amount` type wants it: one currency symbol and the figure, e.g. "¥260.00". */
export function formatAmount(fen: number, currency = 'CNY'): string {
  return `${currencySymbol(currency)}${formatFen(fen)}`;
}

/** A time as WeChat's `time` type wants it, in service-local time (UTC+8): "2026年11月23日 17:05". */
export function formatTime(at: Date): string {
  const d = new Date(at.getTime() + 8 * 3600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/**
 * The end of a validity, shown as the last minute it covers: validity ends at 00:00 of the next
 * day, which reads "23:59" of the last day rather than "00:00" of a day it does not cover.
 */
export function formatValidUntil(until: Date): string {
  return formatTime(new Date(until.getTime() - 1000));
}

/**
 * Product names of an order as one short text: "A", or "A 等3项" when there are several; the first
 * name is cut (not the count) so the whole fits in a `thing` (20 characters).
 */
export function summariseProducts(names: readonly string[], max = 20): string {
  const distinct = [...new Set(names)];
  if (!distinct.length) return '-';
  if (distinct.length === 1) return truncate(distinct[0], max);
  const suffix = ` 等${distinct.length}项`;
  return `${truncate(distinct[0], max - chars(suffix).length)}${suffix}`;
}
