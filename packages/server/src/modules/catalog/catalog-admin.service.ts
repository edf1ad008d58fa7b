import { bumpVersion } from '../../common/infra/cache-versions.js';
import { addDays, isLocalDate, localDateTime, validateTierTable, type FareTier } from '@deeptravel/shared';
import type { RequestContext } from '../../app/context.js';
import type { TxSql } from '../../common/db/sql.js';
import { AppError } from '../../common/errors.js';
import { requireAdmin, type AdminPrincipal } from '../admin/admin-session.js';
import { writeAudit } from '../admin/audit.js';
import { packageKey, tripKey } from '../inventory/seat-admission.js';
import { CATALOG_NAMESPACE } from './catalog.service.js';

/** Inputs of the admin catalog operations (GraphQL inputs map onto these). */
export interface CityInput { id?: number | null; code: string; nameZh: string; nameEn: string; pinyin: string; isHot: boolean; sortOrder?: number | null }
export interface StationInput { id?: number | null; code: string; cityId: number; nameZh: string; nameEn: string }
export interface RouteInput { id?: number | null; code: string; mode: string; originId: number; destinationId: number; operatorId: number; durationMinutes: number; enabled: boolean }
export interface ProductInput {
  id?: number | null; kind: string; name: string; nameEn?: string | null; routeId?: number | null; templateId?: number | null; cityId?: number | null;
  refundRuleId: number; enabled: boolean; currency?: string | null; dailyQuota?: number | null; description?: string | null;
}
export interface TemplateInput {
  id?: number | null; name: string; validityDays: number; description?: string | null;
  lines: Array<{ name: string; merchantId: number; scope: string; uses: number }>;
}
export interface RefundRuleInput {
  id?: number | null; name: string; tiers: Array<{ minHoursBefore: number; feePercent: number }>; changeAllowed: boolean; changeMinHoursBefore: number; summaryZh: string;
}
export interface TripInput { id?: number | null; routeId: number; departureAt: Date; capacity: number; status?: string | null }
export interface ScheduleInput { routeId: number; fromDate: string; toDate: string; times: string[]; weekdays?: number[] | null; capacity: number }
export interface PromotionInput {
  id?: number | null; code: string; name: string; kind: string; value: number; startsAt: Date; endsAt: Date; productIds: number[];
  usageCap?: number | null; minAmount?: number | null; enabled: boolean;
}

const invalid = (field: string, message: string, extra: Record<string, unknown> = {}) => new AppError('VALIDATION_FAILED', message, { field, ...extra });

/**
 * Admin changes to the catalog (issue 7). Each one: ADMIN role, validated input, one transaction
 * with an audit row (before and after), then the catalog cache moves to a new version so the next
 * search on any instance sees it. Orders already placed keep their snapshot.
 */
export class CatalogAdminService {
  /** Runs a change as an admin: guard, transaction, then invalidation after commit. */
  private async change<T>(ctx: RequestContext, fn: (sql: TxSql, admin: AdminPrincipal) => Promise<T>): Promise<T> {
    const admin = requireAdmin(ctx.principal, 'write');
    const result = await ctx.app.db.tx((sql) => fn(sql, admin));
    await this.invalidate(ctx);
    return result;
  }

  /** Makes every cached catalog read stale, on every instance sharing the cache. */
  async invalidate(ctx: RequestContext): Promise<void> {
    await bumpVersion(ctx, CATALOG_NAMESPACE);
  }

  /** Inserts or updates a row by id, writing the audit entry; returns the id. */
  private async upsert(sql: TxSql, admin: AdminPrincipal, table: string, id: number | null | undefined, values: Record<string, unknown>): Promise<number> {
    const cols = Object.keys(values);
    const params = cols.map((c) => {
      const v = values[c];
      return v !== null && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v;
    });
    try {
      if (id) {
        const [before] = await sql.query(`SELECT * FROM ${table} WHERE id = $1 FOR UPDATE`, [id]);
        if (!before) throw new AppError('NOT_FOUND', `${table} ${id} does not exist`, { field: 'id' });
        const [after] = await sql.query(
          `UPDATE ${table} SET ${cols.map((c, i) => `${c} = $${i + 2}`).join(', ')}, updated_at = now() WHERE id = $1 RETURNING *`,
          [id, ...params],
        );
        await writeAudit(sql, admin, 'update', table, id, before, after);
        return id;
      }
      const [after] = await sql.query<{ id: number }>(
        `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING *`,
        params,
      );
      await writeAudit(sql, admin, 'create', table, after.id, null, after);
      return after.id;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === '23505') throw invalid('code', `A ${table} with this code already exists`);
      if (code === '23503') throw invalid('id', 'It refers to something that does not exist');
      if (code === '23514') throw invalid('capacity', 'That would break an inventory rule (capacity below what is sold or held)');
      throw err;
    }
  }

  async upsertCity(ctx: RequestContext, c: CityInput): Promise<number> {
    if (!/^[A-Z]{3}$/.test(c.code)) throw invalid('code', 'City code: three capital letters, e.g. HKG');
    if (!c.nameZh.trim()) throw invalid('nameZh', 'Chinese name is required');
    if (!/^[a-z]+$/.test(c.pinyin)) throw invalid('pinyin', 'Pinyin: lower-case letters without tones, e.g. xianggang');
    return this.change(ctx, (sql, a) =>
      this.upsert(sql, a, 'city', c.id, { code: c.code, name_zh: c.nameZh.trim(), name_en: c.nameEn.trim(), pinyin: c.pinyin, is_hot: c.isHot, sort_order: c.sortOrder ?? 0 }),
    );
  }

  async upsertStation(ctx: RequestContext, s: StationInput): Promise<number> {
    if (!s.code.trim() || !s.nameZh.trim()) throw invalid('code', 'Code and Chinese name are required');
    return this.change(ctx, (sql, a) => this.upsert(sql, a, 'station', s.id, { code: s.code.trim(), city_id: s.cityId, name_zh: s.nameZh.trim(), name_en: s.nameEn.trim() }));
  }

  async upsertRoute(ctx: RequestContext, r: RouteInput): Promise<number> {
    if (r.mode !== 'BUS' && r.mode !== 'FERRY') throw invalid('mode', 'Mode: BUS or FERRY');
    if (r.originId === r.destinationId) throw invalid('destinationId', 'Origin and destination must differ');
    if (!Number.isInteger(r.durationMinutes) || r.durationMinutes <= 0 || r.durationMinutes > 24 * 60) throw invalid('durationMinutes', 'Duration: 1–1440 minutes');
    return this.change(ctx, (sql, a) =>
      this.upsert(sql, a, 'route', r.id, {
        code: r.code.trim(), mode: r.mode, origin_id: r.originId, destination_id: r.destinationId, operator_id: r.operatorId, duration_minutes: r.durationMinutes, enabled: r.enabled,
      }),
    );
  }

  async upsertProduct(ctx: RequestContext, p: ProductInput): Promise<number> {
    if (p.kind === 'TICKET' && !p.routeId) throw invalid('routeId', 'A ticket product needs a route');
    if (p.kind === 'PACKAGE' && (!p.templateId || !p.cityId)) throw invalid('templateId', 'A package needs a template and a city');
    if (p.kind !== 'TICKET' && p.kind !== 'PACKAGE') throw invalid('kind', 'Kind: TICKET or PACKAGE');
    if (p.dailyQuota !== null && p.dailyQuota !== undefined && (!Number.isInteger(p.dailyQuota) || p.dailyQuota < 0)) throw invalid('dailyQuota', 'Daily quota: a whole number ≥ 0');
    if (p.currency && p.currency !== 'CNY' && p.currency !== 'HKD') throw invalid('currency', 'Currency: CNY or HKD');
    return this.change(ctx, (sql, a) =>
      this.upsert(sql, a, 'product', p.id, {
        kind: p.kind, name: p.name.trim(), name_en: p.nameEn ?? null, route_id: p.kind === 'TICKET' ? p.routeId : null, template_id: p.kind === 'PACKAGE' ? p.templateId : null,
        city_id: p.cityId ?? null, refund_rule_id: p.refundRuleId, enabled: p.enabled, currency: p.currency ?? 'CNY', daily_quota: p.dailyQuota ?? null, description: p.description ?? null,
      }),
    );
  }

  /** Replaces a product's fare table after checking it for gaps and overlaps. */
  async replaceFareTiers(ctx: RequestContext, productId: number, tiers: FareTier[]): Promise<void> {
    const problems = validateTierTable(tiers);
    if (problems.length) throw new AppError('VALIDATION_FAILED', problems[0].message, { field: 'tiers', problems });
    await this.changeAsSystemOrAdmin(ctx, async (sql, admin) => {
      const [p] = await sql.query('SELECT id FROM product WHERE id = $1 FOR UPDATE', [productId]);
      if (!p) throw new AppError('PRODUCT_NOT_FOUND', `Product ${productId} does not exist`);
      const before = await sql.query('SELECT passenger_type, min_qty, max_qty, unit_price FROM fare_tier WHERE product_id = $1 ORDER BY passenger_type, min_qty', [productId]);
      await sql.query('DELETE FROM fare_tier WHERE product_id = $1', [productId]);
      for (const t of tiers) {
        await sql.query('INSERT INTO fare_tier (product_id, passenger_type, min_qty, max_qty, unit_price) VALUES ($1, $2, $3, $4, $5)', [
          productId, t.passengerType, t.minQty, t.maxQty, t.unitPrice,
        ]);
      }
      await writeAudit(sql, admin, 'set_fares', 'product', productId, before, tiers);
    });
  }

  async upsertTemplate(ctx: RequestContext, t: TemplateInput): Promise<number> {
    if (!Number.isInteger(t.validityDays) || t.validityDays < 1 || t.validityDays > 30) throw invalid('validityDays', 'Validity: 1–30 days');
    if (!t.lines.length) throw invalid('lines', 'A template needs at least one entitlement');
    t.lines.forEach((l, i) => {
      if (l.scope !== 'PER_PASSENGER' && l.scope !== 'SHARED') throw invalid(`lines[${i}].scope`, 'Scope: PER_PASSENGER or SHARED');
      if (!Number.isInteger(l.uses) || l.uses < 1 || l.uses > 99) throw invalid(`lines[${i}].uses`, 'Uses: 1–99');
      if (!l.name.trim()) throw invalid(`lines[${i}].name`, 'Each entitlement needs a name');
    });
    return this.change(ctx, async (sql, a) => {
      const id = await this.upsert(sql, a, 'package_template', t.id, { name: t.name.trim(), validity_days: t.validityDays, description: t.description ?? null });
      const before = await sql.query('SELECT name, merchant_id, scope, uses FROM entitlement_line WHERE template_id = $1 ORDER BY sort_order', [id]);
      await sql.query('DELETE FROM entitlement_line WHERE template_id = $1', [id]);
      for (const [i, l] of t.lines.entries()) {
        await sql.query('INSERT INTO entitlement_line (template_id, name, merchant_id, scope, uses, sort_order) VALUES ($1, $2, $3, $4, $5, $6)', [
          id, l.name.trim(), l.merchantId, l.scope, l.uses, i + 1,
        ]);
      }
      await writeAudit(sql, a, 'set_lines', 'package_template', id, before, t.lines);
      return id;
    });
  }

  async upsertRefundRule(ctx: RequestContext, r: RefundRuleInput): Promise<number> {
    const seen = new Set<number>();
    r.tiers.forEach((t, i) => {
      if (!Number.isFinite(t.minHoursBefore) || t.minHoursBefore < 0) throw invalid(`tiers[${i}].minHoursBefore`, 'Hours before: ≥ 0');
      if (!Number.isInteger(t.feePercent) || t.feePercent < 0 || t.feePercent > 100) throw invalid(`tiers[${i}].feePercent`, 'Fee: 0–100 %');
      if (seen.has(t.minHoursBefore)) throw invalid(`tiers[${i}].minHoursBefore`, 'Two tiers start at the same hour');
      seen.add(t.minHoursBefore);
    });
    if (!r.summaryZh.trim()) throw invalid('summaryZh', 'A summary travellers can read is required');
    const tiers = [...r.tiers].sort((a, b) => b.minHoursBefore - a.minHoursBefore);
    return this.change(ctx, (sql, a) =>
      this.upsert(sql, a, 'refund_rule', r.id, { name: r.name.trim(), tiers, change_allowed: r.changeAllowed, change_min_hours_before: r.changeMinHoursBefore, summary_zh: r.summaryZh.trim() }),
    );
  }

  /** Creates or edits one trip; capacity can never go below what is sold and held. */
  async upsertTrip(ctx: RequestContext, t: TripInput): Promise<number> {
    if (!Number.isInteger(t.capacity) || t.capacity < 0 || t.capacity > 5000) throw invalid('capacity', 'Capacity: 0–5000');
    if (t.status && t.status !== 'SCHEDULED' && t.status !== 'CANCELLED') throw invalid('status', 'Status: SCHEDULED or CANCELLED');
    const id = await this.change(ctx, async (sql, a) => {
      const [route] = await sql.query<{ durationMinutes: number; productId: number | null }>(
        `SELECT r.duration_minutes AS "durationMinutes", (SELECT id FROM product WHERE route_id = r.id AND kind = 'TICKET' ORDER BY id LIMIT 1) AS "productId"
           FROM route r WHERE r.id = $1`,
        [t.routeId],
      );
      if (!route?.productId) throw invalid('routeId', 'The route does not exist or has no ticket product');
      if (t.id) {
        const [cur] = await sql.query<{ sold: number; locked: number }>('SELECT sold, locked FROM trip WHERE id = $1', [t.id]);
        if (cur && t.capacity < cur.sold + cur.locked) {
          throw new AppError('VALIDATION_FAILED', `Capacity ${t.capacity} is below the ${cur.sold + cur.locked} seats sold or held`, { field: 'capacity', soldOrHeld: cur.sold + cur.locked });
        }
      }
      return this.upsert(sql, a, 'trip', t.id, {
        route_id: t.routeId, product_id: route.productId, departure_at: t.departureAt,
        arrival_at: new Date(t.departureAt.getTime() + route.durationMinutes * 60_000), capacity: t.capacity, status: t.status ?? 'SCHEDULED',
      });
    });
    await ctx.app.services.inventory.admission.forget(tripKey(id));
    return id;
  }

  /**
   * A recurring schedule: a trip at each of `times` (Hong Kong time) on each day of the range (and of
   * `weekdays`, 1 = Monday … 7 = Sunday). Existing departures are kept, so running it twice is harmless.
   */
  async generateTrips(ctx: RequestContext, s: ScheduleInput): Promise<{ created: number; existing: number }> {
    if (!isLocalDate(s.fromDate) || !isLocalDate(s.toDate) || s.toDate < s.fromDate) throw invalid('toDate', 'A valid date range is required');
    if (addDays(s.fromDate, 366) < s.toDate) throw invalid('toDate', 'At most one year at a time');
    if (!s.times.length || s.times.some((t) => !/^([01]\d|2[0-3]):[0-5]\d$/.test(t))) throw invalid('times', 'Times: HH:MM');
    if (!Number.isInteger(s.capacity) || s.capacity < 1 || s.capacity > 5000) throw invalid('capacity', 'Capacity: 1–5000');
    const weekdays = new Set(s.weekdays?.length ? s.weekdays : [1, 2, 3, 4, 5, 6, 7]);
    return this.change(ctx, async (sql, a) => {
      const [route] = await sql.query<{ durationMinutes: number; productId: number | null }>(
        `SELECT r.duration_minutes AS "durationMinutes", (SELECT id FROM product WHERE route_id = r.id AND kind = 'TICKET' ORDER BY id LIMIT 1) AS "productId"
           FROM route r WHERE r.id = $1`,
        [s.routeId],
      );
      if (!route?.productId) throw invalid('routeId', 'The route does not exist or has no ticket product');
      const departures: Date[] = [];
      for (let d = s.fromDate; d <= s.toDate; d = addDays(d, 1)) {
        const weekday = ((new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
        if (weekdays.has(weekday)) for (const t of s.times) departures.push(localDateTime(d, t));
      }
      const rows = await sql.query<{ id: number }>(
        `INSERT INTO trip (route_id, product_id, departure_at, arrival_at, capacity)
         SELECT $1, $2, dep, dep + make_interval(mins => $3), $4 FROM unnest($5::timestamptz[]) AS dep
          WHERE NOT EXISTS (SELECT 1 FROM trip x WHERE x.route_id = $1 AND x.departure_at = dep)
         RETURNING id`,
        [s.routeId, route.productId, route.durationMinutes, s.capacity, departures],
      );
      await writeAudit(sql, a, 'generate_trips', 'route', s.routeId, null, { ...s, created: rows.length });
      return { created: rows.length, existing: departures.length - rows.length };
    });
  }

  /** Sets one day's quota of a package; never below what is sold and held that day. */
  async setDailyQuota(ctx: RequestContext, productId: number, date: string, quota: number): Promise<void> {
    if (!isLocalDate(date)) throw invalid('date', 'Date: YYYY-MM-DD');
    if (!Number.isInteger(quota) || quota < 0) throw invalid('quota', 'Quota: a whole number ≥ 0');
    await this.change(ctx, async (sql, a) => {
      const [cur] = await sql.query<{ quota: number; sold: number; locked: number }>(
        'SELECT quota, sold, locked FROM daily_inventory WHERE product_id = $1 AND travel_date = $2::date FOR UPDATE',
        [productId, date],
      );
      if (cur && quota < cur.sold + cur.locked) {
        throw new AppError('VALIDATION_FAILED', `Quota ${quota} is below the ${cur.sold + cur.locked} passes sold or held`, { field: 'quota' });
      }
      await sql.query(
        `INSERT INTO daily_inventory (product_id, travel_date, quota) VALUES ($1, $2::date, $3)
         ON CONFLICT (product_id, travel_date) DO UPDATE SET quota = EXCLUDED.quota, updated_at = now()`,
        [productId, date, quota],
      );
      await writeAudit(sql, a, 'set_quota', 'product', productId, cur ?? null, { date, quota });
    });
    await ctx.app.services.inventory.admission.forget(packageKey(productId, date));
  }

  /** Adds a blackout date (for one product, or for all with `productId` null). */
  async addBlackoutDate(ctx: RequestContext, date: string, productId: number | null, reason: string | null): Promise<number> {
    if (!isLocalDate(date)) throw invalid('date', 'Date: YYYY-MM-DD');
    return this.changeAsSystemOrAdmin(ctx, async (sql, a) => {
      const [row] = await sql.query<{ id: number }>('INSERT INTO blackout_date (product_id, date, reason) VALUES ($1, $2::date, $3) RETURNING id', [productId, date, reason]);
      await writeAudit(sql, a, 'create', 'blackout_date', row.id, null, { date, productId, reason });
      return row.id;
    });
  }

  async removeBlackoutDate(ctx: RequestContext, id: number): Promise<void> {
    await this.change(ctx, async (sql, a) => {
      const [before] = await sql.query('DELETE FROM blackout_date WHERE id = $1 RETURNING *', [id]);
      if (!before) throw new AppError('NOT_FOUND', `Blackout date ${id} does not exist`);
      await writeAudit(sql, a, 'delete', 'blackout_date', id, before, null);
    });
  }

  async upsertPromotion(ctx: RequestContext, p: PromotionInput): Promise<number> {
    if (!/^[A-Z0-9_-]{3,32}$/i.test(p.code)) throw invalid('code', 'Code: 3–32 letters, digits, _ or -');
    if (p.kind !== 'PERCENT' && p.kind !== 'AMOUNT') throw invalid('kind', 'Kind: PERCENT or AMOUNT');
    if (!Number.isInteger(p.value) || p.value <= 0 || (p.kind === 'PERCENT' && p.value > 100)) throw invalid('value', p.kind === 'PERCENT' ? 'Percent: 1–100' : 'Amount: fen > 0');
    if (!(p.endsAt > p.startsAt)) throw invalid('endsAt', 'A promotion must end after it starts');
    if (p.usageCap !== null && p.usageCap !== undefined && (!Number.isInteger(p.usageCap) || p.usageCap < 0)) throw invalid('usageCap', 'Usage cap: a whole number ≥ 0');
    return this.change(ctx, async (sql, a) => {
      if (p.id && p.usageCap !== null && p.usageCap !== undefined) {
        const [cur] = await sql.query<{ used: number }>('SELECT used_count AS used FROM promotion WHERE id = $1', [p.id]);
        if (cur && p.usageCap < cur.used) throw invalid('usageCap', `Already used ${cur.used} times`);
      }
      return this.upsert(sql, a, 'promotion', p.id, {
        code: p.code.toUpperCase(), name: p.name.trim(), kind: p.kind, value: p.value, starts_at: p.startsAt, ends_at: p.endsAt,
        product_ids: p.productIds, usage_cap: p.usageCap ?? null, min_amount: p.minAmount ?? 0, enabled: p.enabled,
      });
    });
  }

  /** Like `change`, but also usable by system code without an admin (tests, imports): audited as "system". */
  private async changeAsSystemOrAdmin<T>(ctx: RequestContext, fn: (sql: TxSql, admin: AdminPrincipal | { adminId: null; username: string }) => Promise<T>): Promise<T> {
    const admin = ctx.system ? { adminId: null, username: 'system' } : requireAdmin(ctx.principal, 'write');
    const result = await ctx.app.db.tx((sql) => fn(sql, admin as AdminPrincipal));
    await this.invalidate(ctx);
    return result;
  }
}
