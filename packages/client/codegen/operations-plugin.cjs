// Codegen plugin: one typed `Operation` constant per operation (name, kind, query text and its
// SHA-256 for persisted queries), after the types of typescript-operations.
const { collect } = require('./operations.cjs');

const SUFFIX = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' };

module.exports = {
  plugin(_schema, documents) {
    const ops = collect(documents);
    const lines = ["import type { Operation } from '../operation';", ''];
    for (const op of ops) {
      const type = `${op.name}${SUFFIX[op.kind]}`;
      lines.push(
        `export const ${op.name}Document: Operation<${type}, ${type}Variables> = {`,
        `  name: ${JSON.stringify(op.name)},`,
        `  kind: ${JSON.stringify(op.kind)},`,
        `  hash: ${JSON.stringify(op.hash)},`,
        `  query: ${JSON.stringify(op.query)},`,
        '};',
        '',
      );
    }
    return { prepend: [], content: lines.join('\n') };
  },
};
