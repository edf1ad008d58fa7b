import type { RequestContext } from '../../app/context.js';
import { AppError } from '../../common/errors.js';
import { isLocalDate, startOfLocalDate, addDays } from '@deeptravel/shared';
import { requireAdmin } from './admin-session.js';

/** A page of rows and how many match in all (admin tables page on the server). */
export interface Page<T> {
  items: T[];
  total: number;
}

const clampLimit = (n?: number | null) => Math.min(Math.max(n ?? 50, 1), 500);

/** Columns the trip list may be sorted by (`field:ASC|DESC`), mapped to SQL. */
const TRIP_SORTS: Record<string, string> = {
  departureAt: 'departure_at',
  available: '(capacity - sold - locked)',
  sold: 'sold',
  capacity: 'capacity',
};

/**
 * Admin reads: every configurable thing with paging and filters, the audit log and payment
 * anomalies (orders: AdminOrderService). ADMIN and OPERATOR may read.
 */
export class AdminQueryService {
  async cities(ctx: RequestContext) {
    requireAdmin(ctx.principal, 'read');
    return ctx.app.db.query(`SELECT id, code, name_zh AS "nameZh", name_en AS "nameEn", pinyin, is_hot AS "isHot", sort_order AS "sortOrder" FROM city ORDER BY sort_order, id`);
  }

  async stations(ctx: RequestContext) {
    requireAdmin(ctx.principal, 'read');
    return ctx.app.db.query(`SELECT id, code, city_id AS "cityId", name_zh AS "nameZh", name_en AS "nameEn" FROM station ORDER BY city_id, id`);
  }

  async routes(ctx: RequestContext) {
    requireAdmin(ctx.principal, 'read');
    return ctx.app.db.query(
      `SELECT id, code, mode, origin_id AS "originId", destination_id AS "destinationId", operator_id AS "operatorId", duration_minutes AS "durationMinutes", enabled
         FROM route ORDER BY id`,
    );
  }

  async products(ctx: RequestContext, filter: { kind?: string | null; enabled?: boolean | null; query?: string | null }) {
    requireAdmin(ctx.principal, 'read');
    const products = await ctx.app.db.query<{ id: number }>(
      `SELECT id, kind, name, name_en AS "nameEn", route_id AS "routeId", template_id AS "templateId", city_id AS "cityId",
              refund_rule_id AS "refundRuleId", enabled, currency, daily_quota AS "dailyQuota", description
         FROM product WHERE ($1::text IS NULL OR kind = $1) AND ($2::boolean IS NULL OR enabled = $2) AND ($3::text IS NULL OR name ILIKE '%' || $3 || '%')
        ORDER BY id`,
      [filter.kind ?? null, filter.enabled ?? null, filter.query ?? null],
    );
    const tiers = await ctx.app.db.query<{ productId: number }>(
      `SELECT product_id AS "productId", passenger_type AS "passengerType", min_qty AS "minQty", max_qty AS "maxQty", unit_price AS "unitPrice"
         FROM fare_tier WHERE product_id = ANY($1::int[]) ORDER BY passenger_type, min_qty`,
      [products.map((p) => p.id)],
    );
    return products.map((p) => ({ ...p, fares: tiers.filter((t) => t.productId === p.id) }));
  }

  async trips(ctx: RequestContext, f: { routeId?: number | null; fromDate?: string | null; toDate?: string | null; status?: string | null; limit?: number | null; offset?: number | null; sort?: string | null }) {
    requireAdmin(ctx.principal, 'read');
    const [sortField, sortDir = 'ASC'] = (f.sort ?? 'departureAt:ASC').split(':');
    const sortColumn = TRIP_SORTS[sortField];
    const direction = sortDir.toUpperCase();
    if (!sortColumn || (direction !== 'ASC' && direction !== 'DESC')) {
      throw new AppError('BAD_USER_INPUT', `sort: one of ${Object.keys(TRIP_SORTS).join(', ')} with :ASC or :DESC`, { field: 'sort' });
    }
    for (const [k, v] of [['fromDate', f.fromDate], ['toDate', f.toDate]] as const) {
      if (v && !isLocalDate(v)) throw new AppError('BAD_USER_INPUT', `${k}: YYYY-MM-DD`, { field: k });
    }
    const params = [f.routeId ?? null, f.fromDate ? startOfLocalDate(f.fromDate) : null, f.toDate ? startOfLocalDate(addDays(f.toDate, 1)) : null, f.status ?? null];
    const where = `($1::int IS NULL OR route_id = $1) AND ($2::timestamptz IS NULL OR departure_at >= $2) AND ($3::timestamptz IS NULL OR departure_at < $3)
                   AND ($4::text IS NULL OR status = $4)`;
    const [{ total }] = await ctx.app.db.query<{ total: number }>(`SELECT count(*)::int AS total FROM trip WHERE ${where}`, params);
    const items = await ctx.app.db.query(
      `SELECT id, route_id AS "routeId", product_id AS "productId", departure_at AS "departureAt", arrival_at AS "arrivalAt", capacity, sold, locked,
              capacity - sold - locked AS available, status
         FROM trip WHERE ${where} ORDER BY ${sortColumn} ${direction}, departure_at, id LIMIT $5 OFFSET $6`,
      [...params, clampLimit(f.limit), Math.max(f.offset ?? 0, 0)],
    );
    return { items, total };
  }

  async templates(ctx: RequestContext) {
    requireAdmin(ctx.principal, 'read');
    const templates = await ctx.app.db.query<{ id: number }>(`SELECT id, name, validity_days AS "validityDays", description FROM package_template ORDER BY id`);
    const lines = await ctx.app.db.query<{ templateId: number }>(
      `SELECT template_id AS "templateId", id, name, merchant_id AS "merchantId", scope, uses FROM entitlement_line ORDER BY template_id, sort_order, id`,
    );
    return templates.map((t) => ({ ...t, lines: lines.filter((l) => l.templateId === t.id) }));
  }

  async refundRules(ctx: RequestContext) {
    requireAdmin(ctx.principal, 'read');
    return ctx.app.db.query(
      `SELECT id, name, tiers, change_allowed AS "changeAllowed", change_min_hours_before AS "changeMinHoursBefore", summary_zh AS "summaryZh" FROM refund_rule ORDER BY id`,
    );
  }

  async promotions(ctx: RequestContext) {
    requireAdmin(ctx.principal, 'read');
    return ctx.app.db.query(
      `SELECT id, code, name, kind, value, starts_at AS "startsAt", ends_at AS "endsAt", product_ids AS "productIds", usage_cap AS "usageCap",
              used_count AS "usedCount", min_amount AS "minAmount", enabled FROM promotion ORDER BY id DESC`,
    );
  }

  async blackouts(ctx: RequestContext, year: number) {
    requireAdmin(ctx.principal, 'read');
    return ctx.app.db.query(
      `SELECT id, product_id AS "productId", date::text AS date, reason FROM blackout_date WHERE date >= make_date($1, 1, 1) AND date < make_date($1 + 1, 1, 1) ORDER BY date`,
      [year],
    );
  }

  async audit(ctx: RequestContext, f: { entityType?: string | null; entityId?: string | null; actor?: string | null; limit?: number | null; offset?: number | null }) {
    requireAdmin(ctx.principal, 'read');
    const params = [f.entityType ?? null, f.entityId ?? null, f.actor ?? null];
    const where = `($1::text IS NULL OR entity_type = $1) AND ($2::text IS NULL OR entity_id = $2) AND ($3::text IS NULL OR actor = $3)`;
    const [{ total }] = await ctx.app.db.query<{ total: number }>(`SELECT count(*)::int AS total FROM admin_audit WHERE ${where}`, params);
    const items = await ctx.app.db.query(
      `SELECT id, admin_id AS "adminId", actor, action, entity_type AS "entityType", entity_id AS "entityId", before, after, at
         FROM admin_audit WHERE ${where} ORDER BY id DESC LIMIT $4 OFFSET $5`,
      [...params, clampLimit(f.limit), Math.max(f.offset ?? 0, 0)],
    );
    return { items, total };
  }

  async paymentAnomalies(ctx: RequestContext, unresolvedOnly: boolean) {
    requireAdmin(ctx.principal, 'read');
    return ctx.app.db.query(
      `SELECT id, kind, gateway, gateway_txn_id AS "gatewayTxnId", order_id AS "orderId", order_no AS "orderNo", amount, detail, resolved,
              resolved_at AS "resolvedAt", resolved_by AS "resolvedBy", resolution_note AS "resolutionNote", created_at AS "createdAt"
         FROM payment_anomaly WHERE NOT $1 OR NOT resolved ORDER BY id DESC LIMIT 500`,
      [unresolvedOnly],
    );
  }
}
