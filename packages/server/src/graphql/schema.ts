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

/** The committed SDL, at the repository root. */
export const SCHEMA_FILE = fileURLToPath(new URL('../../../../schema.graphql', import.meta.url));

/** Every resolver class of the API. */
export const RESOLVERS = [HealthResolver, ...CATALOG_RESOLVERS, OrderResolver, PaymentResolver, ...TICKET_RESOLVERS] as const;

/** Builds the executable schema; `emit` also writes schema.graphql (sorted, so diffs stay stable). */
export function buildAppSchema(pubSub: AppPubSub | undefined, emit = false): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: RESOLVERS as unknown as [Function, ...Function[]],
    pubSub: pubSub as never,
    validate: { forbidUnknownValues: false },
    emitSchemaFile: emit ? { path: SCHEMA_FILE, sortedSchema: true } : false,
  });
}
