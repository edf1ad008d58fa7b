import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { Outbox, PermanentDeliveryError, type OutboxMessage } from '../../src/common/outbox/outbox.js';
import { startTestServer, type TestServer } from '../support/harness.js';

describe('transactional outbox', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ seed: false });
  });
  afterAll(async () => {
    await s?.close();
  });

  const silent = pino({ level: 'silent' });
  const policy = { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 10_000, leaseMs: 30_000, batchSize: 10 };
  const statusOf = async (id: number) =>
    (await s.app.db.query<{ status: string; attempts: number }>('SELECT status, attempts FROM outbox_event WHERE id = $1', [id]))[0];

  it('delivers an event only after its transaction commits, and never one that rolled back', async () => {
    const outbox = new Outbox(s.app.db, s.clock, silent, policy);
    const seen: OutboxMessage[] = [];
    outbox.on('test.committed', async (m) => {
      seen.push(m);
    });
    let idInside = 0;
    await s.app.db.tx(async (sql) => {
      idInside = await outbox.add(sql, 'test.committed', { n: 1 });
      // Not visible to the dispatcher while the transaction is open.
      expect(await outbox.drain()).toBe(0);
    });
    await outbox.drain();
    expect(seen.map((m) => m.id)).toEqual([idInside]);
    expect(seen[0].payload).toEqual({ n: 1 });
    expect((await statusOf(idInside)).status).toBe('DELIVERED');

    await expect(
      s.app.db.tx(async (sql) => {
        await outbox.add(sql, 'test.committed', { n: 2 });
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    await outbox.drain();
    expect(seen).toHaveLength(1);
    const [{ n }] = await s.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox_event WHERE payload->>'n' = '2'`);
    expect(n).toBe(0);
  });

  it('retries a failing delivery with back-off, then gives up (DEAD) after the last attempt', async () => {
    const outbox = new Outbox(s.app.db, s.clock, silent, policy);
    let calls = 0;
    outbox.on('test.flaky', async () => {
      calls++;
      if (calls < 2) throw new Error('channel down');
    });
    outbox.on('test.broken', async () => {
      throw new Error('always down');
    });
    const flaky = await s.app.db.tx((sql) => outbox.add(sql, 'test.flaky', {}));
    const broken = await s.app.db.tx((sql) => outbox.add(sql, 'test.broken', {}));
    await outbox.drain();
    expect(calls).toBe(1);
    expect(await statusOf(flaky)).toEqual({ status: 'PENDING', attempts: 1 });
    // Not due yet: nothing happens without time passing.
    await outbox.drain();
    expect(calls).toBe(1);
    s.clock.advance(1500);
    await outbox.drain();
    expect(calls).toBe(2);
    expect((await statusOf(flaky)).status).toBe('DELIVERED');
    s.clock.advance(10_000);
    await outbox.drain();
    s.clock.advance(10_000);
    await outbox.drain();
    expect(await statusOf(broken)).toEqual({ status: 'DEAD', attempts: 3 });
  });

  it('gives up at once on a permanent failure', async () => {
    const outbox = new Outbox(s.app.db, s.clock, silent, policy);
    outbox.on('test.permanent', async () => {
      throw new PermanentDeliveryError('no such recipient');
    });
    const id = await s.app.db.tx((sql) => outbox.add(sql, 'test.permanent', {}));
    await outbox.drain();
    expect(await statusOf(id)).toEqual({ status: 'DEAD', attempts: 1 });
  });

  it('delivers each event once when two dispatchers (two instances) race', async () => {
    const a = new Outbox(s.app.db, s.clock, silent, policy);
    const b = new Outbox(s.app.db, s.clock, silent, policy);
    const deliveries = new Map<number, number>();
    const handler = async (m: OutboxMessage) => {
      deliveries.set(m.id, (deliveries.get(m.id) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 2));
    };
    a.on('test.race', handler);
    b.on('test.race', handler);
    const ids: number[] = [];
    await s.app.db.tx(async (sql) => {
      for (let i = 0; i < 40; i++) ids.push(await a.add(sql, 'test.race', { i }));
    });
    await Promise.all([a.drain(), b.drain(), a.drain(), b.drain()]);
    expect([...deliveries.keys()].sort((x, y) => x - y)).toEqual(ids);
    expect([...deliveries.values()].every((n) => n === 1)).toBe(true);
  });
});
