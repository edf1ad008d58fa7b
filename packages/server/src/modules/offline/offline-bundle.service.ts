import { addDays, bundleText, localDateOf, startOfLocalDate, type OfflineBundle, type OfflineRevocation, type OfflineTicket } from '@deeptravel/shared';
import type { RequestContext } from '../../app/context.js';
import { requireStaff } from '../merchants/staff-session.js';

/** Most tickets one bundle carries (about 1 KB each): beyond it the bundle says `truncated`. */
export const OFFLINE_BUNDLE_MAX_TICKETS = 5000;
/**
 * A delta re-reads this much before `since`: a transaction that started before the last bundle was
 * made may commit after it with an older `updated_at`; merging a ticket twice is harmless.
 */
export const OFFLINE_DELTA_OVERLAP_MS = 120_000;

/** A signed bundle and what the app shows about it. */
export interface SignedBundle {
  payload: string;
  signature: string;
  keyId: string;
  version: number;
  full: boolean;
  ticketCount: number;
  revokedCount: number;
  truncated: boolean;
}

interface TicketRow {
  id: number;
  code: string;
  orderNo: string;
  status: string;
  productName: string;
  shared: boolean;
  passengerName: string | null;
  passengerType: string | null;
  validFrom: Date;
  validUntil: Date;
  qrSecret: string;
  tripId: number | null;
  departureAt: Date | null;
}

interface LineRow {
  id: number;
  ticketId: number;
  name: string;
  usesTotal: number;
  usesLeft: number;
  lastAt: Date | null;
  lastTerminal: string | null;
}

const REVOCATION: Record<string, OfflineRevocation> = {
  REFUNDING: 'REFUND_IN_PROGRESS', REFUNDED: 'TICKET_REFUNDED', CHANGING: 'CHANGE_IN_PROGRESS', CHANGED: 'TICKET_CHANGED', EXPIRED: 'TICKET_EXPIRED',
};

/**
 * The offline bundle of a terminal's merchant (docs/redemption.md "Offline"): for today and
 * tomorrow (HKT), the tickets with a line this merchant redeems — only those lines, with uses left
 * and last use —, each ticket's rotating-part secret and its order's, and a revocation list; signed
 * with the QR key. With `since` (the version of the app's last bundle, same Hong Kong day) only
 * what changed since then.
 */
export class OfflineBundleService {
  async bundle(ctx: RequestContext, since: number | null): Promise<SignedBundle> {
    const staff = requireStaff(ctx.principal);
    const now = ctx.app.clock.now();
    const today = localDateOf(now);
    const windowFrom = startOfLocalDate(today);
    const windowUntil = startOfLocalDate(addDays(today, 2));
    // A delta only within the same day (the window moved otherwise) and never from the future.
    const delta = since !== null && Number.isFinite(since) && since <= now.getTime() && localDateOf(since) === today;
    const changedAfter = delta ? new Date(since - OFFLINE_DELTA_OVERLAP_MS) : null;

    const tickets = await ctx.app.db.query<TicketRow>(
      `SELECT t.id, t.code, o.order_no AS "orderNo", t.status, t.product_name AS "productName", t.shared,
              p.name AS "passengerName", p.passenger_type AS "passengerType", t.valid_from AS "validFrom", t.valid_until AS "validUntil",
              t.qr_secret AS "qrSecret", t.trip_id AS "tripId", tr.departure_at AS "departureAt"
         FROM ticket t JOIN orders o ON o.id = t.order_id
         LEFT JOIN order_passenger p ON p.id = t.passenger_id LEFT JOIN trip tr ON tr.id = t.trip_id
        WHERE t.valid_from < $3 AND t.valid_until > $2
          AND EXISTS (SELECT 1 FROM ticket_line l WHERE l.ticket_id = t.id AND l.merchant_id = $1)
          AND ($4::timestamptz IS NULL OR t.updated_at > $4
               OR EXISTS (SELECT 1 FROM ticket_line l WHERE l.ticket_id = t.id AND l.merchant_id = $1 AND l.updated_at > $4))
        ORDER BY t.id
        LIMIT $5`,
      [staff.merchantId, windowFrom, windowUntil, changedAfter, OFFLINE_BUNDLE_MAX_TICKETS + 1],
    );
    const truncated = tickets.length > OFFLINE_BUNDLE_MAX_TICKETS;
    if (truncated) tickets.length = OFFLINE_BUNDLE_MAX_TICKETS;
    const usable = tickets.filter((t) => t.status === 'ACTIVE' || t.status === 'REDEEMED');
    const lines = usable.length
      ? await ctx.app.db.query<LineRow>(
          `SELECT l.id, l.ticket_id AS "ticketId", l.name, l.uses_total AS "usesTotal", l.uses_left AS "usesLeft", last.at AS "lastAt", tm.code AS "lastTerminal"
             FROM ticket_line l
             LEFT JOIN LATERAL (SELECT r.at, r.terminal_id FROM redemption r WHERE r.ticket_line_id = l.id ORDER BY r.at DESC, r.id DESC LIMIT 1) last ON true
             LEFT JOIN terminal tm ON tm.id = last.terminal_id
            WHERE l.ticket_id = ANY($1::int[]) AND l.merchant_id = $2 ORDER BY l.ticket_id, l.id`,
          [usable.map((t) => t.id), staff.merchantId],
        )
      : [];
    const byTicket = new Map<number, LineRow[]>();
    for (const l of lines) byTicket.set(l.ticketId, [...(byTicket.get(l.ticketId) ?? []), l]);

    const orders: Record<string, string> = {};
    const out: OfflineTicket[] = usable.map((t) => {
      orders[t.orderNo] ??= ctx.app.qr.orderSecret(t.orderNo);
      return {
        id: t.id, code: t.code, orderNo: t.orderNo, status: t.status as 'ACTIVE' | 'REDEEMED', productName: t.productName, shared: t.shared,
        passengerName: t.passengerName, passengerType: t.passengerType, validFrom: iso(t.validFrom), validUntil: iso(t.validUntil),
        qrSecret: t.qrSecret, tripId: t.tripId, departureAt: t.departureAt ? iso(t.departureAt) : null,
        lines: (byTicket.get(t.id) ?? []).map((l) => ({
          id: l.id, name: l.name, usesTotal: l.usesTotal, usesLeft: l.usesLeft, lastRedeemedAt: l.lastAt ? iso(l.lastAt) : null, lastRedeemedTerminal: l.lastTerminal,
        })),
      };
    });
    const revoked = tickets.filter((t) => REVOCATION[t.status]).map((t) => ({ code: t.code, reason: REVOCATION[t.status] }));
    // Validity over before the expiry job ran: refused offline too (the app also checks the dates).
    const bundle: OfflineBundle = {
      v: 1, merchantId: staff.merchantId, terminalId: staff.terminalId, version: now.getTime(), since: delta ? since : null,
      generatedAt: now.toISOString(), windowFrom: windowFrom.toISOString(), windowUntil: windowUntil.toISOString(),
      keys: ctx.app.qr.publicKeys(), tickets: out, orders, revoked, truncated,
    };
    const payload = bundleText(bundle);
    return {
      payload, signature: ctx.app.qr.signText(payload), keyId: ctx.app.qr.keyId, version: bundle.version, full: !delta,
      ticketCount: out.length, revokedCount: revoked.length, truncated,
    };
  }
}

function iso(d: Date | string): string {
  return new Date(d).toISOString();
}
