import { describe, expect, it } from '@jest/globals';
import { pricePartyWithTiers, validateTierTable, type FareTier } from './pricing.js';
import { percentOf, formatFen } from './money.js';

const tiers: FareTier[] = [
  { passengerType: 'ADULT', minQty: 1, maxQty: 3, unitPrice: 12000 },
  { passengerType: 'ADULT', minQty: 4, maxQty: null, unitPrice: 10000 },
  { passengerType: 'CHILD', minQty: 1, maxQty: null, unitPrice: 6000 },
];

describe('pricePartyWithTiers', () => {
  it('uses the tier of the whole party size for each type', () => {
    const small = pricePartyWithTiers(tiers, { ADULT: 2, CHILD: 1 });
    expect(small).toEqual({
      ok: true,
      partySize: 3,
      total: 30000,
      lines: [
        { passengerType: 'ADULT', count: 2, unitPrice: 12000, subtotal: 24000 },
        { passengerType: 'CHILD', count: 1, unitPrice: 6000, subtotal: 6000 },
      ],
    });
    const group = pricePartyWithTiers(tiers, { ADULT: 3, CHILD: 1 });
    expect(group.ok && group.total).toBe(3 * 10000 + 6000);
  });

  it('refuses an empty party and a type without a fare', () => {
    expect(pricePartyWithTiers(tiers, {})).toEqual({ ok: false, reason: 'EMPTY_PARTY' });
    expect(pricePartyWithTiers(tiers, { SENIOR: 1 })).toEqual({ ok: false, reason: 'NO_FARE', passengerType: 'SENIOR' });
  });
});

describe('validateTierTable', () => {
  it('accepts a contiguous open-ended table', () => {
    expect(validateTierTable(tiers)).toEqual([]);
  });
  it('finds gaps, overlaps, a missing start and a closed end', () => {
    const codes = validateTierTable([
      { passengerType: 'ADULT', minQty: 2, maxQty: 3, unitPrice: 1 },
      { passengerType: 'ADULT', minQty: 6, maxQty: 8, unitPrice: 1 },
      { passengerType: 'CHILD', minQty: 1, maxQty: 5, unitPrice: 1 },
      { passengerType: 'CHILD', minQty: 5, maxQty: null, unitPrice: 1 },
    ]).map((p) => p.code);
    expect(codes.sort()).toEqual(['TIER_GAP', 'TIER_NOT_FROM_ONE', 'TIER_NO_OPEN_END', 'TIER_OVERLAP'].sort());
  });
  it('rejects a fractional price', () => {
    expect(validateTierTable([{ passengerType: 'ADULT', minQty: 1, maxQty: null, unitPrice: 10.5 }])[0].code).toBe('TIER_BAD_PRICE');
  });
});

describe('money', () => {
  it('rounds percentages half up to the fen and formats', () => {
    expect(percentOf(4205, 10)).toBe(421);
    expect(percentOf(4204, 10)).toBe(420);
    expect(formatFen(4205)).toBe('42.05');
    expect(formatFen(5)).toBe('0.05');
  });
});

import { Money, parseDecimalAmount, sumMoney } from './money.js';

describe('Money', () => {
  it('adds amounts of one currency and refuses a mix', () => {
    expect(sumMoney([Money.of(4200, 'CNY'), Money.of(2100, 'CNY')]).amount).toBe(6300);
    expect(() => Money.of(100, 'CNY').add(Money.of(100, 'HKD'))).toThrow(/cannot add HKD to CNY/);
    expect(() => Money.of(1.5, 'HKD')).toThrow();
    expect(Money.of(4205, 'HKD').format()).toBe('HK$42.05');
  });
  it('parses bill amounts without floating point', () => {
    expect(parseDecimalAmount('`42.00')).toBe(4200);
    expect(parseDecimalAmount('0.5')).toBe(50);
    expect(parseDecimalAmount('19.99')).toBe(1999);
    expect(() => parseDecimalAmount('abc')).toThrow();
  });
});
