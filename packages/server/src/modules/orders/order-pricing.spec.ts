import { describe, expect, it } from '@jest/globals';
import type { FareTier } from '@deeptravel/shared';
import { applyPromotion, priceItems, PricingError } from './order-pricing.js';

const ferry: FareTier[] = [
  { passengerType: 'ADULT', minQty: 1, maxQty: 3, unitPrice: 26000 },
  { passengerType: 'ADULT', minQty: 4, maxQty: null, unitPrice: 23400 },
  { passengerType: 'CHILD', minQty: 1, maxQty: null, unitPrice: 19500 },
];
const pass: FareTier[] = [{ passengerType: 'ADULT', minQty: 1, maxQty: null, unitPrice: 4200 }];

describe('order pricing', () => {
  it('makes one line per product and passenger type with exact unit prices', () => {
    const lines = priceItems([{ productId: 1, tiers: ferry, party: { ADULT: 2, CHILD: 1 } }]);
    expect(lines).toEqual([
      { itemIndex: 0, productId: 1, passengerType: 'ADULT', qty: 2, unitPrice: 26000, discount: 0, subtotal: 52000 },
      { itemIndex: 0, productId: 1, passengerType: 'CHILD', qty: 1, unitPrice: 19500, discount: 0, subtotal: 19500 },
    ]);
  });

  it('refuses a party with a type that has no fare', () => {
    expect(() => priceItems([{ productId: 1, tiers: ferry, party: { SENIOR: 1 } }])).toThrow(PricingError);
  });

  it('takes a percentage off lines in scope only, rounded to the fen', () => {
    const lines = priceItems([
      { productId: 1, tiers: ferry, party: { ADULT: 1 } },
      { productId: 101, tiers: pass, party: { ADULT: 1 } },
    ]);
    expect(applyPromotion(lines, { kind: 'PERCENT', value: 15, productIds: [101], minAmount: 0 })).toBe(true);
    expect(lines.map((l) => [l.discount, l.subtotal])).toEqual([[0, 26000], [630, 3570]]);
  });

  it('splits an amount off across lines so the discounts add up exactly', () => {
    const lines = priceItems([{ productId: 1, tiers: ferry, party: { ADULT: 2, CHILD: 1 } }]);
    applyPromotion(lines, { kind: 'AMOUNT', value: 1001, productIds: [], minAmount: 0 });
    expect(lines.reduce((s, l) => s + l.discount, 0)).toBe(1001);
    expect(lines.reduce((s, l) => s + l.subtotal, 0)).toBe(71500 - 1001);
  });

  it('never discounts below zero and refuses an order under the minimum', () => {
    const lines = priceItems([{ productId: 101, tiers: pass, party: { ADULT: 1 } }]);
    expect(applyPromotion(lines, { kind: 'AMOUNT', value: 999999, productIds: [], minAmount: 0 })).toBe(true);
    expect(lines[0].subtotal).toBe(0);
    const again = priceItems([{ productId: 101, tiers: pass, party: { ADULT: 1 } }]);
    expect(applyPromotion(again, { kind: 'PERCENT', value: 10, productIds: [], minAmount: 10000 })).toBe(false);
    expect(again[0].discount).toBe(0);
  });
});
