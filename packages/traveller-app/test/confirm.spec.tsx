import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { ClientError } from '@deeptravel/client';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const calls: Array<{ name: string; variables: any }> = [];
let createOrder: (vars: any) => Promise<any>;

vi.mock('../src/api/client', () => ({
  IS_WEAPP: false,
  client: { serverNow: () => Date.now() },
  gql: vi.fn(async (op: { name: string }, variables: any) => {
    calls.push({ name: op.name, variables });
    if (op.name === 'MySavedPassengers') return { mySavedPassengers: [{ id: '9', name: '陈大文', passengerType: 'ADULT', phoneMasked: '138****5678', hasPhone: true }] };
    if (op.name === 'CreateOrder') return createOrder(variables);
    throw new Error(`unexpected ${op.name}`);
  }),
}));

const { chooseOffer } = await import('../src/state/booking');
const { default: ConfirmPage } = await import('../src/pkg-booking/confirm/index');

const offer = {
  id: 'T-12', kind: 'TICKET', productId: '1', productName: '蛇口 → 香港机场海天码头 船票', description: null, travelDate: '2026-11-25', validityDays: null,
  currency: 'CNY', available: 40, lowStock: false, unavailableReason: null, totalPrice: 52000, refundSummary: '开船前48小时以上免费退',
  priceLines: [{ passengerType: 'ADULT', count: 2, unitPrice: 26000, subtotal: 52000 }], entitlements: [],
  trip: { tripId: '12', mode: 'FERRY', routeCode: 'SK-HKIA', operatorName: '蛇口邮轮', originStation: '蛇口', destinationStation: '海天码头', departureAt: '2026-11-25T00:00:00Z', arrivalAt: '2026-11-25T00:30:00Z', capacity: 200 },
} as const;
const params = { origin: 'SZX', originName: '深圳', destination: 'HKG', destinationName: '香港', date: '2026-11-25', adults: 2, children: 0, seniors: 0 };

describe('confirm page', () => {
  beforeEach(() => {
    calls.length = 0;
    chooseOffer(offer as never, params);
    vi.spyOn(Taro, 'redirectTo').mockResolvedValue(undefined as never);
  });

  it('sends one order for a double tap, with an idempotency key and the saved passenger by id', async () => {
    let resolve!: (v: any) => void;
    createOrder = () => new Promise((r) => (resolve = r));
    render(<ConfirmPage />);
    await screen.findByText('陈大文 · 成人');
    fireEvent.click(screen.getByText('陈大文 · 成人'));
    fireEvent.change(screen.getByTestId('passenger-1-name'), { target: { value: '李四' } });
    fireEvent.click(screen.getByTestId('submit-order'));
    fireEvent.click(screen.getByTestId('submit-order'));
    resolve({ createOrder: { id: '55' } });
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/pkg-booking/pay/index?orderId=55' }));
    const sent = calls.filter((c) => c.name === 'CreateOrder');
    expect(sent).toHaveLength(1);
    expect(sent[0].variables.input).toMatchObject({
      items: [{ productId: '1', tripId: '12', travelDate: null }],
      passengers: [{ savedPassengerId: '9' }, { name: '李四', type: 'ADULT', phone: null }],
      promotionCode: null,
    });
    expect(sent[0].variables.input.idempotencyKey).toMatch(/^app-/);
  });

  it('turns coded errors into sentences, and marks the passenger the server named', async () => {
    createOrder = async () => {
      throw new ClientError('SOLD_OUT', 'Not enough seats', { field: 'items[0]' });
    };
    render(<ConfirmPage />);
    fireEvent.change(screen.getByTestId('passenger-0-name'), { target: { value: '张三' } });
    fireEvent.change(screen.getByTestId('passenger-1-name'), { target: { value: '李四' } });
    fireEvent.click(screen.getByTestId('submit-order'));
    expect((await screen.findByTestId('confirm-error')).textContent).toBe('余票不足，请选择其他班次或减少人数。');

    createOrder = async () => {
      throw new ClientError('BAD_USER_INPUT', 'Each passenger needs a name', { field: 'passengers[1].name' });
    };
    fireEvent.click(screen.getByTestId('submit-order'));
    await waitFor(() => expect(screen.getAllByText('填写的信息有误，请检查后重试。').length).toBe(2));
  });

  it('sends nothing while a passenger is missing', async () => {
    createOrder = vi.fn();
    render(<ConfirmPage />);
    fireEvent.click(screen.getByTestId('submit-order'));
    expect((await screen.findByTestId('confirm-error')).textContent).toBe('请先修正上面标红的内容');
    expect(screen.getAllByText('请填写姓名')).toHaveLength(2);
    expect(calls.filter((c) => c.name === 'CreateOrder')).toHaveLength(0);
  });
});
