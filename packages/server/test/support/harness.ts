import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { loadConfig, type AppConfig } from '../../src/app/config.js';
import { createApp, type App } from '../../src/app/app.js';
import { createSystemContext, type RequestContext } from '../../src/app/context.js';
import { OffsetClock } from '../../src/common/clock.js';
import { startHttpServer, type RunningServer } from '../../src/http/server.js';

/** The machine's PostgreSQL (a database per test server is created and dropped here). */
export const ADMIN_DATABASE_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** The machine's Redis (each test server uses its own key prefix, removed at the end). */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A database of its own for one test file (or a group of servers sharing it). */
export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `dt_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A running server for e2e tests, with helpers to call it like a client would. */
export interface TestServer {
  app: App;
  http: RunningServer;
  url: string;
  clock: OffsetClock;
  config: AppConfig;
  /** POST /graphql; returns the parsed body and status. */
  gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<{ status: number; data: T; errors?: any[] }>;
  /** A REST call with an optional bearer token and headers. */
  rest<T = any>(method: string, path: string, body?: unknown, token?: string | null, headers?: Record<string, string>): Promise<{ status: number; body: T }>;
  /** A context for calling services directly (admin set-up in tests). */
  systemContext(): RequestContext;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Share a database with another server (two instances); default: a new one. */
  database?: TestDatabase;
  /** Share a Redis prefix with another server; default: a new one. */
  redisPrefix?: string;
  env?: Record<string, string>;
  /** Leave DATABASE_URL/REDIS_URL unset: embedded PGlite and in-memory adapters. */
  embedded?: { dataDir: string };
  seed?: boolean;
}

/** Starts the real server on a random port against this machine's PostgreSQL and Redis. */
export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const database = opts.embedded ? null : opts.database ?? (await createTestDatabase());
  const ownsDatabase = !opts.embedded && !opts.database;
  const redisPrefix = opts.redisPrefix ?? `dt-test-${randomBytes(4).toString('hex')}:`;
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SEED_DEMO: opts.seed === false ? 'false' : 'true',
    SCHEDULER_ENABLED: 'false',
    DATABASE_POOL_SIZE: '10',
    ...(opts.embedded ? { DATA_DIR: opts.embedded.dataDir } : { DATABASE_URL: database!.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: redisPrefix }),
    ...(opts.env ?? {}),
  };
  const config = loadConfig(env);
  const clock = new OffsetClock();
  const app = await createApp(config, { clock });
  const http = await startHttpServer(app, { port: 0, host: '127.0.0.1' });
  const url = http.url;

  const server: TestServer = {
    app, http, url, clock, config,
    async gql(query, variables, token = 'user123') {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data: any; errors?: any[] };
      return { status: res.status, data: body.data, errors: body.errors };
    },
    async rest(method, path, body, token = 'user123', headers = {}) {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: any = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        /* keep the text */
      }
      return { status: res.status, body: parsed };
    },
    systemContext: () => createSystemContext(app, 'test'),
    async close() {
      await http.close();
      await app.close();
      if (!opts.embedded && !opts.redisPrefix) {
        const redis = new Redis(TEST_REDIS_URL);
        const keys = await redis.keys(`${redisPrefix}*`);
        if (keys.length) await redis.del(...keys);
        redis.disconnect();
      }
      if (ownsDatabase) await database!.drop();
    },
  };
  return server;
}

/** Today in Hong Kong time plus `days`, as YYYY-MM-DD. */
export function hkDate(days = 0, from: Date = new Date()): string {
  return new Date(from.getTime() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

/** Two server instances on one PostgreSQL database and one Redis prefix, as behind a load balancer. */
export interface InstancePair {
  a: TestServer;
  b: TestServer;
  database: TestDatabase;
  redisPrefix: string;
  /** Stops both, deletes the shared Redis keys and drops the database. */
  close(): Promise<void>;
}

export async function startTwoInstances(env: Record<string, string> = {}): Promise<InstancePair> {
  const database = await createTestDatabase();
  const redisPrefix = `dt-test-pair-${randomBytes(4).toString('hex')}:`;
  const a = await startTestServer({ database, redisPrefix, env });
  const b = await startTestServer({ database, redisPrefix, env, seed: false });
  return {
    a, b, database, redisPrefix,
    async close() {
      await a.close();
      await b.close();
      const redis = new Redis(TEST_REDIS_URL);
      const keys = await redis.keys(`${redisPrefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
      await database.drop();
    },
  };
}
