import 'reflect-metadata';
import { fileURLToPath } from 'node:url';
import { buildSchema } from 'type-graphql';
import type { GraphQLSchema } from 'graphql';
import type { AppPubSub } from '../common/infra/pubsub.js';
import { CATALOG_RESOLVERS } from '../modules/catalog/api/catalog.resolver.js';
import { HealthResolver } from './health.resolver.js';
import { OrderResolver } from '../modules/orders/api/order.resolver.js';
import { PaymentResolver } from '../modules/payments/api/payment.resolver.js';
import { TICKET_RESOLVERS } from '../modules/tickets/api/ticket.resolver.js';
import { OrderRefundsResolver, RefundResolver } from '../modules/refunds/api/refund.resolver.js';
import { ChangeResolver } from '../modules/changes/api/change.resolver.js';
import { AdminResolver } from '../modules/admin/api/admin.resolver.js';
import { AdminOrdersResolver } from '../modules/admin/api/admin-orders.resolver.js';
import { CatalogAdminResolver } from '../modules/catalog/api/catalog-admin.resolver.js';
import { GtfsResolver } from '../modules/catalog/api/gtfs.resolver.js';
import { MerchantAdminResolver } from '../modules/merchants/api/merchant-admin.resolver.js';
import { MERCHANT_RESOLVERS } from '../modules/merchants/api/merchant.resolver.js';
import { REDEMPTION_RESOLVERS } from '../modules/redemption/api/redemption.resolver.js';
import { IdentityResolver } from '../modules/identity/api/identity.resolver.js';
import { SavedPassengerResolver } from '../modules/passengers/api/saved-passenger.resolver.js';
import { NotificationResolver } from '../modules/notifications/api/notification.resolver.js';
import { OFFLINE_RESOLVERS } from '../modules/offline/api/offline.resolver.js';
import { validateArgument } from './validate-argument.js';

/** The committed SDL, at the repository root. */
export const SCHEMA_FILE = fileURLToPath(new URL('../../../../schema.graphql', import.meta.url));

/** Every resolver class of the API. */
export const RESOLVERS = [HealthResolver, ...CATALOG_RESOLVERS, OrderResolver, PaymentResolver, ...TICKET_RESOLVERS, RefundResolver, OrderRefundsResolver, ChangeResolver, AdminResolver, AdminOrdersResolver, CatalogAdminResolver, GtfsResolver, MerchantAdminResolver,
  ...MERCHANT_RESOLVERS, ...REDEMPTION_RESOLVERS, IdentityResolver, SavedPassengerResolver, NotificationResolver, ...OFFLINE_RESOLVERS] as const;

/** Builds the executable schema; `emit` also writes schema.graphql (sorted, so diffs stay stable). */
export function buildAppSchema(pubSub: AppPubSub | undefined, emit = false): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: RESOLVERS as unknown as [Function, ...Function[]],
    pubSub: pubSub as never,
    // Same rules as type-graphql's `validate: { forbidUnknownValues: false }`, without its per-request dynamic import.
    validateFn: validateArgument,
    emitSchemaFile: emit ? { path: SCHEMA_FILE, sortedSchema: true } : false,
  });
}
