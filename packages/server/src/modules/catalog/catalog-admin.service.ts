import { validateTierTable, type FareTier } from '@deeptravel/shared';
import type { RequestContext } from '../../app/context.js';
import { AppError } from '../../common/errors.js';
import { CATALOG_NAMESPACE } from './catalog.service.js';

/**
 * Admin changes to the catalog. Every change commits first and then moves the catalog cache to a
 * new version, so the next search on any instance sees it; orders already placed keep their snapshot.
 */
export class CatalogAdminService {
  /** Replaces a product's fare table after checking it for gaps and overlaps. */
  async replaceFareTiers(ctx: RequestContext, productId: number, tiers: FareTier[]): Promise<void> {
    const problems = validateTierTable(tiers);
    if (problems.length) {
      throw new AppError('VALIDATION_FAILED', problems[0].message, { field: 'tiers', problems });
    }
    await ctx.app.db.tx(async (sql) => {
      const [p] = await sql.query('SELECT id FROM product WHERE id = $1 FOR UPDATE', [productId]);
      if (!p) throw new AppError('PRODUCT_NOT_FOUND', `Product ${productId} does not exist`);
      await sql.query('DELETE FROM fare_tier WHERE product_id = $1', [productId]);
      for (const t of tiers) {
        await sql.query(
          'INSERT INTO fare_tier (product_id, passenger_type, min_qty, max_qty, unit_price) VALUES ($1, $2, $3, $4, $5)',
          [productId, t.passengerType, t.minQty, t.maxQty, t.unitPrice],
        );
      }
    });
    await this.invalidate(ctx);
  }

  /** Adds a blackout date (for one product, or for all with `productId` null). */
  async addBlackoutDate(ctx: RequestContext, date: string, productId: number | null, reason: string | null): Promise<void> {
    await ctx.app.db.query('INSERT INTO blackout_date (product_id, date, reason) VALUES ($1, $2::date, $3)', [productId, date, reason]);
    await this.invalidate(ctx);
  }

  /** Makes every cached catalog read stale, on every instance sharing the cache. */
  async invalidate(ctx: RequestContext): Promise<void> {
    await ctx.app.cache.bump(CATALOG_NAMESPACE);
  }
}
