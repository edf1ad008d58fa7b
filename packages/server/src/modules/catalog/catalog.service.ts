import { versionFor } from '../../common/infra/cache-versions.js';
import {
  addDays, isLocalDate, localDateOf, pricePartyWithTiers, startOfLocalDate,
  type FareTier, type Party, type PartyPriceLine, type PassengerType,
} from '@deeptravel/shared';
import type { RequestContext } from '../../app/context.js';
import { AppError } from '../../common/errors.js';
import {
  catalogRepository, type BlackoutRow, type CityRow, type EntitlementRow, type FareTierRow, type PackageOfferRow, type TripOfferRow,
} from './catalog.repository.js';

/** Cache namespace bumped by every admin change to the catalog (prices, trips, blackouts …). */
export const CATALOG_NAMESPACE = 'catalog';
/** US-010: hot-city results are cached for 24 h; others briefly, to absorb bursts. */
const HOT_TTL_SECONDS = 24 * 3600;
const COLD_TTL_SECONDS = 300;
const BLACKOUT_TTL_SECONDS = 366 * 86400;
/** Below this many seats an offer is flagged 紧张 (low stock). */
export const LOW_STOCK_THRESHOLD = 10;
/** How far ahead travellers may search and buy. */
export const MAX_DAYS_AHEAD = 90;

/** Input of `searchOffers`. */
export interface SearchInput {
  origin: string;
  destination: string;
  date: string;
  passengers: Array<{ type: PassengerType; count: number }>;
}

/** An offer: a trip ticket or a package for the day, with live availability and the party's price. */
export interface Offer {
  id: string;
  kind: 'TICKET' | 'PACKAGE';
  productId: number;
  productName: string;
  travelDate: string;
  currency: string;
  trip: (Omit<TripOfferRow, 'departureAt' | 'arrivalAt'> & { departureAt: Date; arrivalAt: Date }) | null;
  validityDays: number | null;
  description: string | null;
  available: number | null;
  lowStock: boolean;
  totalPrice: number | null;
  priceLines: PartyPriceLine[];
  unavailableReason: string | null;
  refundSummary: string;
  entitlements: EntitlementRow[];
}

/** What a search returns. */
export interface SearchResult {
  origin: CityRow;
  destination: CityRow;
  date: string;
  blackout: boolean;
  blackoutReason: string | null;
  offers: Offer[];
}

/** Cacheable snapshot of a search (no availability). */
interface StaticSearch {
  trips: TripOfferRow[];
  packages: PackageOfferRow[];
  tiers: FareTierRow[];
  entitlements: EntitlementRow[];
}

/**
 * Catalog search (US-010 A): tickets and packages on sale for a day, priced for the party, with
 * seats left. The static part is cached (24 h for hot cities) under a version that admin changes
 * bump; availability is always read live in one statement per kind.
 */
export class CatalogService {
  /**
   * Parsed values of versioned cache keys, in this process. A key names the catalog version, so an
   * admin change (a new version) is never served from here; entries also age out after 30 s.
   */
  private readonly l1 = new Map<string, { value: unknown; until: number }>();
  /** The catalog version, read once per request (with the settings version: cache-versions.ts). */
  private version(ctx: RequestContext): Promise<number> {
    return versionFor(ctx, CATALOG_NAMESPACE);
  }

  /** Seats and passes left, shared by the searches of the same second in this process. */
  private readonly live = new Map<string, { until: number; value: Promise<[Array<{ id: number; left: number }>, Array<{ id: number; left: number | null }>]> }>();

  /**
   * What is left of these trips and passes. Read from PostgreSQL, but at most once a second per set
   * in this process: a search may show seats up to a second old (ordering checks them for real), and
   * a hot city searched a thousand times a second costs one read.
   */
  private availability(ctx: RequestContext, tripIds: number[], productIds: number[], date: string, now: Date) {
    const key = `${tripIds.join(',')}|${productIds.join(',')}|${date}`;
    const t = Date.now();
    const hit = this.live.get(key);
    if (hit && hit.until > t) return hit.value;
    const value = Promise.all([
      tripIds.length ? catalogRepository.tripSeatsLeft(ctx.app.db, tripIds, now) : Promise.resolve([]),
      productIds.length ? catalogRepository.packagesLeft(ctx.app.db, productIds, date, now) : Promise.resolve([]),
    ]);
    if (this.live.size >= 5000) this.live.clear();
    this.live.set(key, { until: t + 1000, value });
    value.catch(() => this.live.delete(key));
    return value;
  }

  /** A cached JSON value: in-process first, then the shared cache, then `load` (stored in both). */
  private async cached<T>(ctx: RequestContext, key: string, ttlSeconds: number, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = this.l1.get(key);
    if (hit && hit.until > now) return hit.value as T;
    const shared = await ctx.app.cache.get(key);
    let value: T;
    if (shared) value = JSON.parse(shared) as T;
    else {
      const text = JSON.stringify(await load());
      await ctx.app.cache.set(key, text, ttlSeconds);
      // Kept in the JSON form the shared cache returns, so a hit and a miss look the same (dates as strings).
      value = JSON.parse(text) as T;
    }
    if (this.l1.size >= 2000) this.l1.delete(this.l1.keys().next().value as string);
    this.l1.set(key, { value, until: now + Math.min(30, ttlSeconds) * 1000 });
    return value;
  }

  /** Cities, hot ones first. */
  async cities(ctx: RequestContext, query?: string | null): Promise<CityRow[]> {
    const all = await this.cachedCities(ctx);
    if (!query) return all;
    const q = query.trim().toLowerCase();
    return all.filter((c) => c.code.toLowerCase() === q || c.nameZh.includes(query.trim()) || c.pinyin.startsWith(q) || c.nameEn.toLowerCase().includes(q));
  }

  /** Finds a city by code, Chinese name, pinyin or English name; throws CITY_NOT_FOUND. */
  async resolveCity(ctx: RequestContext, ref: string): Promise<CityRow> {
    const q = ref.trim().toLowerCase();
    const city = (await this.cachedCities(ctx)).find(
      (c) => String(c.id) === q || c.code.toLowerCase() === q || c.nameZh === ref.trim() || c.pinyin === q || c.nameEn.toLowerCase() === q,
    );
    if (!city) throw new AppError('CITY_NOT_FOUND', `Unknown city: ${ref}`, { city: ref });
    return city;
  }

  /** The blackout dates of a year (cached per year, as US-010 asks). */
  async blackouts(ctx: RequestContext, year: number): Promise<BlackoutRow[]> {
    const v = await this.version(ctx);
    return this.cached(ctx, `blackouts:${v}:${year}`, BLACKOUT_TTL_SECONDS, () => catalogRepository.blackoutsOfYear(ctx.app.db, year));
  }

  async searchOffers(ctx: RequestContext, input: SearchInput): Promise<SearchResult> {
    const party = toParty(input.passengers);
    if (!isLocalDate(input.date)) throw new AppError('BAD_USER_INPUT', 'date must be YYYY-MM-DD', { field: 'date' });
    const now = ctx.app.clock.now();
    const today = localDateOf(now);
    if (input.date < today) throw new AppError('DATE_IN_PAST', `${input.date} is in the past`, { field: 'date' });
    if (input.date > addDays(today, MAX_DAYS_AHEAD)) {
      throw new AppError('NOT_ON_SALE', `Sales open ${MAX_DAYS_AHEAD} days ahead`, { field: 'date' });
    }
    const [origin, destination] = await Promise.all([this.resolveCity(ctx, input.origin), this.resolveCity(ctx, input.destination)]);
    if (origin.id === destination.id) throw new AppError('BAD_USER_INPUT', 'Origin and destination are the same city', { field: 'destination' });

    const blackouts = (await this.blackouts(ctx, Number(input.date.slice(0, 4)))).filter((b) => b.date === input.date);
    const global = blackouts.find((b) => b.productId === null);
    const base = { origin, destination, date: input.date };
    if (global) return { ...base, blackout: true, blackoutReason: global.reason ?? '禁售日', offers: [] };
    const blockedProducts = new Set(blackouts.map((b) => b.productId));

    const snap = await this.staticSearch(ctx, origin, destination, input.date);
    const trips = snap.trips.filter((t) => !blockedProducts.has(t.productId) && new Date(t.departureAt) > now);
    const packages = snap.packages.filter((p) => !blockedProducts.has(p.productId));
    const [seats, passes] = await this.availability(ctx, trips.map((t) => t.tripId), packages.map((p) => p.productId), input.date, now);
    const seatsLeft = new Map(seats.map((s) => [s.id, s.left]));
    const passesLeft = new Map(passes.map((s) => [s.id, s.left]));
    const tiersOf = groupBy(snap.tiers, (t) => t.productId);
    const linesOf = groupBy(snap.entitlements, (e) => e.templateId);
    const size = input.passengers.reduce((n, p) => n + p.count, 0);

    const offers: Offer[] = [];
    for (const t of trips) {
      const { departureAt, arrivalAt, ...rest } = t;
      offers.push(
        this.offer({
          id: `trip:${t.tripId}`, kind: 'TICKET', productId: t.productId, productName: t.productName, travelDate: input.date,
          currency: t.currency, trip: { ...rest, departureAt: new Date(departureAt), arrivalAt: new Date(arrivalAt) },
          validityDays: null, description: null, refundSummary: t.refundSummary, entitlements: [],
        }, seatsLeft.get(t.tripId) ?? 0, tiersOf.get(t.productId) ?? [], party, size),
      );
    }
    for (const p of packages) {
      const left = passesLeft.has(p.productId) ? passesLeft.get(p.productId)! : null;
      offers.push(
        this.offer({
          id: `pkg:${p.productId}:${input.date}`, kind: 'PACKAGE', productId: p.productId, productName: p.productName,
          travelDate: input.date, currency: p.currency, trip: null, validityDays: p.validityDays, description: p.description,
          refundSummary: p.refundSummary, entitlements: linesOf.get(p.templateId) ?? [],
        }, left, tiersOf.get(p.productId) ?? [], party, size),
      );
    }
    return { ...base, blackout: false, blackoutReason: null, offers };
  }

  /**
   * A product and what is available of it on a day (REST `GET /products/:id`): a package's passes
   * left for the date, or a ticket's trips that day with seats left.
   */
  async productDetail(ctx: RequestContext, productId: number, date: string | null): Promise<Record<string, unknown>> {
    const now = ctx.app.clock.now();
    const day = date ?? localDateOf(now);
    if (!isLocalDate(day)) throw new AppError('BAD_USER_INPUT', 'date must be YYYY-MM-DD', { field: 'date' });
    const [p] = await ctx.app.db.query<{ id: number; kind: string; name: string; currency: string; enabled: boolean; dailyQuota: number | null }>(
      'SELECT id, kind, name, currency, enabled, daily_quota AS "dailyQuota" FROM product WHERE id = $1',
      [productId],
    );
    if (!p) throw new AppError('PRODUCT_NOT_FOUND', `Product ${productId} does not exist`, { product_id: productId });
    const tiers = await catalogRepository.fareTiers(ctx.app.db, [p.id]);
    const blackout = (await this.blackouts(ctx, Number(day.slice(0, 4)))).find(
      (b) => b.date === day && (b.productId === null || b.productId === p.id),
    );
    const prices = tiers.map((t) => ({ passenger_type: t.passengerType, min_qty: t.minQty, max_qty: t.maxQty, unit_price: t.unitPrice }));
    const base = { product_id: p.id, name: p.name, product_name: p.name, kind: p.kind, currency: p.currency, travel_date: day, prices,
      on_sale: p.enabled && !blackout && day >= localDateOf(now), blackout_reason: blackout?.reason ?? null };
    if (p.kind === 'PACKAGE') {
      const [left] = await catalogRepository.packagesLeft(ctx.app.db, [p.id], day, now);
      const available = base.on_sale ? left?.left ?? null : 0;
      return { ...base, available, quota: p.dailyQuota };
    }
    const trips = await ctx.app.db.query<{ id: number; departureAt: Date }>(
      `SELECT id, departure_at AS "departureAt" FROM trip WHERE product_id = $1 AND departure_at >= $2 AND departure_at < $3
          AND departure_at > $4 AND status = 'SCHEDULED' ORDER BY departure_at`,
      [p.id, startOfLocalDate(day), startOfLocalDate(addDays(day, 1)), now],
    );
    const seats = trips.length ? await catalogRepository.tripSeatsLeft(ctx.app.db, trips.map((t) => t.id), now) : [];
    const left = new Map(seats.map((s) => [s.id, s.left]));
    const tripList = trips.map((t) => ({ trip_id: t.id, departure_at: t.departureAt, available: base.on_sale ? left.get(t.id) ?? 0 : 0 }));
    return { ...base, available: tripList.reduce((n, t) => n + t.available, 0), trips: tripList };
  }

  private offer(
    base: Omit<Offer, 'available' | 'lowStock' | 'totalPrice' | 'priceLines' | 'unavailableReason'>,
    available: number | null,
    tiers: FareTier[],
    party: Party,
    size: number,
  ): Offer {
    const price = pricePartyWithTiers(tiers, party);
    let unavailableReason: string | null = null;
    if (!price.ok) unavailableReason = 'NO_FARE';
    else if (available !== null && available < size) unavailableReason = available === 0 ? 'SOLD_OUT' : 'NOT_ENOUGH_LEFT';
    return {
      ...base,
      available,
      lowStock: available !== null && available > 0 && available < LOW_STOCK_THRESHOLD,
      totalPrice: price.ok ? price.total : null,
      priceLines: price.ok ? price.lines : [],
      unavailableReason,
    };
  }

  private async staticSearch(ctx: RequestContext, origin: CityRow, destination: CityRow, date: string): Promise<StaticSearch> {
    const v = await this.version(ctx);
    const ttl = origin.isHot || destination.isHot ? HOT_TTL_SECONDS : COLD_TTL_SECONDS;
    return this.cached(ctx, `search:${v}:${origin.id}:${destination.id}:${date}`, ttl, () => this.loadStaticSearch(ctx, origin, destination, date));
  }

  private async loadStaticSearch(ctx: RequestContext, origin: CityRow, destination: CityRow, date: string): Promise<StaticSearch> {
    const from = startOfLocalDate(date);
    const to = startOfLocalDate(addDays(date, 1));
    const [trips, packages] = await Promise.all([
      catalogRepository.tripOffers(ctx.app.db, origin.id, destination.id, from, to),
      catalogRepository.packageOffers(ctx.app.db, [destination.id]),
    ]);
    const productIds = [...new Set([...trips.map((t) => t.productId), ...packages.map((p) => p.productId)])];
    const [tiers, entitlements] = await Promise.all([
      productIds.length ? catalogRepository.fareTiers(ctx.app.db, productIds) : [],
      packages.length ? catalogRepository.entitlements(ctx.app.db, packages.map((p) => p.templateId)) : [],
    ]);
    return { trips, packages, tiers, entitlements };
  }

  private async cachedCities(ctx: RequestContext): Promise<CityRow[]> {
    const v = await this.version(ctx);
    return this.cached(ctx, `cities:${v}`, HOT_TTL_SECONDS, () => catalogRepository.cities(ctx.app.db));
  }
}

/** The largest count of one passenger type a search takes (orders have their own, lower, setting). */
const MAX_COUNT_PER_TYPE = 99;

/** Validates the party: counts are whole, 0–99, and at least one passenger travels. */
export function toParty(passengers: Array<{ type: PassengerType; count: number }>): Party {
  const party: Party = {};
  for (const p of passengers) {
    const total = (party[p.type] ?? 0) + p.count;
    if (!Number.isInteger(p.count) || p.count < 0 || total > MAX_COUNT_PER_TYPE) {
      throw new AppError('BAD_USER_INPUT', `Passenger counts must be whole numbers from 0 to ${MAX_COUNT_PER_TYPE}`, { field: 'passengers' });
    }
    party[p.type] = total;
  }
  if (!Object.values(party).some((n) => (n ?? 0) > 0)) {
    throw new AppError('BAD_USER_INPUT', 'At least one passenger is needed', { field: 'passengers' });
  }
  return party;
}

function groupBy<T, K>(rows: T[], key: (row: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}
