import 'reflect-metadata';
import cluster from 'node:cluster';
import { ConfigError, loadConfig, type AppConfig } from './app/config.js';
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
  if (config.WORKERS > 1 && cluster.isPrimary) return runPrimary(config);
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

/**
 * WORKERS > 1 (PostgreSQL only): the primary migrates once, then forks that many workers sharing the
 * port (the cluster module balances connections). Without Redis only the first worker runs the jobs,
 * since in-memory locks do not cross processes. A worker that dies is replaced; SIGTERM drains all.
 */
async function runPrimary(config: AppConfig): Promise<void> {
  if (!config.DATABASE_URL) {
    console.error('Invalid configuration: WORKERS: more than one worker needs DATABASE_URL (PGlite lives in one process)');
    process.exit(2);
  }
  const { createLogger } = await import('./app/logger.js');
  const log = createLogger(config.LOG_LEVEL);
  // Migrations, the demo seed and the bootstrap admin once, here, before any worker starts.
  const setup = await createApp({ ...config, SCHEDULER_ENABLED: false });
  await setup.close();
  if (config.WORKER_NODE_ARGS.length) cluster.setupPrimary({ execArgv: [...process.execArgv, ...config.WORKER_NODE_ARGS] });
  let stopping = false;
  const fork = (index: number) => {
    const jobs = config.SCHEDULER_ENABLED && (config.REDIS_URL !== undefined || index === 0);
    const worker = cluster.fork({ MIGRATE_ON_START: 'false', SEED_DEMO: 'false', SCHEDULER_ENABLED: String(jobs), WORKER_INDEX: String(index) });
    worker.on('exit', (code) => {
      if (!stopping) {
        log.warn({ index, code }, 'worker exited; starting another');
        fork(index);
      }
    });
  };
  for (let i = 0; i < config.WORKERS; i++) fork(i);
  log.info({ workers: config.WORKERS }, 'primary started workers');
  const stop = () => {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

await main();
