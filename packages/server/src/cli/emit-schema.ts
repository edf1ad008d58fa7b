/** Writes schema.graphql at the repository root from the resolvers (the committed contract). */
import 'reflect-metadata';
import { buildAppSchema, SCHEMA_FILE } from '../graphql/schema.js';
import { createMemoryPubSub } from '../common/infra/pubsub.js';

// type-graphql wants a pub/sub whenever the schema has a subscription, even just to print it.
await buildAppSchema(createMemoryPubSub(), true);
console.log(`wrote ${SCHEMA_FILE}`);
