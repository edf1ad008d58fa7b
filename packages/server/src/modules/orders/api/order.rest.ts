import type { App } from '../../../app/app.js';
import { AppError } from '../../../common/errors.js';
import type { RestRequest, RestResponse, RestRouter } from '../../../http/rest-router.js';
import { restError } from '../../../http/server.js';
import type { RequestContext } from '../../../app/context.js';
import type { OrderRecord } from '../order.repository.js';
import type { CreateOrderInput } from '../order.service.js';

/** The REST shape of an order (PRODUCT.md): snake_case, amounts in fen. */
export async function orderToRest(ctx: RequestContext, order: OrderRecord): Promise<Record<string, unknown>> {
  const lines = await ctx.loaders.orderLines.load(order.id);
  return {
    order_id: order.id,
    status: order.status,
    out_trade_no: order.orderNo,
    currency: order.currency,
    items: lines.map((l) => ({
      product_id: l.productId, product_name: l.productName, qty: l.qty, unit_price: l.unitPrice, discount: l.discount, subtotal: l.subtotal,
      passenger_type: l.passengerType, trip_id: l.tripId, travel_date: l.travelDate,
    })),
    discount_amount: order.discountAmount,
    total_amount: order.totalAmount,
    lock_expire_at: order.lockExpireAt,
    created_at: order.createdAt,
    paid_at: order.paidAt,
    cancel_reason: order.cancelReason,
  };
}

/** Wraps a handler so AppErrors become coded JSON errors. */
export function restHandler(fn: (req: RestRequest) => Promise<RestResponse>) {
  return async (req: RestRequest): Promise<RestResponse> => {
    try {
      return await fn(req);
    } catch (err) {
      if (err instanceof AppError) return restError(err);
      throw err;
    }
  };
}

function parseCreateOrder(body: unknown): CreateOrderInput {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new AppError('BAD_USER_INPUT', 'Body must be a JSON object with "items"');
  const b = body as Record<string, unknown>;
  if (!Array.isArray(b.items) || b.items.length === 0) throw new AppError('BAD_USER_INPUT', '"items" must be a non-empty array', { field: 'items' });
  const items = b.items.map((raw, i) => {
    if (!raw || typeof raw !== 'object') throw new AppError('BAD_USER_INPUT', 'Each item must be an object', { field: `items[${i}]` });
    const it = raw as Record<string, unknown>;
    const num = (v: unknown, field: string) => {
      if (v === undefined || v === null) return null;
      if (typeof v !== 'number' || !Number.isInteger(v)) throw new AppError('BAD_USER_INPUT', `${field} must be an integer`, { field: `items[${i}].${field}` });
      return v;
    };
    const productId = num(it.product_id, 'product_id');
    if (productId === null) throw new AppError('BAD_USER_INPUT', 'product_id is required', { field: `items[${i}].product_id` });
    if (it.travel_date !== undefined && it.travel_date !== null && typeof it.travel_date !== 'string') {
      throw new AppError('BAD_USER_INPUT', 'travel_date must be YYYY-MM-DD', { field: `items[${i}].travel_date` });
    }
    return { productId, tripId: num(it.trip_id, 'trip_id'), qty: num(it.qty, 'qty'), travelDate: (it.travel_date as string | undefined) ?? null };
  });
  let passengers: CreateOrderInput['passengers'] = null;
  if (b.passengers !== undefined && b.passengers !== null) {
    if (!Array.isArray(b.passengers)) throw new AppError('BAD_USER_INPUT', '"passengers" must be an array', { field: 'passengers' });
    passengers = b.passengers.map((p: any) => ({ name: p?.name, type: p?.type ?? p?.passenger_type, phone: p?.phone ?? null }));
  }
  return { items, passengers, promotionCode: typeof b.promotion_code === 'string' ? b.promotion_code : null };
}

/** REST shim of orders: `POST /orders`, `GET /orders/:id`. */
export function registerOrderRoutes(app: App, router: RestRouter): void {
  router.add(
    'POST',
    '/orders',
    restHandler(async (req) => {
      if (!req.ctx.principal) throw new AppError('UNAUTHENTICATED', 'Bearer token required');
      const input = parseCreateOrder(req.body);
      const key = req.headers['idempotency-key'];
      const order = await app.services.orders.createOrder(req.ctx, { ...input, idempotencyKey: typeof key === 'string' ? key : null });
      return { status: 200, body: await orderToRest(req.ctx, order) };
    }),
  );
  router.add(
    'GET',
    '/orders/:id',
    restHandler(async (req) => {
      if (!req.ctx.principal) throw new AppError('UNAUTHENTICATED', 'Bearer token required');
      const id = Number(req.params.id);
      if (!Number.isSafeInteger(id) || id <= 0) throw new AppError('BAD_USER_INPUT', 'order id must be a positive integer');
      return { status: 200, body: await orderToRest(req.ctx, await app.services.orders.getOrder(req.ctx, id)) };
    }),
  );
}
