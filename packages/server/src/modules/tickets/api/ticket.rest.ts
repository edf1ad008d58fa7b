import type { App } from '../../../app/app.js';
import { AppError } from '../../../common/errors.js';
import type { RestRouter } from '../../../http/rest-router.js';
import { restHandler } from '../../orders/api/order.rest.js';
import type { RequestContext } from '../../../app/context.js';
import type { TicketRecord } from '../ticket.repository.js';

/** The REST shape of tickets (PRODUCT.md `GET /my/tickets`). */
export async function ticketsToRest(app: App, ctx: RequestContext, tickets: TicketRecord[]) {
  const lines = tickets.length ? await app.services.tickets.linesOf(ctx, tickets.map((t) => t.id)) : [];
  return tickets.map((t) => ({
    ticket_code: t.code,
    order_id: t.orderId,
    status: t.status,
    product_id: t.productId,
    product_name: t.productName,
    shared: t.shared,
    passenger_name: t.passengerName,
    passenger_type: t.passengerType,
    trip_id: t.tripId,
    travel_date: t.travelDate,
    entitlements: lines.filter((l) => l.ticketId === t.id).map((l) => ({
      line_id: l.id, name: l.name, merchant_id: l.merchantId, merchant_name: l.merchantName, uses_total: l.usesTotal, uses_left: l.usesLeft,
    })),
    valid_from: t.validFrom,
    valid_until: t.validUntil,
    qr_payload: app.services.tickets.qrFor(ctx, t)?.payload ?? null,
  }));
}

/** `GET /my/tickets` (optional `?status=`), `GET /my/tickets/:code`. */
export function registerTicketRoutes(app: App, router: RestRouter): void {
  router.add(
    'GET',
    '/my/tickets',
    restHandler(async (req) => {
      if (!req.ctx.principal) throw new AppError('UNAUTHENTICATED', 'Bearer token required');
      const tickets = await app.services.tickets.myTickets(req.ctx, req.query.get('status'));
      return { status: 200, body: { tickets: await ticketsToRest(app, req.ctx, tickets) } };
    }),
  );
  router.add(
    'GET',
    '/my/tickets/:code',
    restHandler(async (req) => {
      if (!req.ctx.principal) throw new AppError('UNAUTHENTICATED', 'Bearer token required');
      const t = await app.services.tickets.ticket(req.ctx, req.params.code);
      return { status: 200, body: (await ticketsToRest(app, req.ctx, [t]))[0] };
    }),
  );
}
