/** Passenger types priced separately (PRODUCT.md "Price"). */
export const PASSENGER_TYPES = ['ADULT', 'CHILD', 'SENIOR'] as const;
export type PassengerType = (typeof PASSENGER_TYPES)[number];

/** Transport mode of a route. */
export const TRANSPORT_MODES = ['BUS', 'FERRY'] as const;
export type TransportMode = (typeof TRANSPORT_MODES)[number];

/** What a product sells: a seat on one trip, or a bundle pass built from a template. */
export const PRODUCT_KINDS = ['TICKET', 'PACKAGE'] as const;
export type ProductKind = (typeof PRODUCT_KINDS)[number];

/** Whether an entitlement line is issued per passenger or once for the whole order (共享权益). */
export const ENTITLEMENT_SCOPES = ['PER_PASSENGER', 'SHARED'] as const;
export type EntitlementScope = (typeof ENTITLEMENT_SCOPES)[number];

export const ORDER_STATUSES = ['PENDING', 'PAID', 'COMPLETED', 'CANCELLED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const TICKET_STATUSES = ['ACTIVE', 'REDEEMED', 'REFUNDING', 'REFUNDED', 'CHANGING', 'CHANGED', 'EXPIRED'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
