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
  /**
   * Queues a write whose rows nobody reads: an INSERT (history rows, outbox events, audit), or an
   * UPDATE that must touch exactly `expectRows` rows (else the transaction fails with an error and
   * rolls back). Queued writes are sent together as one statement right before the next `query` or
   * the COMMIT, in the order they were queued, so reads in the same transaction still see them.
   * Saves a round trip per write; a failing write still fails the transaction (at that next statement).
   * The text must be a single INSERT or UPDATE without RETURNING and without `$` inside literals.
   * Queued writes share one snapshot: two queued UPDATEs must never touch the same row (PostgreSQL
   * would apply only one of them), and a queued UPDATE must not touch a row a queued INSERT adds.
   */
  later(text: string, params?: readonly unknown[], options?: DeferredWriteOptions): void;
}

/** What a deferred UPDATE must do (see TxSql.later). */
export interface DeferredWriteOptions {
  /** Rows the statement must touch; checked when the queue is sent. Required for an UPDATE. */
  expectRows?: number;
}

/** One parameterised statement. */
export interface Statement {
  text: string;
  params: readonly unknown[];
}

/** A queued write and the rows it must touch (undefined: any number). */
interface QueuedWrite extends Statement {
  expectRows?: number;
}

/**
 * Joins queued writes into one statement: each becomes a data-modifying CTE, its `$n` renumbered
 * after the parameters of those before it. PostgreSQL runs every data-modifying CTE exactly once but
 * in no promised order (unreferenced ones even run last-first), and ids from sequences would then
 * come out reversed; so the main query reads them one after the other, which runs them in queue
 * order: `WITH w0 AS (INSERT … RETURNING 1), w1 AS (…) SELECT (SELECT count(*) FROM w0), (SELECT count(*) FROM w1)`.
 */
export function joinWrites(writes: readonly Statement[]): Statement {
  const params: unknown[] = [];
  const parts = writes.map((s, i) => {
    const offset = params.length;
    params.push(...s.params);
    const text = offset ? s.text.replace(/\$(\d+)/g, (_m, n: string) => `$${Number(n) + offset}`) : s.text;
    return `w${i} AS (${text} RETURNING 1)`;
  });
  return { text: `WITH ${parts.join(',\n')}\nSELECT ${writes.map((_s, i) => `(SELECT count(*) FROM w${i}) AS n${i}`).join(', ')}`, params };
}

/** Checks what `later` accepts: one INSERT, or one UPDATE with its expected row count; no RETURNING (its rows would be lost). */
export function assertDeferrableWrite(text: string, options: DeferredWriteOptions = {}): void {
  const insert = /^\s*INSERT\s/i.test(text);
  const update = /^\s*UPDATE\s/i.test(text) && Number.isInteger(options.expectRows);
  if (!(insert || update) || /\bRETURNING\b/i.test(text) || text.includes(';')) {
    throw new Error(`later() takes a single INSERT, or an UPDATE with expectRows, without RETURNING: ${text.slice(0, 80)}`);
  }
}

/**
 * The writes a transaction queued with `TxSql.later`, shared by both databases: `push` checks and
 * queues one, `flush` sends them all as one statement through the transaction's own `send` and
 * checks the row counts the queued UPDATEs promised.
 */
export class DeferredWriteQueue {
  private queued: QueuedWrite[] = [];

  push(text: string, params: readonly unknown[], options: DeferredWriteOptions = {}): void {
    assertDeferrableWrite(text, options);
    this.queued.push({ text, params, expectRows: options.expectRows });
  }

  async flush(send: (text: string, params: readonly unknown[]) => Promise<unknown[]>): Promise<void> {
    if (!this.queued.length) return;
    const writes = this.queued;
    this.queued = [];
    const checked = writes.some((w) => w.expectRows !== undefined);
    // One write with nothing to check goes as it is; otherwise the joined form returns each row count.
    if (writes.length === 1 && !checked) {
      await send(writes[0].text, writes[0].params);
      return;
    }
    const joined = joinWrites(writes);
    const [counts] = (await send(joined.text, joined.params)) as Array<Record<string, unknown>>;
    writes.forEach((w, i) => {
      const touched = Number(counts?.[`n${i}`]);
      if (w.expectRows !== undefined && touched !== w.expectRows) {
        throw new Error(`deferred write ${i} touched ${touched} rows, expected ${w.expectRows}: ${w.text.slice(0, 80)}`);
      }
    });
  }
}

/** Options of one transaction. */
export interface TxOptions {
  /**
   * Longest wait for a row lock before giving up with a retryable BUSY error (ms); 0 = no limit.
   * Unset: the pool's default (DATABASE_LOCK_TIMEOUT_MS).
   */
  lockTimeoutMs?: number;
  /**
   * A statement without parameters sent in the same round trip as BEGIN (a simple query), typically
   * the row locks the transaction starts with; its rows are not returned. In READ COMMITTED every later
   * statement still takes its snapshot after those locks were granted, as if it had been sent alone.
   * Build it from trusted values only (see `intList`).
   */
  opening?: string;
}

/** Integers for a statement's text (`opening`): throws unless every one is a safe integer. */
export function intList(values: readonly number[]): string {
  if (!values.length || !values.every((v) => Number.isSafeInteger(v))) throw new Error(`intList: not a list of integers: ${values.slice(0, 5).join(',')}`);
  return values.join(',');
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
