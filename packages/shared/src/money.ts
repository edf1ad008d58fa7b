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

/** ISO currencies we sell in. */
export type Currency = 'CNY' | 'HKD';

/**
 * An amount in integer minor units (fen, HK cents) that carries its currency, so CNY and HKD can
 * never be added together by mistake.
 */
export class Money {
  private constructor(readonly amount: number, readonly currency: Currency) {}

  static of(amount: number, currency: Currency | string): Money {
    if (currency !== 'CNY' && currency !== 'HKD') throw new RangeError(`unsupported currency ${currency}`);
    return new Money(assertFen(amount), currency);
  }

  static zero(currency: Currency | string): Money {
    return Money.of(0, currency);
  }

  add(other: Money): Money {
    if (other.currency !== this.currency) throw new RangeError(`cannot add ${other.currency} to ${this.currency}`);
    return new Money(this.amount + other.amount, this.currency);
  }

  /** "¥42.00" / "HK$42.00". */
  format(): string {
    return `${currencySymbol(this.currency)}${formatFen(this.amount)}`;
  }
}

/** Sums amounts of one currency (throws on a mix or an empty list without a currency). */
export function sumMoney(items: readonly Money[], currency?: Currency | string): Money {
  return items.reduce((s, m) => s.add(m), Money.zero(currency ?? items[0]?.currency ?? 'CNY'));
}

/** Parses a decimal amount as WeChat bills write it ("42.00", "`0.5") into minor units, without floats. */
export function parseDecimalAmount(text: string): number {
  const t = text.replace(/^[`'\s]+|\s+$/g, '');
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(t);
  if (!m) throw new RangeError(`not an amount: ${text}`);
  const value = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0') || '0');
  return m[1] ? -value : value;
}
