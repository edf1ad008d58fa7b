import { act, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { departureStore, boardsDepartures, chosenTripId, type Departure } from '../src/api/departures';
import { DepartureBar, DeparturePicker } from '../src/components/departure-picker';
import { ResultView } from '../src/components/result-view';
import { StatusBar } from '../src/components/status-bar';
import { langStore, setLang } from '../src/lib/i18n';
import { fromOnline, reasonWords } from '../src/lib/verdict';

const dep = (over: Partial<Departure> = {}): Departure => ({
  tripId: '41', routeCode: 'HK-MO', mode: 'FERRY', originZh: '香港上环港澳码头', originEn: 'Hong Kong-Macau Ferry Terminal', destinationZh: '澳门外港客运码头',
  destinationEn: 'Macau Outer Harbour Ferry Terminal', departureAt: '2026-11-24T02:30:00.000Z', arrivalAt: '2026-11-24T03:30:00.000Z', status: 'SCHEDULED',
  expected: 4, boarded: 1, ...over,
});

afterEach(() => {
  setLang('zh');
  departureStore.set({ chosen: null, list: [], date: null, loading: false, feed: 'off' });
});

describe('departure picking at a ferry or bus gate', () => {
  it('is for ferry and bus operators only', () => {
    const session = (merchantKind: string) => ({ token: 't', expiresAt: 0, staff: { merchantKind } as never });
    expect(boardsDepartures(session('FERRY_OPERATOR'))).toBe(true);
    expect(boardsDepartures(session('BUS_OPERATOR'))).toBe(true);
    expect(boardsDepartures(session('ATTRACTION'))).toBe(false);
    expect(boardsDepartures(null)).toBe(false);
  });

  it('lists the departures with time, route and boarded/expected; a tap picks one', () => {
    departureStore.set({ chosen: null, list: [dep(), dep({ tripId: '42', departureAt: '2026-11-24T03:00:00.000Z', expected: 0, boarded: 0 })], date: '2099-01-01', loading: false, feed: 'off' });
    render(<DeparturePicker />);
    const row = screen.getByTestId('departure-41');
    expect(row.textContent).toContain('香港上环港澳码头 → 澳门外港客运码头');
    expect(row.textContent).toContain('1/4');
    fireEvent.click(screen.getByTestId('departure-42'));
    expect(chosenTripId()).toBe('42');
  });

  it('keeps the chosen departure and its live count on the scan screen', () => {
    departureStore.set({ chosen: dep(), list: [], date: null, loading: false, feed: 'live' });
    render(<DepartureBar onChange={() => undefined} />);
    expect(screen.getByTestId('departure-time').textContent).toBe('班次 10:30');
    expect(screen.getByTestId('departure-count').textContent).toBe('已登 1 / 应到 4');
    act(() => departureStore.set((s) => ({ ...s, chosen: { ...s.chosen!, boarded: 2 } })));
    expect(screen.getByTestId('departure-count').textContent).toBe('已登 2 / 应到 4');
  });

  it("shows another departure's ticket red, saying which departure it is for", () => {
    const view = fromOnline({
      scanNonce: 'n', kind: 'TICKET', ref: 'TKT-B', scannedAt: '', expiresAt: '', allowed: false, reason: 'WRONG_DEPARTURE', departureTripId: '41',
      tickets: [{
        id: '2', code: 'TKT-B', status: 'ACTIVE', productName: '香港上环 → 澳门外港 船票', shared: false, passengerName: '王五', passengerType: 'ADULT',
        validFrom: '', validUntil: '', tripId: '42', departureAt: '2026-11-24T03:00:00.000Z', redeemable: false, reason: 'WRONG_DEPARTURE',
        lines: [{ id: '9', name: '船票', merchantName: 'TurboJET', own: true, usesTotal: 1, usesLeft: 1, redeemable: false, reason: 'WRONG_DEPARTURE', lastRedeemedAt: null, lastRedeemedTerminal: null }],
      }],
    } as never, Date.now());
    render(<ResultView view={view} onRedeem={() => undefined} onNext={() => undefined} />);
    expect(screen.getByTestId('result').getAttribute('data-verdict')).toBe('RED');
    expect(screen.getByTestId('result-detail').textContent).toBe('此票为 11:00 班次，请引导旅客至对应闸口');
    expect(screen.queryByTestId('redeem-selected')).toBeNull();
  });
});

describe('the English switch', () => {
  it('turns fixed text and reasons into English and back, and is remembered', () => {
    render(<StatusBar />);
    expect(screen.getByTestId('status-terminal').textContent).toBe('未激活设备');
    fireEvent.click(screen.getByTestId('lang-switch'));
    expect(langStore.get()).toBe('en');
    expect(screen.getByTestId('status-terminal').textContent).toBe('Terminal not enrolled');
    expect(screen.getByTestId('lang-switch').textContent).toBe('中文');
    expect(localStorage.getItem('dtm.lang')).toContain('en');
    expect(reasonWords('WRONG_DEPARTURE', '2026-11-24T03:00:00.000Z')).toBe('This ticket is for the 11:00 departure: send the traveller to that gate');
    expect(reasonWords('QR_BAD_SIGNATURE')).toBe('Forged or altered QR code');
    fireEvent.click(screen.getByTestId('lang-switch'));
    expect(screen.getByTestId('status-terminal').textContent).toBe('未激活设备');
  });

  it('has an English sentence for every reason', async () => {
    const { REASON_WORDS, REASON_WORDS_EN } = await import('../src/lib/verdict');
    expect(Object.keys(REASON_WORDS_EN).sort()).toEqual(Object.keys(REASON_WORDS).sort());
  });
});
