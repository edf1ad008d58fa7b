/**
 * Runs a story's Newman collection (postman/us-<id>-*.postman_collection.json) against a server
 * started here on a fresh PostgreSQL database (or against --base-url if given).
 *   pnpm test:story 004 [--report out.json] [--base-url http://localhost:8080]
 * Writes {"passed","failed"} (assertions) to --report for the workspace test runner.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import newman from 'newman';
import { startTestServer } from '../support/harness.js';

const args = process.argv.slice(2).filter((a) => a !== '--');
const story = args.find((a) => /^\d+$/.test(a));
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
if (!story) {
  console.error('usage: pnpm test:story <id> [--report file] [--base-url url]');
  process.exit(2);
}
const postmanDir = fileURLToPath(new URL('../../../../postman/', import.meta.url));
const file = readdirSync(postmanDir).find((f) => f.startsWith(`us-${story.padStart(3, '0')}-`) && f.endsWith('.postman_collection.json'));
if (!file) {
  console.error(`no collection for story ${story} in postman/`);
  process.exit(2);
}

const external = flag('--base-url');
const server = external ? null : await startTestServer();
const baseUrl = external ?? server!.url;
const environment = JSON.parse(readFileSync(join(postmanDir, 'local.postman_environment.json'), 'utf8'));
environment.values = environment.values.map((v: { key: string }) => (v.key === 'baseUrl' ? { ...v, value: baseUrl } : v));

const summary = await new Promise<newman.NewmanRunSummary>((resolve, reject) => {
  newman.run({ collection: join(postmanDir, file), environment, reporters: ['cli'], timeoutRequest: 10_000 }, (err, s) => (err ? reject(err) : resolve(s)));
});
const assertions = summary.run.stats.assertions;
const failed = (assertions.failed ?? 0) + (summary.run.stats.requests.failed ?? 0);
const passed = (assertions.total ?? 0) - (assertions.failed ?? 0);
console.log(`story ${story}: ${passed} passed, ${failed} failed`);
const report = flag('--report');
if (report) writeFileSync(report, JSON.stringify({ passed, failed }));
await server?.close();
process.exit(failed > 0 ? 1 : 0);
