import Taro from '@tarojs/taro';
import type { PassengerType, SearchOffersQuery } from '@deeptravel/client';

/** One search: where, when, who. */
export interface SearchParams {
  origin: string;
  originName: string;
  destination: string;
  destinationName: string;
  /** English names (the catalog's, else pinyin) for the English switch; older saved searches lack them. */
  originNameEn?: string;
  destinationNameEn?: string;
  date: string;
  adults: number;
  children: number;
  seniors: number;
}

export type Offer = SearchOffersQuery['searchOffers']['offers'][number];

/** The party as the API wants it. */
export function partyOf(p: Pick<SearchParams, 'adults' | 'children' | 'seniors'>): Array<{ type: PassengerType; count: number }> {
  return (
    [
      { type: 'ADULT', count: p.adults },
      { type: 'CHILD', count: p.children },
      { type: 'SENIOR', count: p.seniors },
    ] as Array<{ type: PassengerType; count: number }>
  ).filter((x) => x.count > 0);
}

/** Passenger slots in order: adults, then children, then seniors. */
export function passengerSlots(p: Pick<SearchParams, 'adults' | 'children' | 'seniors'>): PassengerType[] {
  return [...Array(p.adults).fill('ADULT'), ...Array(p.children).fill('CHILD'), ...Array(p.seniors).fill('SENIOR')];
}

export function paramsToQuery(p: SearchParams): Record<string, string | number> {
  return {
    o: p.origin, on: p.originName, d: p.destination, dn: p.destinationName, date: p.date, a: p.adults, c: p.children, s: p.seniors,
    ...(p.originNameEn ? { oe: p.originNameEn } : {}), ...(p.destinationNameEn ? { de: p.destinationNameEn } : {}),
  };
}

export function paramsFromQuery(q: Record<string, string | undefined>): SearchParams | null {
  if (!q.o || !q.d || !q.date) return null;
  const n = (v: string | undefined, d: number) => (v === undefined || Number.isNaN(Number(v)) ? d : Math.max(0, Math.min(9, Number(v))));
  return {
    origin: q.o, originName: decodeURIComponent(q.on ?? q.o), destination: q.d, destinationName: decodeURIComponent(q.dn ?? q.d),
    date: q.date, adults: n(q.a, 1), children: n(q.c, 0), seniors: n(q.s, 0),
    ...(q.oe ? { originNameEn: decodeURIComponent(q.oe) } : {}), ...(q.de ? { destinationNameEn: decodeURIComponent(q.de) } : {}),
  };
}

const RECENT = 'dt.recentSearches';

export function recentSearches(): SearchParams[] {
  try {
    const v = Taro.getStorageSync(RECENT);
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}

/** Keeps the last five distinct routes searched. */
export function rememberSearch(p: SearchParams): void {
  const list = [p, ...recentSearches().filter((x) => !(x.origin === p.origin && x.destination === p.destination))].slice(0, 5);
  Taro.setStorageSync(RECENT, list);
}

export function clearRecentSearches(): void {
  Taro.removeStorageSync(RECENT);
}

const CHOSEN = 'dt.chosenOffer';

/** The offer chosen on the results page, for the confirm page (kept in storage: survives a reload). */
export function chooseOffer(offer: Offer, params: SearchParams): void {
  Taro.setStorageSync(CHOSEN, { offer, params });
}

export function chosenOffer(): { offer: Offer; params: SearchParams } | null {
  try {
    const v = Taro.getStorageSync(CHOSEN);
    return v && typeof v === 'object' && v.offer ? v : null;
  } catch {
    return null;
  }
}

const DETAIL = 'dt.detailOffer';

/** The offer whose detail page is open (kept in storage: survives a reload of that page). */
export function showOfferDetail(offer: Offer, params: SearchParams): void {
  Taro.setStorageSync(DETAIL, { offer, params });
}

export function offerForDetail(): { offer: Offer; params: SearchParams } | null {
  try {
    const v = Taro.getStorageSync(DETAIL);
    return v && typeof v === 'object' && v.offer ? v : null;
  } catch {
    return null;
  }
}

/** A city's English name: the catalog's, else its pinyin capitalised ("xianggang" → "Xianggang"), else the code. */
export function englishCityName(city: { nameEn?: string | null; pinyin?: string | null; code: string }): string {
  if (city.nameEn?.trim()) return city.nameEn.trim();
  if (city.pinyin?.trim()) return city.pinyin.trim().replace(/(^|\s)\S/g, (c) => c.toUpperCase());
  return city.code;
}

/** The name of the origin or destination of a search in a language. */
export function cityName(p: SearchParams, which: 'origin' | 'destination', lang: 'zh' | 'en'): string {
  if (which === 'origin') return lang === 'zh' ? p.originName : p.originNameEn ?? KNOWN_EN[p.origin] ?? p.origin;
  return lang === 'zh' ? p.destinationName : p.destinationNameEn ?? KNOWN_EN[p.destination] ?? p.destination;
}

/** English names of the default search's cities (saved searches from before names were kept). */
const KNOWN_EN: Record<string, string> = { SZX: 'Shenzhen', HKG: 'Hong Kong' };
