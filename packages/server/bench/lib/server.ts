import { join } from 'node:path';
import { freePort, waitForHttp200 } from './net.js';
import { RESULTS_DIR, spawnTs, type Child } from './proc.js';
import { BENCH_REDIS_URL } from './redis.js';

/** The DeepTravel server running as its own process (`src/main.ts`), as in production. */
export interface ServerProcess {
  child: Child;
  host: string;
  port: number;
  url: string;
  /** Milliseconds from spawn to `/readyz` = 200 (migrations and demo seed included). */
  readyMs: number;
  stop(): Promise<number | string>;
}

export interface ServerOptions {
  databaseUrl: string;
  redisPrefix: string;
  /** Extra environment (e.g. DATABASE_POOL_SIZE, SESSION_SECRET). */
  env?: Record<string, string>;
  logName: string;
}

export async function startServer(opts: ServerOptions): Promise<ServerProcess> {
  const port = await freePort();
  const host = '127.0.0.1';
  const started = Date.now();
  const child = spawnTs('server', 'src/main.ts', {
    env: {
      NODE_ENV: 'test',
      DATABASE_URL: opts.databaseUrl,
      REDIS_URL: BENCH_REDIS_URL,
      REDIS_PREFIX: opts.redisPrefix,
      SEED_DEMO: 'true',
      LOG_LEVEL: process.env.BENCH_SERVER_LOG_LEVEL ?? 'warn',
      SCHEDULER_ENABLED: 'false',
      PORT: String(port),
      HOST: host,
      ...opts.env,
    },
    logFile: join(RESULTS_DIR, `${opts.logName}.server.log`),
    // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=bench-results/prof" profiles the server only
    // (the profile is written when the bench stops it with SIGTERM and it exits).
    nodeArgs: process.env.BENCH_SERVER_NODE_ARGS?.split(/\s+/).filter(Boolean),
  });
  const url = `http://${host}:${port}`;
  try {
    await waitForHttp200(`${url}/readyz`, 90_000, () => child.process.exitCode === null && child.process.signalCode === null);
  } catch (err) {
    await child.stop(2000);
    throw new Error(`server did not become ready: ${(err as Error).message}\n${child.tail()}`);
  }
  return { child, host, port, url, readyMs: Date.now() - started, stop: () => child.stop() };
}
