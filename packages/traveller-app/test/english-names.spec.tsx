import { fireEvent, render, screen } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('../src/api/client', () => ({ IS_WEAPP: false, client: { serverNow: () => Date.now() }, gql: vi.fn(async () => ({ cities: [], blackoutDates: [] })) }));
const { default: SearchPage } = await import('../src/pages/search/index');
const { setLang } = await import('../src/i18n');
const { cityName, englishCityName, paramsFromQuery, paramsToQuery } = await import('../src/state/booking');

describe('English city names', () => {
  afterEach(() => setLang('zh'));

  it('uses the catalog English name, else pinyin capitalised, else the code', () => {
    expect(englishCityName({ code: 'HKG', nameEn: 'Hong Kong', pinyin: 'xianggang' })).toBe('Hong Kong');
    expect(englishCityName({ code: 'ZUH', nameEn: '', pinyin: 'zhuhai' })).toBe('Zhuhai');
    expect(englishCityName({ code: 'XXX', nameEn: null, pinyin: null })).toBe('XXX');
  });

  it('keeps both names through the URL, and older searches without them still read in English', () => {
    const p = { origin: 'CAN', originName: '广州', originNameEn: 'Guangzhou', destination: 'HKG', destinationName: '香港', destinationNameEn: 'Hong Kong', date: '2026-12-01', adults: 1, children: 0, seniors: 0 };
    const back = paramsFromQuery(Object.fromEntries(Object.entries(paramsToQuery(p)).map(([k, v]) => [k, String(v)])))!;
    expect(cityName(back, 'origin', 'en')).toBe('Guangzhou');
    expect(cityName(back, 'destination', 'zh')).toBe('香港');
    expect(cityName({ ...p, originNameEn: undefined, origin: 'SZX' }, 'origin', 'en')).toBe('Shenzhen');
  });

  it('shows the search form in English names after the switch, swap included', () => {
    vi.spyOn(Taro, 'navigateTo').mockResolvedValue(undefined as never);
    Taro.removeStorageSync('dt.recentSearches');
    setLang('en');
    render(<SearchPage />);
    expect(screen.getByTestId('origin').textContent).toContain('Shenzhen');
    expect(screen.getByTestId('destination').textContent).toContain('Hong Kong');
    fireEvent.click(screen.getByTestId('swap'));
    expect(screen.getByTestId('origin').textContent).toContain('Hong Kong');
  });
});
