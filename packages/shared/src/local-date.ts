/**
 * Travel days are calendar days in Hong Kong / mainland China time (UTC+8, no daylight saving),
 * whatever the server's own time zone is.
 */
export const SERVICE_UTC_OFFSET_MINUTES = 8 * 60;
const OFFSET_MS = SERVICE_UTC_OFFSET_MINUTES * 60_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when `value` is a real calendar date written YYYY-MM-DD. */
export function isLocalDate(value: string): boolean {
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

/** The service-local calendar day (YYYY-MM-DD) that contains the instant `at`. */
export function localDateOf(at: Date | number): string {
  const t = (typeof at === 'number' ? at : at.getTime()) + OFFSET_MS;
  return new Date(t).toISOString().slice(0, 10);
}

/** The instant a service-local day starts. */
export function startOfLocalDate(date: string): Date {
  if (!isLocalDate(date)) throw new RangeError(`not a date: ${date}`);
  return new Date(Date.parse(`${date}T00:00:00.000Z`) - OFFSET_MS);
}

/** `date` plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00.000Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** A service-local wall-clock time on a day, e.g. ("2026-05-12", "08:30") → the instant. */
export function localDateTime(date: string, hhmm: string): Date {
  const [h, m] = hhmm.split(':').map(Number);
  return new Date(startOfLocalDate(date).getTime() + (h * 60 + m) * 60_000);
}
