import { addDays, localDateOf, startOfLocalDate } from '@deeptravel/shared';
import type { RequestContext } from '../../app/context.js';
import { requireAdmin } from './admin-session.js';
import {
  productSalesSeries, redemptionsByMerchantDay, rollupFigures, rollupState, salesWindows,
  type DashboardFigures, type MerchantDayRedemptions, type ProductDaySales, type RollupState, type SalesWindow,
} from './metrics/dashboard-figures.js';
import { liveGauges, type LiveGauges } from './metrics/live-gauges.js';
import { foldDashboardRollups } from './metrics/rollup-fold.js';

/** Numbers for the admin dashboard (US-010 F): what the business is doing, over a date range. */
export interface AdminMetrics extends DashboardFigures, LiveGauges {
  from: string;
  to: string;
  generatedAt: Date;
  salesWindows: SalesWindow[];
  productSalesSeries: ProductDaySales[];
  redemptionsByMerchantDay: MerchantDayRedemptions[];
  rollups: RollupState;
}

/** An on-demand fold gives up after this wait for another instance's fold (then the rollups answer as they are). */
const ON_DEMAND_LOCK_MS = 300;
/** An on-demand fold is skipped when more new facts than this wait (the scheduler's job folds them). */
const ON_DEMAND_MAX_ROWS = 20_000;

/**
 * Live metrics for the dashboard. Days are Hong Kong days; `from`/`to` default to the last 14 days.
 * The business figures come from the rollups (docs/admin.md "Dashboard rollups"), folded up to
 * date first (bounded); the gauges read only the small states they count.
 */
export class AdminMetricsService {
  async metrics(ctx: RequestContext, fromDate?: string | null, toDate?: string | null): Promise<AdminMetrics> {
    requireAdmin(ctx.principal, 'read');
    const now = ctx.app.clock.now();
    const to = toDate ?? localDateOf(now);
    const from = fromDate ?? addDays(to, -13);
    const db = ctx.app.db;
    try {
      await foldDashboardRollups(db, { lockTimeoutMs: ON_DEMAND_LOCK_MS, maxPendingRows: ON_DEMAND_MAX_ROWS });
    } catch (err) {
      ctx.app.log.warn({ err }, 'dashboard rollup fold failed; answering from the rollups as they are');
    }
    const [figures, windows, series, redemptionsDaily, gauges, rollups] = await Promise.all([
      rollupFigures(db, from, to),
      salesWindows(db, to),
      productSalesSeries(db, to),
      redemptionsByMerchantDay(db, from, to),
      liveGauges(db, now, startOfLocalDate(from), startOfLocalDate(addDays(to, 1))),
      rollupState(db, new Date()),
    ]);
    return {
      from, to, generatedAt: now, ...figures, ...gauges,
      salesWindows: windows, productSalesSeries: series, redemptionsByMerchantDay: redemptionsDaily, rollups,
    };
  }
}
