import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ReflectMetadataProvider } from '@mikro-orm/decorators/legacy';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM as PgORM } from '@mikro-orm/postgresql';
import { MikroORM as PgliteORM, PgliteConnection } from '@mikro-orm/pglite';
import type { MikroORM } from '@mikro-orm/core';
import type { PGlite } from '@electric-sql/pglite';
import type { Logger } from '../../app/logger.js';
import { ALL_ENTITIES } from './entities.js';
import { MIGRATIONS } from '../../migrations/index.js';
import { PgDatabase } from './pg-database.js';
import { PgliteDatabase } from './pglite-database.js';
import type { Database } from './sql.js';

/** Where the data lives: a PostgreSQL URL, or a folder for embedded PGlite. */
export interface DataSourceOptions {
  databaseUrl?: string;
  dataDir: string;
  poolSize: number;
  /** Default `lock_timeout` of the app's PostgreSQL connections (ms; 0 or unset = none). */
  lockTimeoutMs?: number;
  log: Logger;
}

/** The ORM and the raw SQL interface, both on the same database. */
export interface DataSource {
  orm: MikroORM;
  db: Database;
  close(): Promise<void>;
}

function ormOptions(log: Logger) {
  return {
    entities: ALL_ENTITIES,
    metadataProvider: ReflectMetadataProvider,
    extensions: [Migrator],
    // Entities are imported explicitly, so discovery never scans folders (works the same under jest).
    preferTs: true,
    migrations: { migrationsList: MIGRATIONS, transactional: true, allOrNothing: true, snapshot: false, silent: true },
    debug: false,
    logger: (msg: string) => log.debug({ orm: msg }),
  };
}

/** Opens the database (PostgreSQL when `databaseUrl` is set, else PGlite in `dataDir`). */
export async function openDataSource(opts: DataSourceOptions): Promise<DataSource> {
  const onHookError = (err: unknown) => opts.log.error({ err }, 'database background error');
  if (opts.databaseUrl) {
    const orm = await PgORM.init({ ...ormOptions(opts.log), clientUrl: opts.databaseUrl, pool: { min: 0, max: 4 } });
    const db = new PgDatabase(opts.databaseUrl, opts.poolSize, onHookError, opts.lockTimeoutMs ?? 0);
    return { orm, db, close: async () => { await db.close(); await orm.close(true); } };
  }
  const dir = resolve(opts.dataDir, 'pglite');
  mkdirSync(dir, { recursive: true });
  const orm = await PgliteORM.init({ ...ormOptions(opts.log), dbName: dir });
  const connection = orm.em.getConnection() as unknown as PgliteConnection;
  const pglite = (await connection.getNativeClient()) as PGlite;
  const db = new PgliteDatabase(pglite, onHookError);
  return { orm, db, close: () => orm.close(true) };
}

/**
 * Applies pending migrations. On PostgreSQL an advisory lock makes concurrent starts of several
 * instances wait for each other instead of migrating twice.
 */
export async function migrate(source: DataSource, log: Logger): Promise<void> {
  const run = async () => {
    const migrator = source.orm.migrator;
    const pending = await migrator.getPending();
    if (pending.length) {
      log.info({ migrations: pending.map((m) => m.name) }, 'applying migrations');
      await migrator.up();
    }
  };
  if (source.db instanceof PgDatabase) {
    const client = await source.db.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock(724001)');
      await run();
    } finally {
      await client.query('SELECT pg_advisory_unlock(724001)').catch(() => undefined);
      client.release();
    }
  } else {
    await run();
  }
}
