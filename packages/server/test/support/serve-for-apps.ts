/**
 * Runs the real server for the apps' end-to-end tests, as a child process: a fresh PostgreSQL
 * database with the demo seed, the mock payment gateway, the scheduler off (jobs run on request).
 * Prints one JSON line `{"url","databaseUrl"}` when ready; SIGTERM or SIGINT closes it and drops
 * the database. Persisted queries are enforced (PERSISTED_QUERIES=enforce), with the e2e bypass key for
 * the tests' own free-form calls.
 *
 *   node --import @swc-node/register/esm-register test/support/serve-for-apps.ts [--cors <origin>]
 */
import { startTestServer } from './harness.js';

const corsIdx = process.argv.indexOf('--cors');
const cors = corsIdx > 0 ? process.argv[corsIdx + 1] : '*';

// Persisted queries enforced as in production: the apps' own requests must name known hashes; the
// tests' set-up calls beside them carry the bypass key (api-server-process.ts).
const s = await startTestServer({
  env: {
    PAYMENT_GATEWAY: 'mock', CORS_ORIGINS: cors, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PERSISTED_QUERIES: 'enforce', PERSISTED_QUERIES_BYPASS_KEY: process.env.E2E_PERSISTED_QUERY_KEY ?? 'e2e-free-form-documents-key',
  },
});
process.stdout.write(`${JSON.stringify({ url: s.url, databaseUrl: s.config.DATABASE_URL })}\n`);

let closing = false;
const close = async () => {
  if (closing) return;
  closing = true;
  try {
    await s.close();
  } finally {
    process.exit(0);
  }
};
process.on('SIGTERM', close);
process.on('SIGINT', close);
// The parent died without a signal: stdin closes with it.
process.stdin.on('end', close);
process.stdin.resume();
