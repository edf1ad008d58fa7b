import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createTestDatabase, startTestServer, TEST_REDIS_URL, type TestDatabase, type TestServer } from '../support/harness.js';
import { buyPaid, qrOf, scanAndRedeem, staffLogin, subscribeFeed } from '../support/redemption-fixtures.js';

/** Two server processes on one PostgreSQL and one Redis: the live feed crosses instances. */
describe('redemption across two instances', () => {
  let db: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  let dir: string;
  const redisPrefix = `dt-test-${randomBytes(4).toString('hex')}:`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dt-qr-'));
    const keyFile = join(dir, 'qr.pem');
    writeFileSync(keyFile, generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }));
    db = await createTestDatabase();
    const env = { QR_SIGNING_KEY_FILE: keyFile };
    // One after the other: the first migrates and seeds, the second finds it done.
    a = await startTestServer({ database: db, redisPrefix, env });
    b = await startTestServer({ database: db, redisPrefix, env });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await db?.drop();
    const redis = new Redis(TEST_REDIS_URL);
    const keys = await redis.keys(`${redisPrefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a console subscribed on the first instance receives a redemption made on the second', async () => {
    const manager = await staffLogin(a, 'turbojet-manager', 'TURBOJET-T2');
    const staffOnB = await staffLogin(b, 'turbojet-staff', 'TURBOJET-T1');
    const citybusOnB = await staffLogin(b, 'citybus-staff', 'CITYBUS-T1');
    const feed = await subscribeFeed(a, manager);
    try {
      // The traveller bought on A; the gate's request hits B.
      const { tickets } = await buyPaid(a);
      const payload = await qrOf(a, tickets[0].ticket_code);
      const redeemed = await scanAndRedeem(b, staffOnB, payload);
      const [event] = await feed.waitFor(1);
      expect(event).toMatchObject({ id: redeemed.id, terminalCode: 'TURBOJET-T1', staffUsername: 'turbojet-staff', ticketCode: tickets[0].ticket_code });
      // Another merchant's redemption on B never reaches TurboJET's console.
      await scanAndRedeem(b, citybusOnB, await qrOf(b, tickets[0].ticket_code));
      await new Promise((r) => setTimeout(r, 300));
      expect(feed.events).toHaveLength(1);
    } finally {
      await feed.close();
    }
  });

  it('disabling a terminal on one instance ends its tokens on the other at once, and its open live feed', async () => {
    const staffOnA = await staffLogin(a, 'turbojet-staff', 'TURBOJET-T1');
    const managerOnB = await staffLogin(b, 'turbojet-manager', 'TURBOJET-T2');
    const feed = await subscribeFeed(a, staffOnA);
    try {
      const [t1] = await b.app.db.query<{ id: number }>(`SELECT id FROM terminal WHERE code = 'TURBOJET-T1'`);
      const off = await b.gql('mutation($id: ID!) { setTerminalEnabled(terminalId: $id, enabled: false) { enabled } }', { id: String(t1.id) }, managerOnB);
      expect(off.data.setTerminalEnabled.enabled).toBe(false);
      expect((await a.gql('{ staffMe { username } }', {}, staffOnA)).errors?.[0].extensions.code).toBe('TERMINAL_DISABLED');
      // The open feed re-checks its terminal (at most every 2 s) when the merchant's next event arrives, and ends.
      a.clock.advance(5_000);
      const { tickets } = await buyPaid(b);
      await scanAndRedeem(b, managerOnB, await qrOf(b, tickets[0].ticket_code));
      const until = Date.now() + 5000;
      while (!feed.errors.length && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(JSON.stringify(feed.errors)).toContain('"code":"TERMINAL_DISABLED"');
      expect(feed.events).toHaveLength(0);
    } finally {
      await feed.close();
    }
  });
});
