import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { ClientError } from '@deeptravel/client';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const calls: Array<{ name: string; variables: any }> = [];
let answers: Record<string, (vars: any) => any> = {};

// The page's route parameters (the rest of Taro stays real; Taro's hooks live on its default export).
vi.mock('@tarojs/taro', async (importOriginal) => {
  const real: any = await importOriginal();
  const useRouter = () => ({ params: { code: 'TKT-OLD', orderId: '7' } });
  const base = { ...real.default, ...real };
  return { ...base, default: { ...base, useRouter }, useRouter, useDidShow: base.useDidShow ?? (() => undefined), useDidHide: base.useDidHide ?? (() => undefined) };
});
vi.mock('../src/api/client', () => ({
  IS_WEAPP: false,
  client: { serverNow: () => Date.now() },
  gql: vi.fn(async (op: { name: string }, variables: any) => {
    calls.push({ name: op.name, variables });
    const answer = answers[op.name];
    if (!answer) throw new Error(`unexpected ${op.name}`);
    return answer(variables);
  }),
}));
vi.mock('../src/api/live', () => ({ useOrderLive: () => ({ live: false }) }));
const payChange = vi.fn(async (_change: unknown) => undefined);
vi.mock('../src/api/payment', () => ({ payChange: (c: unknown) => payChange(c as never) }));

const { default: ChangePage } = await import('../src/pkg-tickets/change/index');

const day = new Date(Date.now() + 8 * 3600_000 + 86400_000).toISOString().slice(0, 10);
const dep = (h: number) => new Date(Date.parse(`${day}T00:00:00Z`) + (h - 8) * 3600_000).toISOString();
const trip = (id: string, h: number, mode: string) => ({
  tripId: id, departureAt: dep(h), arrivalAt: dep(h + 1), mode, originStation: '深圳湾口岸', destinationStation: '香港佐敦', originCity: 'SZX', destinationCity: 'HKG',
});
const ticket = {
  id: '1', code: 'TKT-OLD', orderId: '7', orderNo: 'DT1', productId: '5', productName: '深圳湾口岸 → 香港佐敦 跨境巴士', passengerName: '周八', passengerType: 'ADULT',
  travelDate: day, validFrom: dep(0), validUntil: dep(24), shared: false, status: 'ACTIVE', tripId: '50', changeable: true, changeDeadline: dep(5),
  trip: trip('50', 7, 'BUS'), qr: null, lines: [],
};
const offer = (id: string, h: number, mode: string, price: number, productName: string) => ({
  id: `T-${id}`, kind: 'TICKET', productId: mode === 'BUS' ? '5' : '1', productName, description: null, travelDate: day, validityDays: null, currency: 'CNY',
  available: 40, lowStock: false, unavailableReason: null, totalPrice: price, refundSummary: '', priceLines: [], entitlements: [],
  trip: { tripId: id, mode, routeCode: 'X', operatorName: '运营商', originStation: 'A', destinationStation: 'B', departureAt: dep(h), arrivalAt: dep(h + 1), capacity: 50 },
});
const change = (status: string, difference: number, newTicket: unknown = null) => ({
  id: '3', changeNo: 'CH2611250000000001', status, ticketCode: 'TKT-OLD', fromTripId: '50', toTripId: '60', oldPrice: 8000, newPrice: 8000 + difference,
  difference, lockExpireAt: new Date(Date.now() + 600_000).toISOString(), completedAt: null, newTicket,
});
const newTicket = { ...ticket, id: '2', code: 'TKT-NEW', productName: '蛇口 → 香港机场海天码头 船票', tripId: '60', trip: trip('60', 9, 'FERRY'), changeable: false };

describe('change (改签) page', () => {
  beforeEach(() => {
    calls.length = 0;
    payChange.mockClear();
    answers = {
      TicketByCode: () => ({ ticket }),
      SearchOffers: () => ({ searchOffers: { date: day, blackout: false, blackoutReason: null, origin: null, destination: null, offers: [
        offer('50', 7, 'BUS', 8000, '深圳湾口岸 → 香港佐敦 跨境巴士'), offer('60', 9, 'FERRY', 26000, '蛇口 → 香港机场海天码头 船票'),
      ] } }),
      ChangeQuote: () => ({ changeQuote: { ticketCode: 'TKT-OLD', fromTripId: '50', toTripId: '60', departureAt: dep(9), arrivalAt: dep(10), oldPrice: 8000, newPrice: 26000, difference: 18000, fee: 0 } }),
    };
  });

  it('searches the same route for this passenger, quotes a dearer trip, confirms, pays the difference and shows the new ticket', async () => {
    answers.RequestChange = () => ({ requestChange: change('AWAITING_PAYMENT', 18000) });
    answers.TicketChange = () => ({ ticketChange: change('COMPLETED', 18000, newTicket) });
    render(<ChangePage />);
    await screen.findByTestId('change-pick-60');
    expect(calls.find((c) => c.name === 'SearchOffers')!.variables.input).toEqual({ origin: 'SZX', destination: 'HKG', date: day, passengers: [{ type: 'ADULT', count: 1 }] });
    // The current departure cannot be picked.
    fireEvent.click(screen.getByTestId('change-pick-50'));
    expect(calls.some((c) => c.name === 'ChangeQuote')).toBe(false);

    fireEvent.click(screen.getByTestId('change-pick-60'));
    const quote = await screen.findByTestId('change-quote');
    expect(quote.textContent).toContain('需补差价¥180');
    expect(quote.textContent).toContain('改签手续费¥0');
    fireEvent.click(screen.getByTestId('change-confirm'));
    await screen.findByTestId('change-status-AWAITING_PAYMENT');
    expect(calls.find((c) => c.name === 'RequestChange')!.variables).toEqual({ ticketCode: 'TKT-OLD', newTripId: '60' });
    expect(screen.getByTestId('change-pay').textContent).toBe('模拟支付差价 ¥180');

    fireEvent.click(screen.getByTestId('change-pay'));
    await screen.findByTestId('change-status-COMPLETED');
    expect(payChange).toHaveBeenCalledWith(expect.objectContaining({ id: '3', changeNo: 'CH2611250000000001', difference: 18000 }));
    expect(screen.getByTestId('new-ticket').getAttribute('data-code')).toBe('TKT-NEW');
    expect(screen.getByText('改签成功，新票已出')).toBeTruthy();
  });

  it('a cheaper trip completes at once and says the difference goes back', async () => {
    answers.ChangeQuote = () => ({ changeQuote: { ticketCode: 'TKT-OLD', fromTripId: '50', toTripId: '60', departureAt: dep(9), arrivalAt: dep(10), oldPrice: 26000, newPrice: 8000, difference: -18000, fee: 0 } });
    answers.RequestChange = () => ({ requestChange: { ...change('COMPLETED', -18000, newTicket), oldPrice: 26000, newPrice: 8000 } });
    render(<ChangePage />);
    fireEvent.click(await screen.findByTestId('change-pick-60'));
    expect((await screen.findByTestId('change-quote')).textContent).toContain('退还差价¥180');
    fireEvent.click(screen.getByTestId('change-confirm'));
    await screen.findByTestId('change-status-COMPLETED');
    expect(screen.getByText('差价 ¥180 将原路退回')).toBeTruthy();
    expect(payChange).not.toHaveBeenCalled();
  });

  it('turns a refused change into a sentence by the trips', async () => {
    answers.ChangeQuote = () => {
      throw new ClientError('CHANGE_NOT_ALLOWED', 'Changes close 2 hours before departure');
    };
    render(<ChangePage />);
    fireEvent.click(await screen.findByTestId('change-pick-60'));
    await waitFor(() => expect(screen.getByTestId('change-error').textContent).toMatch(/改签/));
  });
});
