import { percentOf, pricePartyWithTiers, type FareTier, type Party, type PassengerType } from '@deeptravel/shared';

/** One priced order line: a product for the passengers of one type. */
export interface PricedLine {
  itemIndex: number;
  productId: number;
  passengerType: PassengerType;
  qty: number;
  unitPrice: number;
  discount: number;
  subtotal: number;
}

/** A promotion as pricing needs it. */
export interface PromotionTerms {
  kind: 'PERCENT' | 'AMOUNT';
  value: number;
  productIds: number[];
  minAmount: number;
}

/** Why an item could not be priced. */
export class PricingError extends Error {
  constructor(readonly reason: 'NO_FARE' | 'EMPTY_PARTY', readonly itemIndex: number, readonly passengerType?: PassengerType) {
    super(reason === 'NO_FARE' ? `No fare for ${passengerType}` : 'No passengers');
  }
}

/** Prices every item for its party under its fare tiers (before promotions). */
export function priceItems(items: Array<{ productId: number; tiers: FareTier[]; party: Party }>): PricedLine[] {
  const lines: PricedLine[] = [];
  items.forEach((item, itemIndex) => {
    const price = pricePartyWithTiers(item.tiers, item.party);
    if (!price.ok) throw new PricingError(price.reason, itemIndex, price.passengerType);
    for (const l of price.lines) {
      lines.push({ itemIndex, productId: item.productId, passengerType: l.passengerType, qty: l.count, unitPrice: l.unitPrice, discount: 0, subtotal: l.subtotal });
    }
  });
  return lines;
}

/**
 * Applies a promotion to the lines in its scope. PERCENT takes that share off each line (rounded half
 * up to the fen); AMOUNT takes the amount off the scope, split across lines in proportion to their
 * amounts (largest remainder), never below zero. Returns false when the order is not eligible
 * (no line in scope, or below the minimum amount); the lines are then unchanged.
 */
export function applyPromotion(lines: PricedLine[], promo: PromotionTerms): boolean {
  const inScope = lines.filter((l) => promo.productIds.length === 0 || promo.productIds.includes(l.productId));
  const scopeTotal = inScope.reduce((s, l) => s + l.qty * l.unitPrice, 0);
  if (!inScope.length || scopeTotal === 0 || scopeTotal < promo.minAmount) return false;
  if (promo.kind === 'PERCENT') {
    for (const l of inScope) l.discount = Math.min(percentOf(l.qty * l.unitPrice, promo.value), l.qty * l.unitPrice);
  } else {
    const off = Math.min(promo.value, scopeTotal);
    const shares = inScope.map((l) => {
      const exact = (off * l.qty * l.unitPrice) / scopeTotal;
      return { line: l, floor: Math.floor(exact), rest: exact - Math.floor(exact) };
    });
    let remainder = off - shares.reduce((s, x) => s + x.floor, 0);
    for (const x of [...shares].sort((a, b) => b.rest - a.rest)) {
      x.line.discount = x.floor + (remainder > 0 ? 1 : 0);
      if (remainder > 0) remainder--;
    }
  }
  for (const l of lines) l.subtotal = l.qty * l.unitPrice - l.discount;
  return true;
}
