/**
 * Money is always an integer number of fen (1/100 of the currency unit).
 * These helpers refuse anything else so that a float never sneaks into a total.
 */
export type Fen = number;

/** Throws unless `value` is a safe non-negative integer amount of fen. */
export function assertFen(value: number, what = 'amount'): Fen {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${what} must be a non-negative integer number of fen, got ${value}`);
  }
  return value;
}

/** `percent` off `amount`, rounded half up to the fen (so 10 % of 4,205 is 421). */
export function percentOf(amount: Fen, percent: number): Fen {
  return Math.floor((amount * percent + 50) / 100);
}

/** Formats fen for display: 4200 → "42.00", 4205 → "42.05". */
export function formatFen(amount: Fen): string {
  const sign = amount < 0 ? '-' : '';
  const abs = Math.abs(amount);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Currency symbol for display; orders carry ISO codes (CNY, HKD). */
export function currencySymbol(currency: string): string {
  return currency === 'HKD' ? 'HK$' : '¥';
}
