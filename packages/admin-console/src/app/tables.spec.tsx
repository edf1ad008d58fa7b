import { describe, expect, it, vi } from 'vitest';
import { App as AntApp } from 'antd';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { csvCell, fetchAllPages, toCsv } from './csv';
import { deleteView, lastQuery, loadViews, rememberLast, saveView, viewQuery } from './saved-views';
import { runBulk } from './bulk';
import { ReasonModal } from './reason-modal';

describe('CSV export', () => {
  it('quotes commas, quotes and line breaks; neutralises formulas; BOM and CRLF', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(null)).toBe('');
    const text = toCsv([{ title: '订单号', value: (r: { no: string; amt: number }) => r.no }, { title: '金额', value: (r) => r.amt }], [{ no: 'DT1', amt: 2 }, { no: 'DT,2', amt: 3 }]);
    expect(text).toBe('\uFEFF订单号,金额\r\nDT1,2\r\n"DT,2",3\r\n');
  });

  it('reads every page of what the filter shows, not only the one on screen', async () => {
    const all = Array.from({ length: 23 }, (_, i) => i);
    const fetchPage = vi.fn(async (limit: number, offset: number) => ({ items: all.slice(offset, offset + limit), total: all.length }));
    const r = await fetchAllPages(fetchPage, 10);
    expect(r).toEqual({ items: all, total: 23, truncated: false });
    expect(fetchPage.mock.calls).toEqual([[10, 0], [10, 10], [10, 20]]);
    const capped = await fetchAllPages(fetchPage, 10, 20);
    expect(capped).toMatchObject({ total: 23, truncated: true });
    expect(capped.items).toHaveLength(20);
    const exact = vi.fn(async (limit: number, offset: number) => ({ items: all.slice(offset, offset + limit).slice(0, 20 - offset > 0 ? limit : 0), total: 20 }));
    expect((await fetchAllPages(exact, 10)).items).toHaveLength(20);
    expect(exact).toHaveBeenCalledTimes(2);
  });
});

describe('saved views and remembered filters', () => {
  it('saves, replaces by name, lists sorted, deletes; per admin and page; paging and the open row are not kept', () => {
    localStorage.clear();
    expect(viewQuery('?status=PAID&page=3&open=5&q=x')).toBe('q=x&status=PAID');
    saveView('alice', 'orders', { name: '已支付', query: '?status=PAID&page=2' });
    saveView('alice', 'orders', { name: '今日', query: '?fromDate=2026-11-23&toDate=2026-11-23' });
    saveView('alice', 'orders', { name: '已支付', query: '?status=PAID&sort=totalAmount%3ADESC' });
    expect(loadViews('alice', 'orders')).toEqual([
      { name: '今日', query: 'fromDate=2026-11-23&toDate=2026-11-23' },
      { name: '已支付', query: 'sort=totalAmount%3ADESC&status=PAID' },
    ]);
    expect(loadViews('bob', 'orders')).toEqual([]);
    expect(loadViews('alice', 'trips')).toEqual([]);
    expect(deleteView('alice', 'orders', '今日').map((v) => v.name)).toEqual(['已支付']);
    expect(saveView('alice', 'orders', { name: '  ', query: '?x=1' })).toHaveLength(1);
    localStorage.setItem('deeptravel.admin.views.alice.audit', '{broken');
    expect(loadViews('alice', 'audit')).toEqual([]);
  });

  it('remembers the last filters of a page (cleared when the filters are)', () => {
    localStorage.clear();
    rememberLast('alice', 'orders', '?status=PAID&page=4');
    expect(lastQuery('alice', 'orders')).toBe('status=PAID');
    rememberLast('alice', 'orders', '?page=2');
    expect(lastQuery('alice', 'orders')).toBe('');
  });
});

describe('bulk actions', () => {
  it('runs each item, carries on past a refusal and reports both', async () => {
    const seen: number[] = [];
    const r = await runBulk([1, 2, 3], async (n) => {
      seen.push(n);
      if (n === 2) throw new Error('refused');
    });
    expect(seen).toEqual([1, 2, 3]);
    expect(r.done).toEqual([1, 3]);
    expect(r.failed.map((f) => f.item)).toEqual([2]);
  });
});

describe('operator action reason', () => {
  it('requires a reason, sends it trimmed, and shows a refusal in words', async () => {
    const onSubmit = vi.fn().mockRejectedValueOnce(new Error('x')).mockResolvedValue(true);
    const onClose = vi.fn();
    render(<AntApp><ReasonModal open title="重试退款：RF1" onSubmit={onSubmit} onClose={onClose} /></AntApp>);
    await act(async () => { fireEvent.click(screen.getByText('确 认')); });
    expect(await screen.findByText('请填写原因')).toBeTruthy();
    expect(onSubmit).not.toHaveBeenCalled();
    fireEvent.change(screen.getByTestId('reason-input'), { target: { value: '  网关恢复  ' } });
    await act(async () => { fireEvent.click(screen.getByText('确 认')); });
    await waitFor(() => expect(onSubmit).toHaveBeenCalledWith('网关恢复'));
    expect(await screen.findByTestId('reason-error')).toBeTruthy();
    expect(onClose).not.toHaveBeenCalled();
    await act(async () => { fireEvent.click(screen.getByText('确 认')); });
    await waitFor(() => expect(onClose).toHaveBeenCalledWith(true));
  });
});
