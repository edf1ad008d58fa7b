// Fails (exit 1) when a GraphQL document no longer matches schema.graphql, or when the committed
// generated files (src/generated/graphql.ts, persisted-queries.json) are not what codegen makes now.
import { checkCodegen } from './codegen-diff.mjs';

const problems = await checkCodegen();
if (problems.length) {
  for (const p of problems) console.error(`codegen:check: ${p}`);
  process.exit(1);
}
console.log('codegen:check: documents match schema.graphql and the generated files are up to date');
