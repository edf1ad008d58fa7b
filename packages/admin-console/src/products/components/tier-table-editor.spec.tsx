import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { checkRows, partyPriceSentence, rowKey, type TierRow } from './tier-table';
import { TierTableEditor } from './tier-table-editor';

const row = (passengerType: TierRow['passengerType'], minQty: number | null, maxQty: number | null, price: number | null): TierRow => ({ key: rowKey(), passengerType, minQty, maxQty, price });

function Harness({ initial }: { initial: TierRow[] }) {
  const [rows, setRows] = useState(initial);
  return <TierTableEditor value={rows} onChange={setRows} />;
}

/** The n-th input with this accessible name (one per row). */
const input = (name: string, n: number) => screen.getAllByRole('spinbutton', { name })[n] as HTMLInputElement;
const type = (el: HTMLInputElement, value: string) => {
  fireEvent.change(el, { target: { value } });
  fireEvent.blur(el);
};

describe('fare tier table editor', () => {
  it('a complete table: no problem, and the party price of 2 adults + 1 child', () => {
    render(<Harness initial={[row('ADULT', 1, 9, 260), row('ADULT', 10, null, 230), row('CHILD', 1, null, 195)]} />);
    expect(screen.getByTestId('tier-problems').textContent).toContain('票价表完整');
    expect(screen.getByTestId('party-price').textContent).toContain('2 成人 + 1 儿童：¥715.00');
  });

  it('shows a gap as you type, marks the rows, and clears it when fixed', () => {
    const { container } = render(<Harness initial={[row('ADULT', 1, 2, 260), row('ADULT', 3, null, 230)]} />);
    expect(screen.getByTestId('tier-problems').textContent).toContain('票价表完整');
    type(input('起始人数', 1), '5'); // 1–2, then 5–∞: nobody prices 3–4
    const problems = screen.getByTestId('tier-problems').textContent!;
    expect(problems).toContain('成人：3–4 人没有票价（缺口）');
    expect(container.querySelectorAll('tr.tier-row-bad')).toHaveLength(2);
    type(input('起始人数', 1), '3');
    expect(screen.getByTestId('tier-problems').textContent).toContain('票价表完整');
    expect(container.querySelectorAll('tr.tier-row-bad')).toHaveLength(0);
  });

  it('shows an overlap and a missing open end', () => {
    render(<Harness initial={[row('ADULT', 1, 5, 260), row('ADULT', 6, null, 230)]} />);
    type(input('起始人数', 1), '4'); // 1–5 and 4–∞ overlap at 4
    expect(screen.getByTestId('tier-problems').textContent).toContain('成人：4 人处两档重叠');
    type(input('起始人数', 1), '6');
    type(input('上限人数', 1), '20');
    expect(screen.getByTestId('tier-problems').textContent).toContain('成人：最后一档的上限须留空（不限人数）');
  });

  it('the party preview follows the counts typed and says when a type has no fare', () => {
    render(<Harness initial={[row('ADULT', 1, 2, 260), row('ADULT', 3, null, 200)]} />);
    const preview = screen.getByTestId('party-preview');
    // 2 adults + 1 child: there is no child fare.
    expect(within(preview).getByTestId('party-price').textContent).toContain('没有适用的儿童票价');
    type(within(preview).getByRole('spinbutton', { name: '儿童人数' }) as HTMLInputElement, '0');
    expect(within(preview).getByTestId('party-price').textContent).toContain('2 成人：¥520.00');
    type(within(preview).getByRole('spinbutton', { name: '成人人数' }) as HTMLInputElement, '3');
    expect(within(preview).getByTestId('party-price').textContent).toContain('3 成人：¥600.00'); // the 3+ tier for everyone
  });

  it('the pure checks agree with the shared validator the API runs', () => {
    expect(checkRows([row('CHILD', 2, null, 100)]).codes).toEqual(['TIER_NOT_FROM_ONE']);
    expect(checkRows([row('ADULT', 1, null, null)]).codes).toEqual(['TIER_BAD_PRICE']);
    expect(partyPriceSentence([row('ADULT', 1, null, 88.5)], { ADULT: 2 }).text).toBe('2 成人：¥177.00');
  });
});
