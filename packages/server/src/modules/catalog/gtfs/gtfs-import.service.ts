import { bumpVersion } from '../../../common/infra/cache-versions.js';
import { addDays, localDateOf, startOfLocalDate } from '@deeptravel/shared';
import type { RequestContext } from '../../../app/context.js';
import { AppError } from '../../../common/errors.js';
import { requireAdmin } from '../../admin/admin-session.js';
import { writeAudit } from '../../admin/audit.js';
import { CATALOG_NAMESPACE } from '../catalog.service.js';
import { feedFiles, gtfsSeconds, parseFeed, type FeedProblem } from './gtfs-feed.js';

/** What an import did (or, on a dry run, would do). */
export interface GtfsImportReport {
  ok: boolean;
  applied: boolean;
  errors: FeedProblem[];
  warnings: FeedProblem[];
  routesCreated: number;
  routesExisting: number;
  productsCreated: number;
  tripsCreated: number;
  tripsExisting: number;
}

export interface GtfsImportInput {
  /** A zip, or the feed's files by name. */
  feed: Buffer | Record<string, string>;
  fromDate?: string | null;
  toDate?: string | null;
  capacity?: number | null;
  /** The merchant operating the feed's routes (required: GTFS agencies are not our merchants). */
  operatorMerchantId: number;
  /** False: report only (the admin reads it, then confirms). */
  confirm: boolean;
}

class DryRun extends Error {}

/**
 * Imports a GTFS schedule (the format operators publish) as routes and trips. Stops must match our
 * stations by code (`stop_id`); each GTFS trip becomes a departure from its first stop to its last on
 * every service date in the window (default: today and the next 30 days). New routes get a TICKET
 * product, disabled until an admin sets its fares. Re-importing the same feed creates nothing new;
 * a feed with any problem imports nothing and says what was wrong.
 */
export class GtfsImportService {
  async import(ctx: RequestContext, input: GtfsImportInput): Promise<GtfsImportReport> {
    const admin = requireAdmin(ctx.principal, 'write');
    const today = localDateOf(ctx.app.clock.now());
    const from = input.fromDate ?? today;
    const to = input.toDate ?? addDays(from, 30);
    const capacity = input.capacity ?? 100;
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 5000) throw new AppError('VALIDATION_FAILED', 'Capacity: 1–5000', { field: 'capacity' });
    const empty = { routesCreated: 0, routesExisting: 0, productsCreated: 0, tripsCreated: 0, tripsExisting: 0 };
    const files = feedFiles(input.feed);
    if (Array.isArray(files)) return { ok: false, applied: false, errors: files, warnings: [], ...empty };
    const feed = parseFeed(files, from, to);
    if (!feed.ok) return { ok: false, applied: false, errors: feed.errors, warnings: [], ...empty };

    const stations = new Map(
      (await ctx.app.db.query<{ id: number; code: string }>('SELECT id, code FROM station')).map((s) => [s.code, s.id]),
    );
    const unknown = [...new Set(feed.departures.flatMap((d) => [d.originStop, d.destinationStop]))].filter((s) => !stations.has(s));
    const [merchant] = await ctx.app.db.query('SELECT id FROM merchant WHERE id = $1', [input.operatorMerchantId]);
    const errors: FeedProblem[] = unknown.map((s) => ({ file: 'stops.txt', message: `stop ${s} (${feed.stops.get(s)}) is not one of our stations: create a station with code ${s} first` }));
    if (!merchant) errors.push({ file: '(options)', message: `merchant ${input.operatorMerchantId} does not exist` });
    if (errors.length) return { ok: false, applied: false, errors, warnings: feed.warnings, ...empty };

    const report: GtfsImportReport = { ok: true, applied: input.confirm, errors: [], warnings: [...feed.warnings], ...empty };
    try {
      await ctx.app.db.tx(async (sql) => {
        const routeIds = new Map<string, { routeId: number; productId: number; minutes: number }>();
        for (const d of feed.departures) {
          const code = `GTFS-${d.gtfsRouteId}-${d.originStop}-${d.destinationStop}`.slice(0, 250);
          if (routeIds.has(code)) continue;
          const minutes = Math.max(1, Math.round((gtfsSeconds(d.arrivalTime) - gtfsSeconds(d.departureTime)) / 60));
          const [existing] = await sql.query<{ id: number; productId: number | null }>(
            `SELECT r.id, (SELECT id FROM product p WHERE p.route_id = r.id AND p.kind = 'TICKET' ORDER BY id LIMIT 1) AS "productId" FROM route r WHERE r.code = $1`,
            [code],
          );
          let routeId = existing?.id;
          let productId = existing?.productId ?? null;
          if (routeId) report.routesExisting++;
          else {
            [{ id: routeId }] = await sql.query<{ id: number }>(
              `INSERT INTO route (code, mode, origin_id, destination_id, operator_id, duration_minutes) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
              [code, d.mode, stations.get(d.originStop), stations.get(d.destinationStop), input.operatorMerchantId, minutes],
            );
            report.routesCreated++;
          }
          if (!productId) {
            [{ id: productId }] = await sql.query<{ id: number }>(
              `INSERT INTO product (kind, name, route_id, refund_rule_id, enabled, currency) VALUES ('TICKET', $1, $2, $3, false, 'CNY') RETURNING id`,
              [d.routeName, routeId, d.mode === 'FERRY' ? 1 : 2],
            );
            report.productsCreated++;
            report.warnings.push({ file: 'routes.txt', message: `product ${productId} "${d.routeName}" was created disabled: set its fares and enable it to sell` });
          }
          routeIds.set(code, { routeId: routeId!, productId: productId!, minutes });
        }
        for (const d of feed.departures) {
          const r = routeIds.get(`GTFS-${d.gtfsRouteId}-${d.originStop}-${d.destinationStop}`.slice(0, 250))!;
          const dep = new Date(startOfLocalDate(d.date).getTime() + gtfsSeconds(d.departureTime) * 1000);
          const arr = new Date(startOfLocalDate(d.date).getTime() + gtfsSeconds(d.arrivalTime) * 1000);
          const rows = await sql.query(
            `INSERT INTO trip (route_id, product_id, departure_at, arrival_at, capacity)
             SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS (SELECT 1 FROM trip WHERE route_id = $1 AND departure_at = $3) RETURNING id`,
            [r.routeId, r.productId, dep, arr, capacity],
          );
          if (rows.length) report.tripsCreated++;
          else report.tripsExisting++;
        }
        await writeAudit(sql, admin, input.confirm ? 'gtfs_import' : 'gtfs_dry_run', 'gtfs', null, null, { from, to, ...report, warnings: report.warnings.length });
        if (!input.confirm) throw new DryRun();
      });
    } catch (err) {
      if (!(err instanceof DryRun)) throw err;
    }
    if (input.confirm) await bumpVersion(ctx, CATALOG_NAMESPACE);
    return report;
  }
}
