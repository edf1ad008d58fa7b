import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Sql } from '../common/db/sql.js';
import type { GroupCommitStats } from '../common/db/group-commit.js';

/**
 * Prometheus metrics of one process (served at /metrics): HTTP and GraphQL latency histograms, error
 * counts, and business gauges read from the database at scrape time (orders and tickets by status,
 * outbox backlog, notification states, flagged payments), so every instance reports the same truth.
 */
export function createMetrics(db: Sql, groupCommits: () => Record<string, GroupCommitStats> = () => ({})) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const graphqlDuration = new Histogram({
    name: 'graphql_operation_duration_seconds',
    help: 'GraphQL operation duration by operation name',
    labelNames: ['operation'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const graphqlErrors = new Counter({
    name: 'graphql_errors_total',
    help: 'GraphQL errors by code',
    labelNames: ['code'],
    registers: [registry],
  });
  const byStatus = (name: string, help: string, query: string, label = 'status') =>
    new Gauge({
      name,
      help,
      labelNames: [label],
      registers: [registry],
      async collect() {
        try {
          const rows = await db.query<{ key: string; n: number }>(query);
          this.reset();
          for (const r of rows) this.set({ [label]: r.key }, r.n);
        } catch {
          // A table another module adds may not exist yet: report nothing rather than fail the scrape.
        }
      },
    });
  // Scrapes come every few seconds from every Prometheus: nothing here may scan a big table. Orders and
  // tickets come from the dashboard rollups (as of the last fold, a few seconds old, docs/admin.md);
  // outbox and notifications count only the states an operator acts on, one index range each.
  byStatus('deeptravel_orders', 'Orders by status (dashboard rollups, as of the last fold)', 'SELECT status AS key, sum(orders)::int AS n FROM rollup_order_day GROUP BY status HAVING sum(orders) <> 0');
  byStatus('deeptravel_tickets', 'Tickets by status (dashboard rollups, as of the last fold)', 'SELECT status AS key, sum(tickets)::int AS n FROM rollup_ticket_day GROUP BY status HAVING sum(tickets) <> 0');
  byStatus(
    'deeptravel_outbox_events',
    'Outbox events waiting or dead, by status',
    `SELECT s AS key, (SELECT count(*) FROM outbox_event e WHERE e.status = s)::int AS n FROM unnest(ARRAY['PENDING', 'DEAD']) AS s`,
  );
  byStatus(
    'deeptravel_notifications',
    'Notification messages not (yet) delivered, by status',
    `SELECT s AS key, (SELECT count(*) FROM notification m WHERE m.status = s)::int AS n FROM unnest(ARRAY['PENDING', 'SENDING', 'FAILED', 'UNCONFIRMED', 'DEAD']) AS s`,
  );
  byStatus('deeptravel_refunds', 'Refunds by status', 'SELECT status AS key, count(*)::int AS n FROM refund GROUP BY status');
  byStatus('deeptravel_payment_anomalies', 'Flagged payment notifications by kind', 'SELECT kind AS key, count(*)::int AS n FROM payment_anomaly WHERE NOT resolved GROUP BY kind', 'kind');
  const publicQueryCache = new Counter({
    name: 'graphql_public_query_cache_total',
    help: 'Answers to public persisted queries, from the response cache (hit) or executed (miss)',
    labelNames: ['result'],
    registers: [registry],
  });
  // Group commit (orders, redeems): how many jobs each transaction carried, read from the committers'
  // own counters at scrape time. jobs{mode="grouped"} ÷ transactions is the mean group size.
  new Counter({
    name: 'deeptravel_group_commit_jobs_total',
    help: 'Jobs committed by group commit, in a group of several or alone, by committer',
    labelNames: ['committer', 'mode'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [committer, s] of Object.entries(groupCommits())) {
        this.inc({ committer, mode: 'grouped' }, s.groupedJobs);
        this.inc({ committer, mode: 'alone' }, s.alone);
      }
    },
  });
  new Counter({
    name: 'deeptravel_group_commit_transactions_total',
    help: 'Group transactions, committed or rolled back (their jobs then ran alone), by committer',
    labelNames: ['committer', 'result'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [committer, s] of Object.entries(groupCommits())) {
        this.inc({ committer, result: 'committed' }, s.groups);
        this.inc({ committer, result: 'rolled_back' }, s.failedGroups);
      }
    },
  });
  return { registry, httpDuration, graphqlDuration, graphqlErrors, publicQueryCache };
}
export type Metrics = ReturnType<typeof createMetrics>;
