import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { Redis } from 'ioredis';
import { WebSocket } from 'ws';
import { createClient } from 'graphql-ws';
import { ADMIN_DATABASE_URL, createTestDatabase, startTestServer, startTwoInstances, TEST_REDIS_URL, type InstancePair, type TestServer } from '../support/harness.js';
import { addTravellers, addTrip, CREATE_ORDER, tripCounters } from '../support/fixtures.js';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRedisPubSub } from '../../src/common/infra/pubsub.js';

/** Figures of each fault run, kept for docs/reliability.md (test-artifacts/ is not committed). */
const figures: Record<string, unknown> = {};
function record(name: string, data: Record<string, unknown>) {
  figures[name] = data;
  mkdirSync(new URL('../../../../test-artifacts/', import.meta.url), { recursive: true });
  writeFileSync(new URL('../../../../test-artifacts/reliability.json', import.meta.url), JSON.stringify(figures, null, 2));
}

/** Issue 15: rate limits, graceful shutdown, and faults survived (on loopback, bounded). */
describe('operations: rate limits, shutdown, faults', () => {
  describe('rate limits (sliding window, through Redis)', () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer({ env: { RATE_LIMIT_ENABLED: 'true' } });
    });
    afterAll(async () => {
      await s?.close();
    });

    it('refuses the 21st order of a traveller in a minute with 429 and Retry-After, then lets it through later', async () => {
      const codes: number[] = [];
      for (let i = 0; i < 20; i++) codes.push((await s.rest('POST', '/orders', { items: [{ product_id: 101, qty: 1 }] })).status);
      expect(codes.every((c) => c === 200)).toBe(true);
      const rest = await s.rest('POST', '/orders', { items: [{ product_id: 101, qty: 1 }] });
      expect(rest.status).toBe(429);
      expect(rest.body.error.code).toBe('RATE_LIMITED');
      const raw = await fetch(`${s.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer user123' },
        body: JSON.stringify({ query: `mutation { createOrder(input: { items: [{ productId: "101" }] }) { id } }` }),
      });
      expect(raw.status).toBe(429);
      expect(Number(raw.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await raw.json()) as any).errors[0].extensions.code).toBe('RATE_LIMITED');
      // Another traveller is not affected.
      expect((await s.rest('POST', '/orders', { items: [{ product_id: 101, qty: 1 }] }, 'user456')).status).toBe(200);
      s.clock.advance(61_000);
      expect((await s.rest('POST', '/orders', { items: [{ product_id: 101, qty: 1 }] })).status).toBe(200);
    });

    it('limits admin login attempts per username', async () => {
      const tries = [];
      for (let i = 0; i < 11; i++) tries.push(await s.gql(`mutation { adminLogin(username: "admin", password: "wrong-password-${i}") { token } }`, {}, null));
      expect(tries.slice(0, 10).every((t) => t.errors?.[0].extensions.code === 'UNAUTHENTICATED')).toBe(true);
      expect(tries[10].status).toBe(429);
    });
  });

  it('live events stay inside their deployment: pub/sub channels carry the REDIS_PREFIX', async () => {
    const conns = Array.from({ length: 4 }, () => new Redis(TEST_REDIS_URL));
    const fail = (err: unknown) => {
      throw err;
    };
    const a = createRedisPubSub(conns[0], conns[1], fail, 'dt-test-deploy-a:');
    const b = createRedisPubSub(conns[2], conns[3], fail, 'dt-test-deploy-b:');
    try {
      // Both feeds are read in the background; each deployment publishes until it has heard its own
      // final event, which (subscriptions being live by then) would also reach the other on a shared channel.
      const heard: Record<'a' | 'b', Array<Record<string, unknown>>> = { a: [], b: [] };
      const feeds = { a: a.subscribe('REDEMPTION_RECORDED', 7)[Symbol.asyncIterator](), b: b.subscribe('REDEMPTION_RECORDED', 7)[Symbol.asyncIterator]() };
      const readers = (['a', 'b'] as const).map(async (k) => {
        for (;;) {
          const r = await feeds[k].next();
          if (r.done) return;
          heard[k].push(r.value);
        }
      });
      const pubsubs = { a, b };
      for (const k of ['a', 'b'] as const) {
        for (let i = 0; !heard[k].length; i++) {
          if (i > 250) throw new Error(`${k} never heard its own event`);
          pubsubs[k].publish('REDEMPTION_RECORDED', 7, { from: k, warmup: i });
          await new Promise((r) => setTimeout(r, 20));
        }
      }
      for (const k of ['a', 'b'] as const) pubsubs[k].publish('REDEMPTION_RECORDED', 7, { from: k, final: true });
      for (const until = Date.now() + 5_000; !(heard.a.some((e) => e.final) && heard.b.some((e) => e.final)) && Date.now() < until; ) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(heard.a.filter((e) => e.final)).toEqual([{ from: 'a', final: true }]);
      expect(heard.b.filter((e) => e.final)).toEqual([{ from: 'b', final: true }]);
      expect(heard.a.every((e) => e.from === 'a') && heard.b.every((e) => e.from === 'b')).toBe(true);
      await feeds.a.return?.();
      await feeds.b.return?.();
      void readers;
    } finally {
      for (const c of conns) c.disconnect();
    }
  });

  describe('faults on one instance', () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer();
    });
    afterAll(async () => {
      await s?.close();
    });

    it('Redis loses every key and its connections during an order burst: admission is rebuilt from PostgreSQL, no oversell', async () => {
      const trip = await addTrip(s, 60);
      const tokens = await addTravellers(s, 'redis-loss', 400);
      const redis = new Redis(TEST_REDIS_URL);
      const prefix = s.config.REDIS_PREFIX;
      let wiped = 0;
      let connectionsKilled = 0;
      let burstDone = false;
      // Until the burst is answered: every 40 ms the keys go; twice, as in a restart, the server's
      // connections drop too (its own, found by connection name) and ioredis reconnects.
      const wiper = (async () => {
        for (let i = 0; !burstDone; i++) {
          await new Promise((r) => setTimeout(r, 40));
          const keys = await redis.keys(`${prefix}*`);
          if (keys.length) wiped += await redis.del(...keys);
          if (i !== 3 && i !== 8) continue;
          const clients = ((await redis.call('CLIENT', 'LIST', 'TYPE', 'normal')) as string).split('\n');
          for (const line of clients.filter((l) => l.includes(` name=deeptravel@${prefix} `) || l.includes(` name=deeptravel-sub@${prefix} `))) {
            const id = /\bid=(\d+)/.exec(line)?.[1];
            if (id) connectionsKilled += Number(await redis.call('CLIENT', 'KILL', 'ID', id));
          }
        }
      })();
      const results = await Promise.all(tokens.map((t) => s.gql(CREATE_ORDER, { input: { items: [{ productId: '1', tripId: String(trip), qty: 1 }] } }, t)));
      burstDone = true;
      await wiper;
      redis.disconnect();
      record('redis-keys-lost', { requests: results.length, locked: results.filter((r) => r.data?.createOrder).length, soldOut: results.filter((r) => r.errors).length, status5xx: results.filter((r) => r.status >= 500).length, keysWiped: wiped, connectionsKilled });
      expect(wiped).toBeGreaterThan(0);
      expect(connectionsKilled).toBeGreaterThan(0);
      expect(results.filter((r) => r.status >= 500)).toHaveLength(0);
      expect(results.filter((r) => r.data?.createOrder)).toHaveLength(60);
      expect(new Set(results.filter((r) => r.errors).map((r) => r.errors![0].extensions.code))).toEqual(new Set(['SOLD_OUT']));
      expect(await tripCounters(s, trip)).toEqual({ capacity: 60, sold: 0, locked: 60 });
      // The live feed recovers by itself: the subscriber connection was cut twice, ioredis
      // reconnected and re-subscribed, and a publish reaches a subscriber again.
      const feed = s.app.pubsub.subscribe('REDEMPTION_RECORDED', 424242)[Symbol.asyncIterator]();
      const heard = feed.next();
      let published = 0;
      let got: IteratorResult<Record<string, unknown>> | null = null;
      void heard.then((r) => (got = r));
      for (const until = Date.now() + 10_000; !got && Date.now() < until; published++) {
        s.app.pubsub.publish('REDEMPTION_RECORDED', 424242, { probe: published });
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(got).not.toBeNull();
      await feed.return?.();
      // Caches recover by themselves: a search still answers.
      const search = await s.gql(`{ searchOffers(input: { origin: "SZX", destination: "HKG", date: "${new Date(Date.now() + 8 * 3600_000 + 86_400_000).toISOString().slice(0, 10)}" }) { offers { id } } }`);
      expect(search.errors).toBeUndefined();
    }, 60_000);

    it('PostgreSQL connections cut during load: failures are a coded 503, the pool recovers, nothing is half done', async () => {
      const trip = await addTrip(s, 1000);
      const tokens = await addTravellers(s, 'pg-cut', 200);
      const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
      await admin.connect();
      const dbName = new URL(s.config.DATABASE_URL!).pathname.slice(1);
      let cut = 0;
      const cutter = (async () => {
        for (let i = 0; i < 4; i++) {
          await new Promise((r) => setTimeout(r, 30));
          const rows = await admin.query(`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [dbName]);
          cut += rows.rowCount ?? 0;
        }
      })();
      const results = await Promise.all(
        tokens.map((t) => s.rest('POST', '/orders', { items: [{ product_id: 1, trip_id: trip, qty: 1 }] }, t)),
      );
      await cutter;
      await admin.end();
      record('pg-connections-cut', { requests: results.length, backendsTerminated: cut, ok: results.filter((r) => r.status === 200).length, retryable503: results.filter((r) => r.status === 503).length, other: results.filter((r) => r.status !== 200 && r.status !== 503).length });
      expect(cut).toBeGreaterThan(0);
      const byStatus = new Map<number, number>();
      for (const r of results) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
      // Only successes and retryable refusals: no 500.
      expect([...byStatus.keys()].every((st) => st === 200 || st === 503 || st === 429)).toBe(true);
      for (const r of results.filter((x) => x.status === 503)) expect(r.body.error.code).toBe('RETRY_LATER');
      for (const r of results.filter((x) => x.status === 429)) expect(r.body.error.code).toBe('BUSY_RETRY');
      // Nothing half done: every order that exists holds exactly its seat, and the counters agree.
      const [{ held }] = await s.app.db.query<{ held: number }>(
        `SELECT COALESCE(SUM(oi.qty), 0)::int AS held FROM order_item oi JOIN orders o ON o.id = oi.order_id WHERE oi.trip_id = $1 AND o.status = 'PENDING'`,
        [trip],
      );
      const counters = await tripCounters(s, trip);
      expect(counters.locked).toBe(held);
      expect(held).toBe(results.filter((r) => r.status === 200).length);
      // The pool recovered.
      expect((await s.rest('POST', '/orders', { items: [{ product_id: 1, trip_id: trip, qty: 1 }] })).status).toBe(200);
      expect((await s.rest('GET', '/readyz')).status).toBe(200);
    }, 60_000);
  });

  describe('backups', () => {
    it('a pg_dump restored into a new database runs the server with every order and ticket', async () => {
      const src = await startTestServer();
      const target = await createTestDatabase();
      try {
        const o = (await src.rest('POST', '/orders', { items: [{ product_id: 101, qty: 2 }] })).body;
        await src.rest('POST', '/payments/notify', { order_id: o.order_id, gateway_txn_id: `BK-${Date.now()}`, status: 'SUCCESS', amount: o.total_amount }, null);
        const dump = join(mkdtempSync(join(tmpdir(), 'dt-backup-')), 'deeptravel.dump');
        // The commands of docs/operations.md.
        execFileSync('pg_dump', ['--format=custom', '--no-owner', `--file=${dump}`, src.config.DATABASE_URL!]);
        execFileSync('pg_restore', ['--no-owner', `--dbname=${target.url}`, dump]);
        const restored = await startTestServer({ database: target, seed: false, env: { QR_SIGNING_KEY_FILE: join(src.config.DATA_DIR, 'qr-signing-key.pem') } });
        try {
          const back = await restored.rest('GET', `/orders/${o.order_id}`);
          expect(back.body).toMatchObject({ order_id: o.order_id, status: 'PAID', total_amount: o.total_amount });
          const tickets = (await restored.rest('GET', '/my/tickets')).body.tickets.filter((t: any) => t.order_id === o.order_id);
          expect(tickets).toHaveLength(3);
          expect((await restored.rest('GET', '/readyz')).status).toBe(200);
        } finally {
          await restored.close();
        }
      } finally {
        await target.drop().catch(() => undefined);
        await src.close();
      }
    }, 60_000);
  });

  describe('two instances', () => {
    let pair: InstancePair;
    let a: TestServer;
    let b: TestServer;
    beforeAll(async () => {
      pair = await startTwoInstances();
      ({ a, b } = pair);
    });
    afterAll(async () => {
      await pair?.close();
    });

    it('the same notify delivered to both instances at the same instant: one payment, one set of tickets', async () => {
      for (let round = 0; round < 5; round++) {
        const o = (await a.rest('POST', '/orders', { items: [{ product_id: 101, qty: 2 }] })).body;
        const body = { order_id: o.order_id, gateway_txn_id: `TWO-${Date.now()}-${round}`, status: 'SUCCESS', amount: o.total_amount };
        const [ra, rb] = await Promise.all([a.rest('POST', '/payments/notify', body, null), b.rest('POST', '/payments/notify', body, null)]);
        expect([ra.status, rb.status]).toEqual([200, 200]);
        expect(ra.body.tickets_issued).toEqual(rb.body.tickets_issued);
        const [{ n }] = await a.app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ticket WHERE order_id = $1', [o.order_id]);
        expect(n).toBe(3);
        const [{ p }] = await a.app.db.query<{ p: number }>('SELECT count(*)::int AS p FROM payment WHERE order_id = $1', [o.order_id]);
        expect(p).toBe(1);
      }
    });

    it('graceful shutdown: /readyz fails first, subscriptions are closed with 1012 so clients reconnect elsewhere', async () => {
      const extra = await startTestServer({ database: pair.database, redisPrefix: pair.redisPrefix, seed: false });
      const closed = new Promise<number>((resolve) => {
        const client = createClient({
          url: extra.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, onNonLazyError: () => undefined,
          on: { closed: (e) => resolve((e as { code: number }).code) },
        });
        void client;
      });
      await new Promise((r) => setTimeout(r, 100));
      const stopping = extra.http.close({ drainMs: 300 });
      const ready = await fetch(`${extra.url}/readyz`);
      expect(ready.status).toBe(503);
      await stopping;
      expect(await closed).toBe(1012);
      await extra.app.close();
    });
  });
});
