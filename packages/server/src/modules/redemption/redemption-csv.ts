/**
 * CSV for reconciliation (对账), RFC 4180: comma-separated, CRLF line ends, fields quoted when they
 * hold a comma, quote or line break. Text that a spreadsheet would run as a formula (= + - @ at the
 * start) is prefixed with an apostrophe, so a staff name cannot become a formula in Excel.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = value instanceof Date ? value.toISOString() : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV document from a header and rows of values (in header order). */
export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** An instant as service-local wall-clock time (UTC+8), the way a merchant's books read it. */
export function hkDateTime(at: Date | string): string {
  return new Date(new Date(at).getTime() + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 19);
}
