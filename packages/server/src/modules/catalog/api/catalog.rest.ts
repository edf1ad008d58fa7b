import type { App } from '../../../app/app.js';
import { AppError } from '../../../common/errors.js';
import { restError } from '../../../http/server.js';
import type { RestRouter } from '../../../http/rest-router.js';

/** REST shim of the catalog: `GET /products/:id?date=YYYY-MM-DD`. */
export function registerCatalogRoutes(app: App, router: RestRouter): void {
  router.add('GET', '/products/:id', async (req) => {
    const id = Number(req.params.id);
    if (!Number.isSafeInteger(id) || id <= 0) return restError(new AppError('BAD_USER_INPUT', 'product id must be a positive integer'));
    try {
      const detail = await app.services.catalog.productDetail(req.ctx, id, req.query.get('date'));
      return { status: 200, body: detail };
    } catch (err) {
      if (err instanceof AppError) return restError(err);
      throw err;
    }
  });
}
