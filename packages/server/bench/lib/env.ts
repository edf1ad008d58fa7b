import { defer } from './cleanup.js';
import { createBenchDatabase, type BenchDatabase } from './db.js';
import { deleteRedisPrefix, newRedisPrefix } from './redis.js';
import { startServer, type ServerProcess } from './server.js';

/** A fresh database + Redis prefix + a server process on them; all removed by the cleanups. */
export interface BenchEnv {
  db: BenchDatabase;
  redisPrefix: string;
  server: ServerProcess;
}

export async function startBenchEnv(opts: { logName: string; serverEnv?: Record<string, string> }): Promise<BenchEnv> {
  const db = await createBenchDatabase();
  defer(`drop database ${db.name}`, () => db.drop());
  const redisPrefix = newRedisPrefix();
  defer(`delete Redis keys ${redisPrefix}*`, () => deleteRedisPrefix(redisPrefix));
  const server = await startServer({ databaseUrl: db.url, redisPrefix, env: opts.serverEnv, logName: opts.logName });
  defer('stop server', () => server.stop());
  return { db, redisPrefix, server };
}
