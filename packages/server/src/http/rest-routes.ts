import type { App } from '../app/app.js';
import type { RestRouter } from './rest-router.js';
import { registerCatalogRoutes } from '../modules/catalog/api/catalog.rest.js';
import { registerOrderRoutes } from '../modules/orders/api/order.rest.js';
import { registerPaymentRoutes } from '../modules/payments/api/payment.rest.js';
import { registerTicketRoutes } from '../modules/tickets/api/ticket.rest.js';
import { registerRedemptionRoutes } from '../modules/redemption/api/redemption.rest.js';

/** Every module's REST routes (the shim of PRODUCT.md). */
export function registerRestRoutes(app: App, router: RestRouter): void {
  registerCatalogRoutes(app, router);
  registerOrderRoutes(app, router);
  registerPaymentRoutes(app, router, app.wechatKeys);
  registerTicketRoutes(app, router);
  registerRedemptionRoutes(app, router);
}
