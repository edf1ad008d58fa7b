import 'reflect-metadata';
import { ConfigError, loadConfig } from './app/config.js';
import { createApp } from './app/app.js';
import { startHttpServer } from './http/server.js';

/** Starts one server process: config → app (database, migrations, seed) → HTTP → jobs. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const app = await createApp(config);
  const http = await startHttpServer(app, { port: config.PORT, host: config.HOST });
  app.outbox.start();
  if (config.SCHEDULER_ENABLED) app.scheduler.start();
  app.log.info({ url: `http://localhost:${http.port}/graphql`, gateway: config.PAYMENT_GATEWAY }, 'DeepTravel server listening');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal, drainMs: config.SHUTDOWN_DRAIN_MS }, 'shutting down: not ready, draining');
    const force = setTimeout(() => {
      app.log.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.SHUTDOWN_DRAIN_MS + 25_000);
    force.unref();
    // Order matters: stop taking traffic, finish requests, then stop jobs (releasing their locks) and the outbox.
    await http.close({ drainMs: config.SHUTDOWN_DRAIN_MS, timeoutMs: 15_000 });
    await app.close();
    app.log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

await main();
