import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Database, TxOptions, TxSql } from './sql.js';
import { DeferredWriteQueue, runAfterCommit } from './sql.js';
import { inSpan, SpanKind, tracingEnabled } from '../tracing.js';

/** Span attributes of one statement (the parameterised text only: values may be personal data). */
function statementSpan(text: string) {
  const verb = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? 'SQL';
  return { name: `pg ${verb}`, attributes: { 'db.system.name': 'postgresql', 'db.operation.name': verb, 'db.query.text': text.length > 1000 ? `${text.slice(0, 1000)}…` : text } };
}

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    // int8 (counts, bigserial ids) as numbers: our ids and counts stay far below 2^53.
    if (oid === 20) return (v: string) => Number(v);
    // date as the plain 'YYYY-MM-DD' string: a travel day is not an instant.
    if (oid === 1082) return (v: string) => v;
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/** Most distinct statement texts given a server-side name (prepared once per connection). */
const MAX_NAMED_STATEMENTS = 1000;

/**
 * Server-side statement names. A named statement is parsed and planned by PostgreSQL once per
 * connection and then only bound and executed (pg skips the Parse message): on this 2-core box,
 * where PostgreSQL shares the CPU with the server, parsing every statement again was a measurable
 * share of each request (docs/performance.md). Texts are few (they are written in the code); the cap
 * keeps a code path that builds unusual texts from filling every connection's statement cache.
 */
class StatementNames {
  private readonly names = new Map<string, string>();

  nameOf(text: string): string | undefined {
    let name = this.names.get(text);
    if (name === undefined && this.names.size < MAX_NAMED_STATEMENTS) {
      name = `dt_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
      this.names.set(text, name);
    }
    return name;
  }
}

/** PostgreSQL through a `pg` pool (production and the test suite). */
export class PgDatabase implements Database {
  readonly stats = { statements: 0 };
  readonly kind = 'postgres' as const;
  readonly pool: pg.Pool;
  private readonly statementNames = new StatementNames();

  /** `lockTimeoutMs` > 0 becomes every connection's default `lock_timeout` (config DATABASE_LOCK_TIMEOUT_MS). */
  constructor(connectionString: string, poolSize: number, private readonly onHookError: (err: unknown) => void, lockTimeoutMs = 0) {
    this.pool = new pg.Pool({
      connectionString, max: poolSize, types, idleTimeoutMillis: 30_000,
      ...(lockTimeoutMs > 0 ? { options: `-c lock_timeout=${Math.floor(lockTimeoutMs)}` } : {}),
    });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    this.pool.on('error', (err) => onHookError(err));
  }

  async query<T>(text: string, params: readonly unknown[] = []): Promise<T[]> {
    this.stats.statements++;
    if (tracingEnabled()) {
      const { name, attributes } = statementSpan(text);
      return inSpan(name, attributes, async () => (await this.pool.query(this.config(text, params))).rows as T[], SpanKind.CLIENT);
    }
    const res = await this.pool.query(this.config(text, params));
    return res.rows as T[];
  }

  /** The query config of a statement: named (prepared once per connection) when it has parameters. */
  private config(text: string, params: readonly unknown[]): pg.QueryConfig {
    // Without parameters pg uses the simple protocol (several statements allowed, e.g. BEGIN; SET …): keep that.
    const name = params.length ? this.statementNames.nameOf(text) : undefined;
    return name ? { name, text, values: params as unknown[] } : { text, values: params as unknown[] };
  }

  async tx<T>(fn: (sql: TxSql) => Promise<T>, options: TxOptions = {}): Promise<T> {
    if (tracingEnabled()) return inSpan('pg transaction', { 'db.system.name': 'postgresql' }, () => this.runTx(fn, options));
    return this.runTx(fn, options);
  }

  private async runTx<T>(fn: (sql: TxSql) => Promise<T>, options: TxOptions): Promise<T> {
    const client = await this.pool.connect();
    const hooks: Array<() => void> = [];
    const queue = new DeferredWriteQueue();
    const send = async <R>(text: string, params: readonly unknown[]) => (this.stats.statements++, await client.query(this.config(text, params))).rows as R[];
    const traced = <R>(text: string, params: readonly unknown[]) => {
      if (!tracingEnabled()) return send<R>(text, params);
      const span = statementSpan(text);
      return inSpan(span.name, span.attributes, () => send<R>(text, params), SpanKind.CLIENT);
    };
    /** Sends the queued inserts (one statement), before anything that could read them. */
    const flush = () => queue.flush(traced);
    const sql: TxSql = {
      query: async <R>(text: string, params: readonly unknown[] = []) => {
        await flush();
        return traced<R>(text, params);
      },
      afterCommit: (hook) => hooks.push(hook),
      later: (text, params = [], options) => queue.push(text, params, options),
    };
    let broken = false;
    try {
      // One round trip for both (a simple query may hold several statements): on this 2-core box the
      // cost of a request is mostly its number of round trips to PostgreSQL (docs/performance.md).
      const begin = options.lockTimeoutMs !== undefined ? `BEGIN; SET LOCAL lock_timeout = ${Math.floor(options.lockTimeoutMs)}` : 'BEGIN';
      await client.query(options.opening ? `${begin}; ${options.opening}` : begin);
      if (options.opening) this.stats.statements++;
      const result = await fn(sql);
      await flush();
      await client.query('COMMIT');
      runAfterCommit(hooks, this.onHookError);
      return result;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw err;
    } finally {
      client.release(broken);
    }
  }

  async ping(): Promise<boolean> {
    try {
      await this.pool.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
