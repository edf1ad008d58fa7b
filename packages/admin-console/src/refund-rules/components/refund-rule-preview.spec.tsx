import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/react';
import { previewRefund, refundSentence, refundTierProblems } from './refund-preview';
import { RefundRulePreview } from './refund-rule-preview';

// The demo ferry rule: ≥48 h free, 24–48 h 10 %, 2–24 h 30 %, under 2 h not refundable.
const FERRY = [{ minHoursBefore: 48, feePercent: 0 }, { minHoursBefore: 24, feePercent: 10 }, { minHoursBefore: 2, feePercent: 30 }];

const type = (name: string, value: string) => {
  const el = screen.getByRole('spinbutton', { name }) as HTMLInputElement;
  fireEvent.change(el, { target: { value } });
  fireEvent.blur(el);
};

describe('refund rule preview', () => {
  it('says the fee and the amount back for the hours and price typed', () => {
    render(<RefundRulePreview tiers={FERRY} />);
    // Default: 30 hours before, ¥260.
    expect(screen.getByTestId('refund-sentence').textContent).toBe('出发前30小时退票：手续费 ¥26.00，退回 ¥234.00');
    type('出发前小时数', '1');
    expect(screen.getByTestId('refund-sentence').textContent).toBe('出发前1小时退票：不可退');
    type('出发前小时数', '48');
    expect(screen.getByTestId('refund-sentence').textContent).toBe('出发前48小时退票：手续费 ¥0.00，退回 ¥260.00');
    type('票价', '175');
    type('出发前小时数', '5');
    expect(screen.getByTestId('refund-sentence').textContent).toBe('出发前5小时退票：手续费 ¥52.50，退回 ¥122.50');
  });

  it('uses the server rule: the first tier, from the largest, that the hours reach; fee rounded half up', () => {
    expect(previewRefund(FERRY, 24, 4205)).toEqual({ refundable: true, feePercent: 10, fee: 421, amount: 3784 });
    expect(previewRefund(FERRY, 23.99, 1000)).toEqual({ refundable: true, feePercent: 30, fee: 300, amount: 700 });
    expect(previewRefund(FERRY, 1.5, 1000)).toEqual({ refundable: false });
    // Order of the tiers as typed does not matter.
    expect(refundSentence([...FERRY].reverse(), 30, 26000)).toBe('出发前30小时退票：手续费 ¥26.00，退回 ¥234.00');
    expect(refundSentence([{ minHoursBefore: 0, feePercent: 100 }], 0, 5000)).toBe('出发前0小时退票：手续费 ¥50.00，退回 ¥0.00');
  });

  it('lists the problems the server would refuse', () => {
    expect(refundTierProblems([{ minHoursBefore: 24, feePercent: 10 }, { minHoursBefore: 24, feePercent: 120 }]).map((p) => p.field)).toEqual([
      'tiers[1].minHoursBefore', 'tiers[1].feePercent',
    ]);
  });
});
