import type { OrderStatus } from '@deeptravel/shared';
import type { TransitionTable } from '../../common/outbox/state-history.js';

/**
 * The order lifecycle. CANCELLED → PAID exists for one case only: a payment that arrives after the
 * lock expired, when the seats could be taken again (PRODUCT.md: a late payment is never lost).
 */
export const ORDER_TRANSITIONS: TransitionTable<OrderStatus> = {
  PENDING: ['PAID', 'CANCELLED'],
  PAID: ['COMPLETED', 'CANCELLED'],
  COMPLETED: [],
  CANCELLED: ['PAID'],
};

/** Why an order was cancelled (shown to travellers and carried by the notification). */
export type CancelReason = 'EXPIRED' | 'BY_TRAVELLER' | 'REFUNDED' | 'PAYMENT_FAILED';
