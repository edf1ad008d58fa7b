import type { TicketStatus } from '@deeptravel/shared';
import type { TransitionTable } from '../../common/outbox/state-history.js';

/**
 * The ticket lifecycle (PRODUCT.md "Ticket"). REFUNDING and CHANGING are the in-flight states: a
 * ticket in them cannot be redeemed, and they fall back to ACTIVE if the refund or change fails.
 */
export const TICKET_TRANSITIONS: TransitionTable<TicketStatus> = {
  ACTIVE: ['REDEEMED', 'REFUNDING', 'CHANGING', 'EXPIRED'],
  REFUNDING: ['REFUNDED', 'ACTIVE'],
  CHANGING: ['CHANGED', 'ACTIVE'],
  REDEEMED: [],
  REFUNDED: [],
  CHANGED: [],
  EXPIRED: [],
};
