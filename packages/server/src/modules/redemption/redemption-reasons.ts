import type { TicketStatus } from '@deeptravel/shared';
import type { ErrorCode } from '../../common/errors.js';

/**
 * Why a line cannot be redeemed now. The same codes are the per-line `reason` of a scan, the
 * `extensions.code` of a refused `redeem`, and the `reason` of a DENIED log entry.
 */
export type LineRefusal =
  | 'OTHER_MERCHANT'
  | 'ALREADY_REDEEMED'
  | 'REFUND_IN_PROGRESS'
  | 'TICKET_REFUNDED'
  | 'CHANGE_IN_PROGRESS'
  | 'TICKET_CHANGED'
  | 'TICKET_EXPIRED'
  | 'NOT_YET_VALID'
  | 'REPLAYED_CODE'
  | 'WRONG_DEPARTURE';

/** Refusals of the QR code itself (nothing to show), logged and returned as errors by `scanCode`. */
export type CodeRefusal = 'QR_MALFORMED' | 'QR_UNKNOWN_KEY' | 'QR_BAD_SIGNATURE' | 'QR_STALE' | 'TICKET_NOT_FOUND';

/** Every reason is also an error code (the same string): this fails to compile if one is missing from errors.ts. */
type ErrorCodes<T extends ErrorCode> = T;

/** Every reason a log entry can carry. */
export type DenialReason = ErrorCodes<LineRefusal | CodeRefusal | 'SCAN_NOT_FOUND' | 'SCAN_EXPIRED' | 'LINE_NOT_FOUND'>;

export const REFUSAL_MESSAGES: Record<LineRefusal, string> = {
  OTHER_MERCHANT: 'This entitlement is redeemed by another merchant',
  ALREADY_REDEEMED: 'Already redeemed',
  REFUND_IN_PROGRESS: 'A refund of this ticket is in progress',
  TICKET_REFUNDED: 'This ticket was refunded',
  CHANGE_IN_PROGRESS: 'A change of this ticket is in progress',
  TICKET_CHANGED: 'This ticket was changed for another one',
  TICKET_EXPIRED: 'This ticket has expired',
  NOT_YET_VALID: 'This ticket is not valid yet',
  REPLAYED_CODE: 'This code was already used for this entitlement; ask the traveller to show the live code',
  WRONG_DEPARTURE: 'This ticket is for another departure',
};

/** Ticket states other than ACTIVE, and what they mean at the gate. */
const STATUS_REFUSAL: Record<Exclude<TicketStatus, 'ACTIVE'>, LineRefusal> = {
  REDEEMED: 'ALREADY_REDEEMED',
  REFUNDING: 'REFUND_IN_PROGRESS',
  REFUNDED: 'TICKET_REFUNDED',
  CHANGING: 'CHANGE_IN_PROGRESS',
  CHANGED: 'TICKET_CHANGED',
  EXPIRED: 'TICKET_EXPIRED',
};

/**
 * Whether `merchantId` may redeem `line` of `ticket` at `now`, and if not why. The merchant check
 * comes first, so another merchant learns nothing about the line (not even that it was used).
 * `replayed`: this line was already redeemed with the very same QR code (same rotating step).
 * `departureTripId`: the departure (trip) a ferry or bus gate is boarding; a ticket for another trip
 * is `WRONG_DEPARTURE` (tickets without a trip, such as passes, board any departure). A used or
 * revoked ticket says so first: that matters more at the gate than its departure.
 */
export function lineRefusal(
  ticket: { status: TicketStatus; validFrom: Date | string; validUntil: Date | string; tripId?: number | null },
  line: { merchantId: number; usesLeft: number },
  merchantId: number,
  now: Date,
  replayed: boolean,
  departureTripId: number | null = null,
): LineRefusal | null {
  if (line.merchantId !== merchantId) return 'OTHER_MERCHANT';
  if (ticket.status !== 'ACTIVE') return STATUS_REFUSAL[ticket.status];
  if (line.usesLeft <= 0) return 'ALREADY_REDEEMED';
  if (departureTripId !== null && ticket.tripId != null && Number(ticket.tripId) !== departureTripId) return 'WRONG_DEPARTURE';
  if (now.getTime() < new Date(ticket.validFrom).getTime()) return 'NOT_YET_VALID';
  // The expiry job may not have run yet: validity is checked here, not only by the status.
  if (now.getTime() >= new Date(ticket.validUntil).getTime()) return 'TICKET_EXPIRED';
  if (replayed) return 'REPLAYED_CODE';
  return null;
}
