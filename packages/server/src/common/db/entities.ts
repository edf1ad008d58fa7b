import { BlackoutDate, City, DailyInventory, EntitlementLine, FareTier, Merchant, PackageTemplate, Product, RefundRule, Route, Station, Trip } from '../../modules/catalog/catalog.entities.js';
import { Traveller } from '../../modules/identity/traveller.entity.js';
import { Order, OrderItem, OrderPassenger, Promotion } from '../../modules/orders/order.entities.js';
import { Payment, PaymentAnomaly } from '../../modules/payments/payment.entity.js';
import { Setting } from '../../modules/settings/setting.entity.js';
import { Ticket, TicketLine } from '../../modules/tickets/ticket.entities.js';
import { Refund, TicketChange } from '../../modules/refunds/refund.entities.js';
import { MerchantStaff, Terminal } from '../../modules/merchants/merchant-staff.entities.js';
import { Redemption, RedemptionLog } from '../../modules/redemption/redemption.entities.js';
import { SavedPassenger } from '../../modules/passengers/saved-passenger.entity.js';
import { OutboxEvent, StateTransition } from '../outbox/outbox.entity.js';
import { AdminAudit, AdminUser } from '../../modules/admin/admin.entities.js';
import { ReconciliationDifference } from '../../modules/payments/reconciliation.entities.js';
import { Notification, NotificationConsent } from '../../modules/notifications/notification.entities.js';
import { OfflineRedemption, RedemptionConflict, TerminalEnrolment } from '../../modules/offline/offline.entities.js';

/** Every entity, in one list for the ORM (explicit: no folder scanning at start). */
export const ALL_ENTITIES = [
  AdminUser, AdminAudit, ReconciliationDifference,
  City, Station, Merchant, RefundRule, Route, PackageTemplate, EntitlementLine, Product, FareTier, Trip,
  DailyInventory, BlackoutDate, Traveller, Setting, Order, OrderItem, OrderPassenger, Promotion, Payment, PaymentAnomaly,
  Ticket, TicketLine, OutboxEvent, StateTransition, Refund, TicketChange,
  Terminal, MerchantStaff, Redemption, RedemptionLog,
  SavedPassenger,
  NotificationConsent, Notification,
  TerminalEnrolment, OfflineRedemption, RedemptionConflict,
];
