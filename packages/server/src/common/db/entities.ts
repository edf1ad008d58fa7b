import { BlackoutDate, City, DailyInventory, EntitlementLine, FareTier, Merchant, PackageTemplate, Product, RefundRule, Route, Station, Trip } from '../../modules/catalog/catalog.entities.js';
import { Traveller } from '../../modules/identity/traveller.entity.js';
import { Order, OrderItem, OrderPassenger, Promotion } from '../../modules/orders/order.entities.js';
import { Payment, PaymentAnomaly } from '../../modules/payments/payment.entity.js';
import { Setting } from '../../modules/settings/setting.entity.js';
import { Ticket, TicketLine } from '../../modules/tickets/ticket.entities.js';
import { OutboxEvent, StateTransition } from '../outbox/outbox.entity.js';

/** Every entity, in one list for the ORM (explicit: no folder scanning at start). */
export const ALL_ENTITIES = [
  City, Station, Merchant, RefundRule, Route, PackageTemplate, EntitlementLine, Product, FareTier, Trip,
  DailyInventory, BlackoutDate, Traveller, Setting, Order, OrderItem, OrderPassenger, Promotion, Payment, PaymentAnomaly,
  Ticket, TicketLine, OutboxEvent, StateTransition,
];
