import { versionFor } from '../../common/infra/cache-versions.js';
import type { RequestContext } from '../../app/context.js';
import type { FareTier } from '@deeptravel/shared';
import type { RefundTier } from './catalog.entities.js';
import { CATALOG_NAMESPACE } from './catalog.service.js';
import { SingleFlight } from '../../common/single-flight.js';

/** An entitlement as a ticket will carry it. */
export interface SaleEntitlement {
  lineId: number | null;
  name: string;
  merchantId: number;
  merchantName: string;
  scope: 'PER_PASSENGER' | 'SHARED';
  uses: number;
}

/** Everything an order needs to know about a product, frozen into its snapshot. */
export interface ProductForSale {
  id: number;
  kind: 'TICKET' | 'PACKAGE';
  name: string;
  currency: string;
  enabled: boolean;
  dailyQuota: number | null;
  validityDays: number | null;
  tiers: FareTier[];
  entitlements: SaleEntitlement[];
  refundRule: { id: number; name: string; tiers: RefundTier[]; changeAllowed: boolean; changeMinHoursBefore: number; summaryZh: string };
}

/** A trip as ordering needs it (cached: admin changes to trips bump the catalog version). */
export interface TripForSale {
  id: number;
  productId: number;
  departureAt: string;
  arrivalAt: string;
  status: string;
}

/**
 * Trips for ordering, from the cache when possible, so that a request refused by admission control
 * costs no PostgreSQL round trip at all.
 */
const tripLoads = new SingleFlight<Map<number, TripForSale>>();

/**
 * Parsed trips and products of versioned keys, in this process: the key names the catalog version,
 * so an admin change (a new version) is never served from here; entries also age out after 30 s.
 * A hot order path then reads no shared cache at all (docs/performance.md).
 */
const local = new Map<string, { value: unknown; until: number }>();

/** A versioned key's value: in this process first, then the shared cache (parsed and kept here). */
async function cachedValue<T>(ctx: RequestContext, key: string): Promise<T | undefined> {
  const now = Date.now();
  const hit = local.get(key);
  if (hit && hit.until > now) return hit.value as T;
  const text = await ctx.app.cache.get(key);
  if (!text) return undefined;
  const value = JSON.parse(text) as T;
  remember(key, value);
  return value;
}

function remember(key: string, value: unknown): void {
  if (local.size >= 5000) local.delete(local.keys().next().value as string);
  // Shared by every request of the next 30 s: frozen, so a caller that mutated it would fail loudly.
  local.set(key, { value: deepFreeze(value), until: Date.now() + 30_000 });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export async function loadTripsForSale(ctx: RequestContext, ids: number[]): Promise<Map<number, TripForSale>> {
  const out = new Map<number, TripForSale>();
  const v = await versionFor(ctx, CATALOG_NAMESPACE);
  const missing: number[] = [];
  for (const id of ids) {
    const hit = await cachedValue<TripForSale>(ctx, `trip:${v}:${id}`);
    if (hit) out.set(id, hit);
    else missing.push(id);
  }
  if (!missing.length) return out;
  // Concurrent requests for the same cold trips share one read.
  const loaded = await tripLoads.run(`${v}:${missing.join(',')}`, () => readTrips(ctx, v, missing));
  for (const [id, t] of loaded) out.set(id, t);
  return out;
}

async function readTrips(ctx: RequestContext, v: number, missing: number[]): Promise<Map<number, TripForSale>> {
  const out = new Map<number, TripForSale>();
  const rows = await ctx.app.db.query<{ id: number; productId: number; departureAt: Date; arrivalAt: Date; status: string }>(
    `SELECT id, product_id AS "productId", departure_at AS "departureAt", arrival_at AS "arrivalAt", status FROM trip WHERE id = ANY($1::int[])`,
    [missing],
  );
  for (const r of rows) {
    const t: TripForSale = { id: r.id, productId: r.productId, departureAt: new Date(r.departureAt).toISOString(), arrivalAt: new Date(r.arrivalAt).toISOString(), status: r.status };
    out.set(r.id, t);
    await ctx.app.cache.set(`trip:${v}:${r.id}`, JSON.stringify(t), 300);
    remember(`trip:${v}:${r.id}`, JSON.parse(JSON.stringify(t)));
  }
  return out;
}

/**
 * Loads products for ordering, cached under the catalog version (an admin change is seen at once).
 * One statement for the products, one each for tiers and entitlements, on a cache miss only.
 */
export async function loadProductsForSale(ctx: RequestContext, ids: number[]): Promise<Map<number, ProductForSale>> {
  const out = new Map<number, ProductForSale>();
  const v = await versionFor(ctx, CATALOG_NAMESPACE);
  const missing: number[] = [];
  for (const id of ids) {
    const hit = await cachedValue<ProductForSale>(ctx, `product:${v}:${id}`);
    if (hit) out.set(id, hit);
    else missing.push(id);
  }
  if (!missing.length) return out;
  const db = ctx.app.db;
  const products = await db.query<{
    id: number; kind: 'TICKET' | 'PACKAGE'; name: string; currency: string; enabled: boolean; dailyQuota: number | null;
    validityDays: number | null; templateId: number | null; operatorId: number | null; operatorName: string | null; mode: string | null;
    rrId: number; rrName: string; rrTiers: RefundTier[]; changeAllowed: boolean; changeMinHoursBefore: number; summaryZh: string;
  }>(
    `SELECT p.id, p.kind, p.name, p.currency, p.enabled, p.daily_quota AS "dailyQuota", pt.validity_days AS "validityDays",
            p.template_id AS "templateId", m.id AS "operatorId", m.name AS "operatorName", r.mode,
            rr.id AS "rrId", rr.name AS "rrName", rr.tiers AS "rrTiers", rr.change_allowed AS "changeAllowed",
            rr.change_min_hours_before AS "changeMinHoursBefore", rr.summary_zh AS "summaryZh"
       FROM product p
       JOIN refund_rule rr ON rr.id = p.refund_rule_id
       LEFT JOIN package_template pt ON pt.id = p.template_id
       LEFT JOIN route r ON r.id = p.route_id
       LEFT JOIN merchant m ON m.id = r.operator_id
      WHERE p.id = ANY($1::int[])`,
    [missing],
  );
  if (!products.length) return out;
  const tiers = await db.query<FareTier & { productId: number }>(
    `SELECT product_id AS "productId", passenger_type AS "passengerType", min_qty AS "minQty", max_qty AS "maxQty", unit_price AS "unitPrice"
       FROM fare_tier WHERE product_id = ANY($1::int[])`,
    [products.map((p) => p.id)],
  );
  const templateIds = products.map((p) => p.templateId).filter((x): x is number => x !== null);
  const lines = templateIds.length
    ? await db.query<SaleEntitlement & { templateId: number }>(
        `SELECT el.template_id AS "templateId", el.id AS "lineId", el.name, el.merchant_id AS "merchantId", m.name AS "merchantName", el.scope, el.uses
           FROM entitlement_line el JOIN merchant m ON m.id = el.merchant_id
          WHERE el.template_id = ANY($1::int[]) ORDER BY el.sort_order, el.id`,
        [templateIds],
      )
    : [];
  for (const p of products) {
    const entitlements: SaleEntitlement[] =
      p.kind === 'PACKAGE'
        ? lines.filter((l) => l.templateId === p.templateId).map(({ templateId: _t, ...l }) => l)
        : [{ lineId: null, name: p.mode === 'FERRY' ? '乘船（单程一次）' : '乘车（单程一次）', merchantId: p.operatorId!, merchantName: p.operatorName!, scope: 'PER_PASSENGER', uses: 1 }];
    const product: ProductForSale = {
      id: p.id, kind: p.kind, name: p.name, currency: p.currency, enabled: p.enabled, dailyQuota: p.dailyQuota,
      validityDays: p.validityDays,
      tiers: tiers.filter((t) => t.productId === p.id).map(({ productId: _p, ...t }) => t),
      entitlements,
      refundRule: { id: p.rrId, name: p.rrName, tiers: p.rrTiers, changeAllowed: p.changeAllowed, changeMinHoursBefore: p.changeMinHoursBefore, summaryZh: p.summaryZh },
    };
    out.set(p.id, product);
    await ctx.app.cache.set(`product:${v}:${p.id}`, JSON.stringify(product), 3600);
    remember(`product:${v}:${p.id}`, JSON.parse(JSON.stringify(product)));
  }
  return out;
}
