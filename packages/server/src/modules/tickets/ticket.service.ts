import { randomBytes } from 'node:crypto';
import { QR_ROTATION_SECONDS, toBase64Url } from '@deeptravel/shared';
import type { RequestContext } from '../../app/context.js';
import type { Sql } from '../../common/db/sql.js';
import { AppError } from '../../common/errors.js';
import { requireTraveller } from '../identity/auth.service.js';
import { orderRepository, type OrderRecord, type TicketRefs } from '../orders/order.repository.js';
import type { QrSigner } from './qr-signer.js';
import { ticketRepository, type NewTicket, type TicketLineRecord, type TicketRecord } from './ticket.repository.js';

/** What issuance reports for each new ticket (the runbook's `tickets_issued`). */
export interface IssuedTicket {
  ticket_code: string;
  product_id: number;
  product_name: string;
  passenger_name: string | null;
  shared: boolean;
  valid_from: string;
  valid_until: string;
}

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A ticket code people can read aloud: TKT- and 10 characters without 0/O/1/I. */
export function newTicketCode(): string {
  const bytes = randomBytes(10);
  let s = '';
  for (const b of bytes) s += CODE_ALPHABET[b % CODE_ALPHABET.length];
  return `TKT-${s}`;
}

/**
 * Tickets: issued from the order snapshot inside the payment transaction, read by travellers with
 * their current QR payload.
 */
export class TicketService {
  constructor(private readonly qr: QrSigner) {}

  /**
   * Issues the tickets of a paid order, in the caller's transaction: one per passenger per item with
   * the per-passenger entitlements, plus one per shared entitlement of the item (共享权益).
   */
  async issueForOrder(sql: Sql, order: OrderRecord, now: Date, refs?: TicketRefs): Promise<IssuedTicket[]> {
    // The order's lines and passengers in one round trip, unless the caller read them already (the
    // payment reads them with its order lock: lockForPayment).
    const read = refs ?? (await orderRepository.ticketRefs(sql, order.id));
    const items = (read?.items ?? []).map((i) => ({ ...i, id: Number(i.id), productId: Number(i.productId), tripId: i.tripId === null ? null : Number(i.tripId) }));
    const passengers = read?.passengers ?? [];
    const tickets: NewTicket[] = [];
    const names: Array<string | null> = [];
    for (const item of order.snapshot.items) {
      const row = items.find((r) => r.productId === item.productId && r.tripId === item.tripId && r.travelDate === item.travelDate);
      if (!row) throw new Error(`order ${order.id}: no order line for item ${item.index}`);
      const base = {
        orderId: order.id, orderItemId: row.id, productId: item.productId, productName: item.productName, tripId: item.tripId, travelDate: item.travelDate,
        validFrom: new Date(item.validFrom), validUntil: new Date(item.validUntil),
      };
      const perPassenger = item.entitlements.filter((e) => e.scope === 'PER_PASSENGER');
      const seenOfType = new Map<string, number>();
      for (const pi of item.passengerIndexes) {
        const type = order.snapshot.passengers[pi].type;
        const k = seenOfType.get(type) ?? 0;
        seenOfType.set(type, k + 1);
        tickets.push({
          ...base, code: newTicketCode(), passengerId: passengers[pi]?.id ?? null, shared: false, qrSecret: newSecret(),
          price: ticketPrice(item.lines.find((l) => l.passengerType === type)!, k),
          lines: perPassenger.map((e) => ({ name: e.name, merchantId: e.merchantId, uses: e.uses })),
        });
        names.push(order.snapshot.passengers[pi]?.name ?? null);
      }
      for (const e of item.entitlements.filter((x) => x.scope === 'SHARED')) {
        // A shared entitlement comes with the passes at no price of its own.
        tickets.push({ ...base, code: newTicketCode(), passengerId: null, shared: true, qrSecret: newSecret(), price: 0, lines: [{ name: e.name, merchantId: e.merchantId, uses: e.uses }] });
        names.push(null);
      }
    }
    await ticketRepository.insertMany(sql, tickets, now);
    return tickets.map((t, i) => ({
      ticket_code: t.code, product_id: t.productId, product_name: t.productName, passenger_name: names[i], shared: t.shared,
      valid_from: t.validFrom.toISOString(), valid_until: t.validUntil.toISOString(),
    }));
  }

  async myTickets(ctx: RequestContext, status?: string | null): Promise<TicketRecord[]> {
    const travellerId = requireTraveller(ctx.principal);
    return ticketRepository.byTraveller(ctx.app.db, travellerId, status ?? null, 200);
  }

  /** One of the caller's tickets by code; someone else's is "not found". */
  async ticket(ctx: RequestContext, code: string): Promise<TicketRecord> {
    const travellerId = requireTraveller(ctx.principal);
    const t = await ticketRepository.byCode(ctx.app.db, code.trim().toUpperCase());
    if (!t || t.travellerId !== travellerId) throw new AppError('TICKET_NOT_FOUND', `Ticket ${code} not found`);
    return t;
  }

  async ticketsOfOrder(ctx: RequestContext, order: OrderRecord): Promise<TicketRecord[]> {
    return ticketRepository.byOrder(ctx.app.db, [order.id]);
  }

  /** The departure of a trip ticket, with its cities' codes (null for a pass). */
  async tripOf(ctx: RequestContext, t: TicketRecord) {
    if (!t.tripId) return null;
    const [trip] = await ctx.app.db.query<{
      tripId: number; departureAt: Date; arrivalAt: Date; mode: string; originStation: string; destinationStation: string; originCity: string; destinationCity: string;
    }>(
      `SELECT tr.id AS "tripId", tr.departure_at AS "departureAt", tr.arrival_at AS "arrivalAt", r.mode,
              os.name_zh AS "originStation", ds.name_zh AS "destinationStation", oc.code AS "originCity", dc.code AS "destinationCity"
         FROM trip tr JOIN route r ON r.id = tr.route_id
         JOIN station os ON os.id = r.origin_id JOIN station ds ON ds.id = r.destination_id
         JOIN city oc ON oc.id = os.city_id JOIN city dc ON dc.id = ds.city_id
        WHERE tr.id = $1`,
      [t.tripId],
    );
    return trip ?? null;
  }

  linesOf(ctx: RequestContext, ticketIds: number[]): Promise<TicketLineRecord[]> {
    return ticketRepository.linesOf(ctx.app.db, ticketIds);
  }

  /** The ticket's QR payload for now (null unless the ticket can still be used). */
  qrFor(ctx: RequestContext, t: TicketRecord): { payload: string; refreshAt: Date } | null {
    if (t.status !== 'ACTIVE') return null;
    return this.qr.payload({ typ: 'T', ref: t.code }, t.qrSecret, ctx.app.clock.now());
  }

  /**
   * What the owner's device keeps to show the ticket's code without network (`qrCodeAt` in
   * @deeptravel/shared): the signed static part and the rotating-part secret. Only for the traveller
   * who owns the ticket (anyone else, admins and staff included, gets null) and only while ACTIVE; a
   * ticket refunded or changed later is still refused at the gate by its status (online) and the
   * offline bundle's revocation list.
   */
  offlineQrFor(ctx: RequestContext, t: TicketRecord): OfflineQrRecord | null {
    const p = ctx.principal;
    if (t.status !== 'ACTIVE' || p?.kind !== 'traveller' || p.travellerId !== t.travellerId) return null;
    return { base: this.qr.staticPart({ typ: 'T', ref: t.code }), secret: t.qrSecret, rotationSeconds: QR_ROTATION_SECONDS };
  }

  /** The order QR's offline material (owner only, as `offlineQrFor`), listing the order's usable tickets. */
  async orderOfflineQr(ctx: RequestContext, order: OrderRecord): Promise<OfflineQrRecord | null> {
    const p = ctx.principal;
    if (p?.kind !== 'traveller' || p.travellerId !== order.travellerId) return null;
    const tickets = (await ticketRepository.byOrder(ctx.app.db, [order.id])).filter((t) => t.status === 'ACTIVE');
    if (!tickets.length) return null;
    return {
      base: this.qr.staticPart({ typ: 'O', ref: order.orderNo, tickets: tickets.map((t) => t.code) }),
      secret: this.qr.orderSecret(order.orderNo),
      rotationSeconds: QR_ROTATION_SECONDS,
    };
  }

  /** The order QR: lists every usable ticket of the order (staff scan once for a group). */
  async orderQr(ctx: RequestContext, order: OrderRecord): Promise<{ payload: string; refreshAt: Date } | null> {
    const tickets = (await ticketRepository.byOrder(ctx.app.db, [order.id])).filter((t) => t.status === 'ACTIVE');
    if (!tickets.length) return null;
    return this.qr.payload({ typ: 'O', ref: order.orderNo, tickets: tickets.map((t) => t.code) }, this.qr.orderSecret(order.orderNo), ctx.app.clock.now());
  }
}

/**
 * The k-th ticket's share of an order line: the unit price less an even share of the line's
 * discount (the first tickets absorb the remainder), so the shares add up to the line subtotal.
 */
export function ticketPrice(line: { unitPrice: number; discount: number; qty: number }, k: number): number {
  const base = Math.floor(line.discount / line.qty);
  return line.unitPrice - base - (k < line.discount % line.qty ? 1 : 0);
}

/** A code's offline material as the API returns it (`OfflineQr`). */
export interface OfflineQrRecord {
  base: string;
  secret: string;
  rotationSeconds: number;
}

/** A new rotating-QR secret. */
export function newSecret(): string {
  return toBase64Url(new Uint8Array(randomBytes(16)));
}
