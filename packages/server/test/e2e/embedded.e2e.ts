import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hkDate, startTestServer, type TestServer } from '../support/harness.js';

/** The laptop default: no DATABASE_URL, no REDIS_URL → PGlite in a folder and in-memory adapters. */
describe('embedded default (PGlite + in-memory)', () => {
  let s: TestServer;
  const dir = mkdtempSync(join(tmpdir(), 'dt-embedded-'));
  beforeAll(async () => {
    s = await startTestServer({ embedded: { dataDir: dir } });
  }, 120_000);
  afterAll(async () => {
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('migrates, seeds and answers searchOffers', async () => {
    expect(s.app.db.kind).toBe('pglite');
    expect(s.app.redis).toBeNull();
    const res = await s.gql(
      `query($input: SearchOffersInput!) { searchOffers(input: $input) { offers { kind productId available totalPrice } } }`,
      { input: { origin: 'HKG', destination: 'MFM', date: hkDate(1), passengers: [{ type: 'ADULT', count: 1 }] } },
    );
    expect(res.errors).toBeUndefined();
    const tickets = res.data.searchOffers.offers.filter((o: any) => o.kind === 'TICKET');
    expect(tickets.length).toBeGreaterThan(0);
    expect(tickets[0]).toMatchObject({ available: 300, totalPrice: 17500 });
    const ready = await s.rest('GET', '/readyz');
    expect(ready.body).toEqual({ status: 'ready', database: true, redis: 'in-memory' });
  });

  it('folds the dashboard rollups on PGlite too (issue 14)', async () => {
    const o = (await s.rest('POST', '/orders', { items: [{ product_id: 101, qty: 1 }] })).body;
    const admin = (await s.gql(`mutation { adminLogin(username: "admin", password: "admin12345") { token } }`, {}, null)).data.adminLogin.token;
    const m = await s.gql(`{ adminMetrics { conversion { created } rollups { backfilled } } }`, {}, admin);
    expect(m.errors).toBeUndefined();
    expect(o.order_id).toBeDefined();
    expect(m.data.adminMetrics).toEqual({ conversion: { created: 1 }, rollups: { backfilled: true } });
  });
});
