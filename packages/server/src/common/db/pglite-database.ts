import type { PGlite, Transaction } from '@electric-sql/pglite';
import type { Database, TxOptions, TxSql } from './sql.js';
import { DeferredWriteQueue, runAfterCommit } from './sql.js';

/**
 * Embedded PGlite (the laptop default). One WASM instance shared with the ORM; PGlite runs one
 * transaction at a time, so lock timeouts never apply here.
 */
/** Parse like our pg pool does (the ORM's instance keeps dates as strings for itself). */
const parseTimestamp = (s: string) => new Date(s.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));
const QUERY_OPTIONS = {
  parsers: { 20: (v: string) => Number(v), 1082: (v: string) => v, 1114: (v: string) => new Date(`${v.replace(' ', 'T')}Z`), 1184: parseTimestamp },
};

export class PgliteDatabase implements Database {
  readonly stats = { statements: 0 };
  readonly kind = 'pglite' as const;

  constructor(private readonly pglite: PGlite, private readonly onHookError: (err: unknown) => void) {}

  async query<T>(text: string, params: readonly unknown[] = []): Promise<T[]> {
    this.stats.statements++;
    return (await this.pglite.query<T>(text, params as unknown[], QUERY_OPTIONS)).rows;
  }

  async tx<T>(fn: (sql: TxSql) => Promise<T>, options: TxOptions = {}): Promise<T> {
    const hooks: Array<() => void> = [];
    const result = await this.pglite.transaction(async (tx: Transaction) => {
      const queue = new DeferredWriteQueue();
      const send = async <R>(text: string, params: readonly unknown[]) => (this.stats.statements++, await tx.query<R>(text, params as unknown[], QUERY_OPTIONS)).rows;
      const flush = () => queue.flush(send);
      const sql: TxSql = {
        query: async <R>(text: string, params: readonly unknown[] = []) => {
          await flush();
          return send<R>(text, params);
        },
        afterCommit: (hook) => hooks.push(hook),
        later: (text, params = [], options) => queue.push(text, params, options),
      };
      // One connection, no lock waits: the opening statement simply runs first.
      if (options.opening) await send(options.opening, []);
      const out = await fn(sql);
      await flush();
      return out;
    });
    runAfterCommit(hooks, this.onHookError);
    return result;
  }

  async ping(): Promise<boolean> {
    try {
      await this.pglite.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    // The ORM owns the PGlite instance and closes it.
  }
}
