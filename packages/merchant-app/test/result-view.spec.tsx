import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ResultView } from '../src/components/result-view';
import { fromOnline, refused, type ScanView } from '../src/lib/verdict';

const line = (over: Record<string, unknown> = {}) => ({
  id: '11', name: '喷射飞航 船票', merchantName: '喷射飞航 TurboJET', own: true, usesTotal: 1, usesLeft: 1, redeemable: true, reason: null,
  lastRedeemedAt: null, lastRedeemedTerminal: null, ...over,
});
const ticket = (over: Record<string, unknown> = {}) => ({
  id: '1', code: 'TKT-AAAA111111', status: 'ACTIVE', productName: '3-in-1 Transport Pass', shared: false, passengerName: '张三', passengerType: 'ADULT',
  validFrom: '2026-11-23T16:00:00Z', validUntil: '2026-11-24T16:00:00Z', redeemable: true, reason: null,
  lines: [line(), line({ id: '12', name: '城巴 巴士', merchantName: '城巴 Citybus', own: false, usesTotal: null, usesLeft: null, redeemable: false, reason: 'OTHER_MERCHANT' })],
  ...over,
});
const scan = (over: Record<string, unknown> = {}, tickets = [ticket()]) =>
  fromOnline({ scanNonce: 'n1', kind: 'TICKET', ref: 'TKT-AAAA111111', scannedAt: '', expiresAt: '', allowed: true, reason: null, tickets, ...over } as never, Date.now());

function show(view: ScanView, onRedeem = vi.fn()) {
  render(<ResultView view={view} onRedeem={onRedeem} onNext={() => undefined} />);
  return onRedeem;
}

describe('the result screen', () => {
  it('is green with the redeemable line ticked, other merchants named, and redeems what is ticked in one confirm', () => {
    const onRedeem = show(scan());
    expect(screen.getByTestId('result').getAttribute('data-verdict')).toBe('GREEN');
    expect(screen.getByTestId('result-title').textContent).toBe('可以核销');
    expect(screen.getByText('张三')).toBeTruthy();
    expect(screen.getByText('成人')).toBeTruthy();
    expect(screen.getByText('由「城巴 Citybus」核销')).toBeTruthy();
    fireEvent.click(screen.getByTestId('redeem-selected'));
    expect(onRedeem).toHaveBeenCalledWith([{ ticketId: '1', lineId: '11' }]);
  });

  it('says a child ticket loudly; an order QR offers all lines at once', () => {
    const kids = [ticket({ passengerType: 'CHILD', passengerName: '小明' }), ticket({ id: '2', code: 'TKT-BBBB222222', passengerName: '李四', lines: [line({ id: '21' })] })];
    const onRedeem = show(scan({ kind: 'ORDER' }, kids));
    expect(screen.getByTestId('concession-CHILD').textContent).toContain('儿童票');
    // Untick one line: "selected" has one, "all" still has both.
    fireEvent.click(screen.getAllByTestId('line-喷射飞航 船票')[0]);
    expect(screen.getByTestId('redeem-selected').textContent).toContain('1');
    fireEvent.click(screen.getByTestId('redeem-all'));
    expect(onRedeem).toHaveBeenCalledWith([{ ticketId: '1', lineId: '11' }, { ticketId: '2', lineId: '21' }]);
  });

  it('is yellow for an already used ticket, with when and where', () => {
    const used = ticket({ redeemable: false, reason: 'ALREADY_REDEEMED', lines: [line({ usesLeft: 0, redeemable: false, reason: 'ALREADY_REDEEMED', lastRedeemedAt: '2026-11-24T02:02:03Z', lastRedeemedTerminal: 'TURBOJET-T2' })] });
    show(scan({ allowed: false, reason: 'ALREADY_REDEEMED' }, [used]));
    expect(screen.getByTestId('result').getAttribute('data-verdict')).toBe('YELLOW');
    expect(screen.getByTestId('result-title').textContent).toBe('已使用');
    expect(screen.getByTestId('result-detail').textContent).toBe('于 11-24 10:02 在 TURBOJET-T2 使用');
    expect(screen.queryByTestId('redeem-selected')).toBeNull();
  });

  it('is red with the reason in words for a forged code and a stale screenshot', () => {
    show(refused('QR_BAD_SIGNATURE', 'online', Date.now()));
    expect(screen.getByTestId('result').getAttribute('data-verdict')).toBe('RED');
    expect(screen.getByTestId('result-detail').textContent).toBe('伪造或被篡改的二维码');
  });

  it('shows each line done after the confirm', () => {
    render(<ResultView view={scan()} onRedeem={() => undefined} onNext={() => undefined} outcomes={[{ ticketId: '1', lineId: '11', ok: true, queued: true, message: '已离线核销，联网后自动上传' }]} />);
    expect(screen.getByTestId('result-title').textContent).toBe('已离线核销');
    expect(screen.getByText('已离线核销，联网后自动上传')).toBeTruthy();
  });
});
