/**
 * Runs the real server for the apps' end-to-end tests, as a child process: a fresh PostgreSQL
 * database with the demo seed, the mock payment gateway, the scheduler off (jobs run on request).
 * Prints one JSON line `{"url","databaseUrl"}` when ready; SIGTERM or SIGINT closes it and drops
 * the database.
 *
 *   node --import @swc-node/register/esm-register test/support/serve-for-apps.ts [--cors <origin>]
 */
import { startTestServer } from './harness.js';

const corsIdx = process.argv.indexOf('--cors');
const cors = corsIdx > 0 ? process.argv[corsIdx + 1] : '*';

const s = await startTestServer({ env: { PAYMENT_GATEWAY: 'mock', CORS_ORIGINS: cors, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' } });
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
