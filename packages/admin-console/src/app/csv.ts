/** One CSV column: its header and how to read a row's cell. */
export interface CsvColumn<T> {
  title: string;
  value: (row: T) => string | number | boolean | null | undefined;
}

/** A cell as CSV: quoted when it holds a comma, quote or line break; a leading = + - @ is neutralised (spreadsheet formulas). */
export function csvCell(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (/^[=+\-@]/.test(s) && typeof v === 'string') s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows as CSV text (CRLF lines, a UTF-8 BOM so Excel reads Chinese). */
export function toCsv<T>(columns: CsvColumn<T>[], rows: T[]): string {
  const lines = [columns.map((c) => csvCell(c.title)).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvCell(c.value(r))).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/**
 * Reads every page of a paged API list (exactly what the filter shows, not just the page on screen):
 * asks `fetchPage(limit, offset)` until `total` rows are in, or a page comes back short.
 * Stops at `max` rows (the caller says so when it does).
 */
export async function fetchAllPages<T>(
  fetchPage: (limit: number, offset: number) => Promise<{ items: T[]; total: number }>,
  pageSize = 500,
  max = 50_000,
): Promise<{ items: T[]; total: number; truncated: boolean }> {
  const items: T[] = [];
  let total = 0;
  for (let offset = 0; offset < max; offset += pageSize) {
    const page = await fetchPage(pageSize, offset);
    total = page.total;
    items.push(...page.items);
    if (page.items.length < pageSize || items.length >= total) break;
  }
  return { items: items.slice(0, max), total, truncated: total > max };
}

/** Saves text as a file in the browser. */
export function downloadText(filename: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
