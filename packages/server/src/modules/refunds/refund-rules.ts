import { percentOf } from '@deeptravel/shared';

/** A refund tier: at least `minHoursBefore` hours before the start, a fee of `feePercent`. */
export interface RefundTierRule {
  minHoursBefore: number;
  feePercent: number;
}

/** The refund terms of one ticket now. */
export type TicketRefundQuote =
  | { refundable: true; hoursBefore: number; feePercent: number; refundableAmount: number; fee: number; amount: number }
  | { refundable: false; hoursBefore: number; reason: 'TOO_LATE' | 'FULLY_USED' };

/**
 * Applies a refund rule to a ticket: the tier is the first (largest) `minHoursBefore` the time left
 * before the start reaches; before the smallest tier nothing is refundable. Redeemed lines are not
 * refundable: the amount is the price in proportion to the uses left (a 3-in-1 pass with one ride
 * taken refunds two thirds), then the tier's fee (rounded half up to the fen) comes off.
 */
export function quoteTicketRefund(input: {
  price: number;
  usesLeft: number;
  usesTotal: number;
  startAt: Date;
  now: Date;
  tiers: readonly RefundTierRule[];
}): TicketRefundQuote {
  const hoursBefore = (input.startAt.getTime() - input.now.getTime()) / 3_600_000;
  if (input.usesTotal > 0 && input.usesLeft <= 0) return { refundable: false, hoursBefore, reason: 'FULLY_USED' };
  const tier = [...input.tiers].sort((a, b) => b.minHoursBefore - a.minHoursBefore).find((t) => hoursBefore >= t.minHoursBefore);
  if (!tier) return { refundable: false, hoursBefore, reason: 'TOO_LATE' };
  const refundableAmount = input.usesTotal > 0 ? Math.floor((input.price * input.usesLeft) / input.usesTotal) : input.price;
  const fee = Math.min(percentOf(refundableAmount, tier.feePercent), refundableAmount);
  return { refundable: true, hoursBefore, feePercent: tier.feePercent, refundableAmount, fee, amount: refundableAmount - fee };
}
