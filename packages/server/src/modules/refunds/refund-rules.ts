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

/** When the refund terms of a ticket next get worse: the fee rises, or (feePercent null) refunds close. */
export interface NextFeeStep {
  /** The instant the current tier ends. */
  at: Date;
  /** The tier boundary, in hours before the start (e.g. 24: "出发前24小时内"). */
  hoursBefore: number;
  /** The next tier's fee percent; null when no refund is possible after `at`. */
  feePercent: number | null;
  /** The next tier's fee on the same refundable amount, fen; null when no refund is possible. */
  fee: number | null;
}

/**
 * The next step of a refund rule for a ticket refundable now: the current tier (the largest
 * `minHoursBefore` the time left reaches) ends `minHoursBefore` hours before the start; after that the
 * next smaller tier applies, or nothing is refundable when there is none. Null when the current tier
 * lasts until the start itself is past (a pass standing at 0 h).
 */
export function nextFeeStep(input: { refundableAmount: number; startAt: Date; now: Date; tiers: readonly RefundTierRule[] }): NextFeeStep | null {
  const hoursBefore = (input.startAt.getTime() - input.now.getTime()) / 3_600_000;
  const sorted = [...input.tiers].sort((a, b) => b.minHoursBefore - a.minHoursBefore);
  const i = sorted.findIndex((t) => hoursBefore >= t.minHoursBefore);
  if (i < 0) return null;
  const at = new Date(input.startAt.getTime() - sorted[i].minHoursBefore * 3_600_000);
  if (at.getTime() <= input.now.getTime()) return null;
  const next = sorted[i + 1];
  if (!next) return { at, hoursBefore: sorted[i].minHoursBefore, feePercent: null, fee: null };
  return {
    at, hoursBefore: sorted[i].minHoursBefore, feePercent: next.feePercent,
    fee: Math.min(percentOf(input.refundableAmount, next.feePercent), input.refundableAmount),
  };
}
