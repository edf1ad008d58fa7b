import type { Logger } from '../../app/logger.js';
import { inSpan, SpanKind, tracingEnabled } from '../tracing.js';
import type { Clock } from '../clock.js';
import type { Database, TxSql } from '../db/sql.js';

/** An event as handlers see it. `id` is stable across retries: handlers de-duplicate on it. */
export interface OutboxMessage<P = Record<string, unknown>> {
  id: number;
  topic: string;
  payload: P;
  attempt: number;
}

/** Delivers one event; throwing means "retry later", `PermanentDeliveryError` means "give up". */
export type OutboxHandler = (message: OutboxMessage) => Promise<void>;

/**
 * Delivers several events of one topic at once (in one transaction, say). All or nothing: when it
 * throws, each event is delivered again on its own by the topic's `OutboxHandler`, which gives each
 * its own outcome (retry, back-off, DEAD), so the batch form need not sort out per-event failures.
 */
export type OutboxBatchHandler = (messages: OutboxMessage[]) => Promise<void>;

/** A failure that retrying cannot fix (bad template, unknown recipient): the event goes DEAD. */
export class PermanentDeliveryError extends Error {}

/** Retry schedule of the dispatcher. */
export interface OutboxPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long a claimed event stays invisible to other dispatchers while it is delivered. */
  leaseMs: number;
  batchSize: number;
}

export const DEFAULT_OUTBOX_POLICY: OutboxPolicy = {
  maxAttempts: 10,
  baseDelayMs: 1000,
  maxDelayMs: 3_600_000,
  leaseMs: 60_000,
  batchSize: 50,
};

/**
 * The transactional outbox: `add` writes an event in the caller's transaction; the dispatcher
 * delivers it after commit (kicked at once, and by a poll for retries and other instances' events).
 * A rolled-back transaction leaves no event, so nothing is ever announced that did not happen.
 */
export class Outbox {
  private readonly handlers = new Map<string, OutboxHandler>();
  private readonly batchHandlers = new Map<string, OutboxBatchHandler>();
  private readonly concurrency = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private running = false;
  private again = false;
  private stopped = false;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly policy: OutboxPolicy = DEFAULT_OUTBOX_POLICY,
  ) {}

  /**
   * Registers the handler of a topic (one per topic: a second registration is a bug and fails at
   * start instead of silently replacing the first). Events of topics with no handler are marked delivered.
   */
  on(topic: string, handler: OutboxHandler, opts: { batch?: OutboxBatchHandler; concurrency?: number } = {}): void {
    if (this.handlers.has(topic)) throw new Error(`outbox topic ${topic} already has a handler`);
    this.handlers.set(topic, handler);
    // A burst of one topic (a redeem per second per gate, a notify per paid order) is delivered by
    // the batch form, consecutive events of a claimed batch together: one transaction instead of one each.
    if (opts.batch) this.batchHandlers.set(topic, opts.batch);
    // Events that each wait on someone else (a WeChat send: ~100 ms) go several at a time, or one
    // process could send only ~10 a second. Only for handlers whose events are independent of each other.
    if (opts.concurrency && opts.concurrency > 1) this.concurrency.set(topic, Math.floor(opts.concurrency));
  }

  /** Writes an event inside the transaction `sql`; it is dispatched once that transaction commits. */
  async add(sql: TxSql, topic: string, payload: Record<string, unknown>): Promise<void> {
    // Queued: sent with the transaction's next statement or just before its COMMIT (TxSql.later).
    // An event no handler consumes is kept as a record, written as delivered: nothing claims it.
    const now = this.clock.now();
    if (!this.hasHandler(topic)) {
      sql.later(`INSERT INTO outbox_event (topic, payload, available_at, status, delivered_at) VALUES ($1, $2, $3, 'DELIVERED', $3)`, [topic, JSON.stringify(payload), now]);
      return;
    }
    sql.later('INSERT INTO outbox_event (topic, payload, available_at) VALUES ($1, $2, $3)', [topic, JSON.stringify(payload), now]);
    sql.afterCommit(() => this.kick());
  }

  /** True when a handler consumes this topic (events of other topics are written already delivered). */
  hasHandler(topic: string): boolean {
    return this.handlers.has(topic);
  }

  /** Writes several events of one topic inside `sql` in one statement (a redeem group). */
  async addMany(sql: TxSql, topic: string, payloads: Array<Record<string, unknown>>): Promise<void> {
    if (!payloads.length) return;
    const handled = this.hasHandler(topic);
    await sql.query(
      `INSERT INTO outbox_event (topic, payload, available_at, status, delivered_at)
       SELECT $1, e.p, $3::timestamptz, CASE WHEN $4::boolean THEN 'PENDING' ELSE 'DELIVERED' END, CASE WHEN $4::boolean THEN NULL ELSE $3::timestamptz END
         FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS e(p, n) ORDER BY e.n`,
      [topic, JSON.stringify(payloads), this.clock.now(), handled],
    );
    if (handled) sql.afterCommit(() => this.kick());
  }

  /** Starts polling (for retries, and for events other instances wrote). */
  start(pollMs = 1000): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    while (this.running) await new Promise((r) => setTimeout(r, 10));
  }

  /** Asks for a dispatch round soon; rounds never overlap within one process. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    void this.drain().catch((err) => this.log.error({ err }, 'outbox dispatch failed'));
  }

  /** Delivers every due event now; resolves when none is left due (tests call it directly). */
  async drain(): Promise<number> {
    if (this.running) {
      this.again = true;
      while (this.running) await new Promise((r) => setTimeout(r, 5));
    }
    this.running = true;
    let delivered = 0;
    try {
      do {
        this.again = false;
        const batch = await this.claim();
        // Delivered events are marked in one statement per batch, not one commit each (at-least-once
        // either way: a crash before the mark re-delivers after the lease, and handlers de-duplicate).
        const done: number[] = [];
        try {
          for (const run of runsOfOneTopic(batch)) {
            if (run.length > 1 && (await this.deliverRun(run))) done.push(...run.map((m) => m.id));
            else await this.deliverEach(run, done);
          }
        } finally {
          if (done.length) await this.markDelivered(done);
        }
        delivered += done.length;
        if (batch.length === this.policy.batchSize) this.again = true;
      } while (this.again && !this.stopped);
    } finally {
      this.running = false;
    }
    return delivered;
  }

  /** Takes a lease on due events so no other dispatcher delivers them at the same time. */
  private async claim(): Promise<OutboxMessage[]> {
    const now = this.clock.now();
    const rows = await this.db.query<{ id: number; topic: string; payload: Record<string, unknown>; attempts: number }>(
      `UPDATE outbox_event SET attempts = attempts + 1, available_at = $2
        WHERE id IN (SELECT id FROM outbox_event WHERE status = 'PENDING' AND available_at <= $1
                      ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)
        RETURNING id, topic, payload, attempts`,
      [now, new Date(now.getTime() + this.policy.leaseMs), this.policy.batchSize],
    );
    return rows
      .sort((a, b) => a.id - b.id)
      .map((r) => ({ id: Number(r.id), topic: r.topic, payload: r.payload, attempt: r.attempts }));
  }

  private async markDelivered(ids: number[]): Promise<void> {
    await this.db.query(`UPDATE outbox_event SET status = 'DELIVERED', delivered_at = $2, last_error = NULL WHERE id = ANY($1::bigint[])`, [ids, this.clock.now()]);
  }

  /** A run of one topic through its batch handler; false (nothing marked) when there is none or it failed. */
  private async deliverRun(run: OutboxMessage[]): Promise<boolean> {
    const topic = run[0].topic;
    const batch = this.batchHandlers.get(topic);
    if (!batch) return false;
    try {
      if (!tracingEnabled()) await batch(run);
      else await inSpan(`outbox ${topic} (batch)`, { 'messaging.system': 'outbox', 'messaging.destination.name': topic, 'messaging.batch.message_count': run.length }, () => batch(run), SpanKind.CONSUMER);
      return true;
    } catch (err) {
      // Expected now and then (one bad event spoils its batch): each is delivered alone next.
      this.log.debug({ err, topic, size: run.length }, 'outbox batch failed; delivering its events one by one');
      return false;
    }
  }

  /** Each event of a run alone: in order, or up to the topic's `concurrency` at a time. Delivered ids go to `done`. */
  private async deliverEach(run: OutboxMessage[], done: number[]): Promise<void> {
    const width = Math.min(this.concurrency.get(run[0].topic) ?? 1, run.length);
    let next = 0;
    // Settled, not raced: a lane that fails (the database gone) lets the others finish before the
    // round ends, so a round never ends with deliveries of it still running.
    const lanes = await Promise.allSettled(Array.from({ length: width }, async () => {
      while (next < run.length) {
        const msg = run[next++];
        if (await this.deliver(msg)) done.push(msg.id);
      }
    }));
    const failed = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private deliver(msg: OutboxMessage): Promise<boolean> {
    if (!tracingEnabled()) return this.deliverNow(msg);
    return inSpan(`outbox ${msg.topic}`, { 'messaging.system': 'outbox', 'messaging.destination.name': msg.topic, 'messaging.message.id': String(msg.id), 'outbox.attempt': msg.attempt }, () => this.deliverNow(msg), SpanKind.CONSUMER);
  }

  private async deliverNow(msg: OutboxMessage): Promise<boolean> {
    const handler = this.handlers.get(msg.topic);
    try {
      if (handler) await handler(msg);
      return true;
    } catch (err) {
      const permanent = err instanceof PermanentDeliveryError || msg.attempt >= this.policy.maxAttempts;
      const delay = Math.min(this.policy.baseDelayMs * 2 ** (msg.attempt - 1), this.policy.maxDelayMs);
      const jittered = Math.round(delay * (0.8 + Math.random() * 0.4));
      this.log.warn({ err, eventId: msg.id, topic: msg.topic, attempt: msg.attempt, permanent }, 'outbox delivery failed');
      await this.db.query(`UPDATE outbox_event SET status = $2, available_at = $3, last_error = $4 WHERE id = $1`, [
        msg.id,
        permanent ? 'DEAD' : 'PENDING',
        new Date(this.clock.now().getTime() + jittered),
        String((err as Error)?.message ?? err).slice(0, 1000),
      ]);
      return false;
    }
  }
}

/** Consecutive events of one topic, in id order (so a batch never overtakes an event of another topic). */
function runsOfOneTopic(messages: OutboxMessage[]): OutboxMessage[][] {
  const runs: OutboxMessage[][] = [];
  for (const m of messages) {
    const last = runs[runs.length - 1];
    if (last && last[0].topic === m.topic) last.push(m);
    else runs.push([m]);
  }
  return runs;
}
