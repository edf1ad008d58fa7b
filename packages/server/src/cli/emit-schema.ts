/** Writes schema.graphql at the repository root from the resolvers (the committed contract). */
import 'reflect-metadata';
import { buildAppSchema, SCHEMA_FILE } from '../graphql/schema.js';

await buildAppSchema(undefined, true);
console.log(`wrote ${SCHEMA_FILE}`);
