import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The machine's PostgreSQL; every bench run creates its own database there and drops it at the end. */
export const ADMIN_DATABASE_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** Creates an empty database `dt_bench_…` (the server migrates and seeds it at start). */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `dt_bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await withClient(ADMIN_DATABASE_URL, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => withClient(ADMIN_DATABASE_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** Runs `fn` on a fresh connection and closes it (closing also flushes this backend's statistics). */
export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Counters of one database (pg_stat_database), read from the admin database so the read is not counted. */
export interface DbCounters {
  at: number;
  xacts: number;
  commits: number;
  rollbacks: number;
  tupInserted: number;
  tupUpdated: number;
  tupFetched: number;
  /** Per table: seq_scan + idx_scan (statements that read it), inserts and updates. */
  tables: Record<string, { scans: number; inserted: number; updated: number }>;
}

/**
 * Reads the statistics counters. PostgreSQL backends publish their counters when they go idle, at
 * most once a second, and always within ~10 s (PGSTAT_IDLE_INTERVAL) or at exit: take a reading
 * only after the load has been quiet for `statsSettleMs`.
 */
export async function readCounters(db: BenchDatabase): Promise<DbCounters> {
  const at = Date.now();
  const d = await withClient(ADMIN_DATABASE_URL, async (c) => {
    const { rows } = await c.query(
      `SELECT xact_commit::bigint AS commits, xact_rollback::bigint AS rollbacks, tup_inserted::bigint AS ins,
              tup_updated::bigint AS upd, tup_fetched::bigint AS fetched
         FROM pg_stat_database WHERE datname = $1`,
      [db.name],
    );
    return rows[0];
  });
  // Catalog views only: reading them touches no user table.
  const tables = await withClient(db.url, async (c) => {
    const { rows } = await c.query(
      `SELECT relname, coalesce(seq_scan, 0) + coalesce(idx_scan, 0) AS scans, n_tup_ins AS ins, n_tup_upd AS upd FROM pg_stat_user_tables`,
    );
    return Object.fromEntries(rows.map((r) => [r.relname as string, { scans: Number(r.scans), inserted: Number(r.ins), updated: Number(r.upd) }]));
  });
  const commits = Number(d.commits);
  const rollbacks = Number(d.rollbacks);
  return {
    at,
    xacts: commits + rollbacks,
    commits,
    rollbacks,
    tupInserted: Number(d.ins),
    tupUpdated: Number(d.upd),
    tupFetched: Number(d.fetched),
    tables,
  };
}

/** after − before, table by table (tables with no change left out). */
export function diffCounters(before: DbCounters, after: DbCounters) {
  const tables: Record<string, { scans: number; inserted: number; updated: number }> = {};
  for (const [name, a] of Object.entries(after.tables)) {
    const b = before.tables[name] ?? { scans: 0, inserted: 0, updated: 0 };
    const d = { scans: a.scans - b.scans, inserted: a.inserted - b.inserted, updated: a.updated - b.updated };
    if (d.scans || d.inserted || d.updated) tables[name] = d;
  }
  return {
    seconds: (after.at - before.at) / 1000,
    xacts: after.xacts - before.xacts,
    commits: after.commits - before.commits,
    rollbacks: after.rollbacks - before.rollbacks,
    tupInserted: after.tupInserted - before.tupInserted,
    tupUpdated: after.tupUpdated - before.tupUpdated,
    tables,
  };
}

export type CounterDiff = ReturnType<typeof diffCounters>;
