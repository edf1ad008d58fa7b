import pg from 'pg';
import type { Database, TxOptions, TxSql } from './sql.js';
import { runAfterCommit } from './sql.js';
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

/** PostgreSQL through a `pg` pool (production and the test suite). */
export class PgDatabase implements Database {
  readonly stats = { statements: 0 };
  readonly kind = 'postgres' as const;
  readonly pool: pg.Pool;

  constructor(connectionString: string, poolSize: number, private readonly onHookError: (err: unknown) => void) {
    this.pool = new pg.Pool({ connectionString, max: poolSize, types, idleTimeoutMillis: 30_000 });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    this.pool.on('error', (err) => onHookError(err));
  }

  async query<T>(text: string, params: readonly unknown[] = []): Promise<T[]> {
    this.stats.statements++;
    if (tracingEnabled()) {
      const { name, attributes } = statementSpan(text);
      return inSpan(name, attributes, async () => (await this.pool.query(text, params as unknown[])).rows as T[], SpanKind.CLIENT);
    }
    const res = await this.pool.query(text, params as unknown[]);
    return res.rows as T[];
  }

  async tx<T>(fn: (sql: TxSql) => Promise<T>, options: TxOptions = {}): Promise<T> {
    if (tracingEnabled()) return inSpan('pg transaction', { 'db.system.name': 'postgresql' }, () => this.runTx(fn, options));
    return this.runTx(fn, options);
  }

  private async runTx<T>(fn: (sql: TxSql) => Promise<T>, options: TxOptions): Promise<T> {
    const client = await this.pool.connect();
    const hooks: Array<() => void> = [];
    const run = async <R>(text: string, params: readonly unknown[]) => (this.stats.statements++, await client.query(text, params as unknown[])).rows as R[];
    const sql: TxSql = {
      query: <R>(text: string, params: readonly unknown[] = []) => {
        if (!tracingEnabled()) return run<R>(text, params);
        const span = statementSpan(text);
        return inSpan(span.name, span.attributes, () => run<R>(text, params), SpanKind.CLIENT);
      },
      afterCommit: (hook) => hooks.push(hook),
    };
    let broken = false;
    try {
      // One round trip for both (a simple query may hold several statements): on this 2-core box the
      // cost of a request is mostly its number of round trips to PostgreSQL (docs/performance.md).
      await client.query(options.lockTimeoutMs ? `BEGIN; SET LOCAL lock_timeout = ${Math.floor(options.lockTimeoutMs)}` : 'BEGIN');
      const result = await fn(sql);
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
