/**
 * The small SQL interface that hot paths (seat locks, payments, redemption, the outbox) use:
 * parameterised statements ($1, $2 …) and transactions, the same on PostgreSQL and embedded PGlite.
 * The ORM stays for entities, migrations and admin reads; this keeps the statement count per
 * business operation small and visible.
 */
export interface Sql {
  /** Runs one statement and returns its rows. */
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
}

/** A statement runner inside a transaction, with a hook for work that must wait for the commit. */
export interface TxSql extends Sql {
  /** Runs `fn` after a successful commit (never after a rollback). */
  afterCommit(fn: () => void): void;
}

/** Options of one transaction. */
export interface TxOptions {
  /** Longest wait for a row lock before giving up with a retryable BUSY error (ms). */
  lockTimeoutMs?: number;
}

/** The database: statements outside a transaction, and transactions. */
export interface Database extends Sql {
  readonly kind: 'postgres' | 'pglite';
  /** Statements sent so far (tests use it to prove batching, the benchmark to count per operation). */
  readonly stats: { statements: number };
  tx<T>(fn: (sql: TxSql) => Promise<T>, options?: TxOptions): Promise<T>;
  /** True when the database answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Runs the after-commit hooks, isolating each so one failure cannot skip the others. */
export function runAfterCommit(hooks: Array<() => void>, onError: (err: unknown) => void): void {
  for (const hook of hooks) {
    try {
      hook();
    } catch (err) {
      onError(err);
    }
  }
}
