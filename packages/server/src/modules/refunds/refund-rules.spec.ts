import { describe, expect, it } from '@jest/globals';
import { nextFeeStep, quoteTicketRefund } from './refund-rules.js';

const tiers = [
  { minHoursBefore: 48, feePercent: 0 },
  { minHoursBefore: 24, feePercent: 10 },
  { minHoursBefore: 2, feePercent: 30 },
];
const now = new Date('2026-12-01T00:00:00Z');
const at = (h: number) => new Date(now.getTime() + h * 3_600_000);
const q = (h: number, usesLeft = 1, usesTotal = 1, price = 26000) => quoteTicketRefund({ price, usesLeft, usesTotal, startAt: at(h), now, tiers });

describe('quoteTicketRefund', () => {
  it('applies each tier by the hours left', () => {
    expect(q(72)).toMatchObject({ refundable: true, feePercent: 0, fee: 0, amount: 26000 });
    expect(q(48)).toMatchObject({ refundable: true, feePercent: 0 });
    expect(q(30)).toMatchObject({ refundable: true, feePercent: 10, fee: 2600, amount: 23400 });
    expect(q(10)).toMatchObject({ refundable: true, feePercent: 30, fee: 7800, amount: 18200 });
    expect(q(1.5)).toMatchObject({ refundable: false, reason: 'TOO_LATE' });
    expect(q(-3)).toMatchObject({ refundable: false, reason: 'TOO_LATE' });
  });

  it('refunds only the unused share of a pass, and nothing of a used-up one', () => {
    expect(q(72, 2, 3, 4200)).toMatchObject({ refundable: true, refundableAmount: 2800, amount: 2800 });
    expect(q(72, 0, 3, 4200)).toMatchObject({ refundable: false, reason: 'FULLY_USED' });
  });

  it('rounds the fee half up to the fen', () => {
    expect(q(30, 1, 1, 4205)).toMatchObject({ fee: 421, amount: 3784 });
  });
});

describe('nextFeeStep', () => {
  const step = (h: number) => nextFeeStep({ refundableAmount: 26000, startAt: at(h), now, tiers });
  it('names the boundary of the current tier and the fee after it', () => {
    expect(step(72)).toEqual({ at: at(24), hoursBefore: 48, feePercent: 10, fee: 2600 });
    expect(step(30)).toEqual({ at: at(6), hoursBefore: 24, feePercent: 30, fee: 7800 });
  });
  it('says refunds close after the last tier, and nothing when none applies', () => {
    expect(step(10)).toEqual({ at: at(8), hoursBefore: 2, feePercent: null, fee: null });
    expect(step(1)).toBeNull();
    expect(nextFeeStep({ refundableAmount: 100, startAt: now, now, tiers: [{ minHoursBefore: 0, feePercent: 20 }] })).toBeNull();
  });
});
