import { fireEvent, render, screen } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../src/api/client', () => ({ IS_WEAPP: false, client: { serverNow: () => Date.now() }, gql: vi.fn(async () => ({ cities: [], blackoutDates: [] })) }));
const { default: SearchPage } = await import('../src/pages/search/index');
const { recentSearches } = await import('../src/state/booking');

describe('search page', () => {
  beforeEach(() => {
    vi.spyOn(Taro, 'navigateTo').mockResolvedValue(undefined as never);
  });

  it('swaps the cities and counts passengers by type, nine at most', () => {
    render(<SearchPage />);
    expect(screen.getByTestId('origin').textContent).toContain('深圳');
    fireEvent.click(screen.getByTestId('swap'));
    expect(screen.getByTestId('origin').textContent).toContain('香港');
    expect(screen.getByTestId('destination').textContent).toContain('深圳');
    const more = screen.getByLabelText('增加 成人');
    for (let i = 0; i < 12; i++) fireEvent.click(more);
    expect(screen.getByTestId('stepper-成人').textContent).toContain('9');
    expect(screen.getByText('每单最多 9 位乘客')).toBeTruthy();
  });

  it('searches with the party in the URL and remembers the route', () => {
    render(<SearchPage />);
    fireEvent.click(screen.getByLabelText('增加 儿童'));
    fireEvent.click(screen.getByTestId('search-button'));
    const url = (Taro.navigateTo as any).mock.calls[0][0].url as string;
    expect(url).toMatch(/^\/pkg-booking\/results\/index\?o=SZX&on=%E6%B7%B1%E5%9C%B3&d=HKG/);
    expect(url).toContain('a=1&c=1&s=0');
    expect(recentSearches()[0]).toMatchObject({ origin: 'SZX', destination: 'HKG', adults: 1, children: 1 });
  });
});
