import type { PassengerType } from '@deeptravel/shared';
import type { Sql } from '../../common/db/sql.js';

/** A city as searches and the apps see it. */
export interface CityRow {
  id: number;
  code: string;
  nameZh: string;
  nameEn: string;
  pinyin: string;
  isHot: boolean;
  sortOrder: number;
}

/** The static part of a trip offer (cacheable: no seat counts). */
export interface TripOfferRow {
  tripId: number;
  departureAt: string;
  arrivalAt: string;
  capacity: number;
  productId: number;
  productName: string;
  currency: string;
  routeId: number;
  routeCode: string;
  mode: 'BUS' | 'FERRY';
  originStation: string;
  destinationStation: string;
  operatorName: string;
  refundSummary: string;
}

/** The static part of a package offer. */
export interface PackageOfferRow {
  productId: number;
  productName: string;
  currency: string;
  dailyQuota: number | null;
  templateId: number;
  validityDays: number;
  refundSummary: string;
  description: string | null;
}

export interface FareTierRow {
  productId: number;
  passengerType: PassengerType;
  minQty: number;
  maxQty: number | null;
  unitPrice: number;
}

export interface EntitlementRow {
  id: number;
  templateId: number;
  name: string;
  scope: 'PER_PASSENGER' | 'SHARED';
  uses: number;
  merchantId: number;
  merchantName: string;
}

export interface BlackoutRow {
  productId: number | null;
  date: string;
  reason: string | null;
}

/** The catalog's SQL, in one place; every query is a single indexed statement. */
export const catalogRepository = {
  cities(sql: Sql): Promise<CityRow[]> {
    return sql.query<CityRow>(
      `SELECT id, code, name_zh AS "nameZh", name_en AS "nameEn", pinyin, is_hot AS "isHot", sort_order AS "sortOrder"
         FROM city ORDER BY is_hot DESC, sort_order, id`,
    );
  },

  tripOffers(sql: Sql, originCityId: number, destinationCityId: number, from: Date, to: Date): Promise<TripOfferRow[]> {
    return sql.query<TripOfferRow>(
      `SELECT t.id AS "tripId", t.departure_at AS "departureAt", t.arrival_at AS "arrivalAt", t.capacity,
              p.id AS "productId", p.name AS "productName", p.currency, r.id AS "routeId", r.code AS "routeCode", r.mode,
              os.name_zh AS "originStation", ds.name_zh AS "destinationStation", m.name AS "operatorName",
              rr.summary_zh AS "refundSummary"
         FROM trip t
         JOIN route r ON r.id = t.route_id
         JOIN station os ON os.id = r.origin_id
         JOIN station ds ON ds.id = r.destination_id
         JOIN product p ON p.id = t.product_id
         JOIN merchant m ON m.id = r.operator_id
         JOIN refund_rule rr ON rr.id = p.refund_rule_id
        WHERE os.city_id = $1 AND ds.city_id = $2 AND t.departure_at >= $3 AND t.departure_at < $4
          AND t.status = 'SCHEDULED' AND p.enabled AND r.enabled
        ORDER BY t.departure_at, t.id`,
      [originCityId, destinationCityId, from, to],
    );
  },

  packageOffers(sql: Sql, cityIds: number[]): Promise<PackageOfferRow[]> {
    return sql.query<PackageOfferRow>(
      `SELECT p.id AS "productId", p.name AS "productName", p.currency, p.daily_quota AS "dailyQuota",
              pt.id AS "templateId", pt.validity_days AS "validityDays", rr.summary_zh AS "refundSummary", p.description
         FROM product p
         JOIN package_template pt ON pt.id = p.template_id
         JOIN refund_rule rr ON rr.id = p.refund_rule_id
        WHERE p.kind = 'PACKAGE' AND p.enabled AND p.city_id = ANY($1::int[])
        ORDER BY p.id`,
      [cityIds],
    );
  },

  fareTiers(sql: Sql, productIds: number[]): Promise<FareTierRow[]> {
    return sql.query<FareTierRow>(
      `SELECT product_id AS "productId", passenger_type AS "passengerType", min_qty AS "minQty", max_qty AS "maxQty",
              unit_price AS "unitPrice"
         FROM fare_tier WHERE product_id = ANY($1::int[]) ORDER BY product_id, passenger_type, min_qty`,
      [productIds],
    );
  },

  entitlements(sql: Sql, templateIds: number[]): Promise<EntitlementRow[]> {
    return sql.query<EntitlementRow>(
      `SELECT el.id, el.template_id AS "templateId", el.name, el.scope, el.uses, m.id AS "merchantId", m.name AS "merchantName"
         FROM entitlement_line el JOIN merchant m ON m.id = el.merchant_id
        WHERE el.template_id = ANY($1::int[]) ORDER BY el.template_id, el.sort_order, el.id`,
      [templateIds],
    );
  },

  blackoutsOfYear(sql: Sql, year: number): Promise<BlackoutRow[]> {
    return sql.query<BlackoutRow>(
      `SELECT product_id AS "productId", date::text AS date, reason FROM blackout_date
        WHERE date >= make_date($1, 1, 1) AND date < make_date($1 + 1, 1, 1) ORDER BY date`,
      [year],
    );
  },

  /** Seats left per trip now. PENDING orders whose lock has expired no longer hold their seats. */
  tripSeatsLeft(sql: Sql, tripIds: number[], now: Date): Promise<Array<{ id: number; left: number }>> {
    return sql.query(
      `SELECT t.id, t.capacity - t.sold - t.locked + COALESCE((
                SELECT SUM(oi.qty) FROM orders o JOIN order_item oi ON oi.order_id = o.id
                 WHERE o.status = 'PENDING' AND o.lock_expire_at <= $2 AND oi.trip_id = t.id), 0)::int AS left
         FROM trip t WHERE t.id = ANY($1::int[])`,
      [tripIds, now],
    );
  },

  /** Passes left per product on a travel date (no inventory row yet = the whole quota). */
  packagesLeft(sql: Sql, productIds: number[], travelDate: string, now: Date): Promise<Array<{ id: number; left: number | null }>> {
    return sql.query(
      `SELECT p.id, CASE WHEN p.daily_quota IS NULL THEN NULL ELSE
                COALESCE(di.quota - di.sold - di.locked + COALESCE((
                  SELECT SUM(oi.qty) FROM orders o JOIN order_item oi ON oi.order_id = o.id
                   WHERE o.status = 'PENDING' AND o.lock_expire_at <= $3 AND oi.product_id = p.id
                     AND oi.trip_id IS NULL AND oi.travel_date = $2::date), 0), p.daily_quota)::int END AS left
         FROM product p LEFT JOIN daily_inventory di ON di.product_id = p.id AND di.travel_date = $2::date
        WHERE p.id = ANY($1::int[])`,
      [productIds, travelDate, now],
    );
  },
};
