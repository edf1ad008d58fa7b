import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { hkDate, startTestServer, type TestServer } from '../support/harness.js';
import { DEFAULT_PERSISTED_QUERIES_FILE } from '../../src/http/persisted-queries.js';

/** The app's own persisted document of an operation, with its hash (as the apps send it). */
function persistedOperation(name: string): { hash: string; query: string } {
  const manifest = JSON.parse(readFileSync(DEFAULT_PERSISTED_QUERIES_FILE, 'utf8')) as Record<string, string>;
  const found = Object.entries(manifest).find(([, q]) => new RegExp(`^(query|mutation) ${name}\\b`).test(q));
  if (!found) throw new Error(`no persisted ${name} in ${DEFAULT_PERSISTED_QUERIES_FILE}`);
  return { hash: found[0], query: found[1] };
}

/**
 * Issue 9: whole answers to the apps' public persisted queries (search) are reused for a short time
 * per process, keyed by hash, variables and catalog version (src/http/response-cache.ts).
 */
describe('public query response cache', () => {
  let s: TestServer;
  let adminToken: string;
  const search = persistedOperation('SearchOffers');
  const myOrders = persistedOperation('MyOrders');
  const date = hkDate(3);
  const variables = { input: { origin: 'SZX', destination: 'HKG', date, passengers: [{ type: 'ADULT', count: 1 }] } };

  /** Sends a persisted operation the way the apps do (operationName, query, variables, hash). */
  const send = async (op: { hash: string; query: string }, vars: unknown, token: string | null = null) => {
    const res = await fetch(`${s.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ operationName: /^(?:query|mutation) (\w+)/.exec(op.query)![1], query: op.query, variables: vars, extensions: { persistedQuery: { version: 1, sha256Hash: op.hash } } }),
    });
    return { status: res.status, text: await res.text() };
  };
  /** The cache counters from /metrics. */
  const counters = async () => {
    const text = await (await fetch(`${s.url}/metrics`)).text();
    const read = (result: string) => Number(new RegExp(`graphql_public_query_cache_total\\{result="${result}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    return { hit: read('hit'), miss: read('miss') };
  };

  beforeAll(async () => {
    // A long entry life, so that only the catalog version can make the cache miss in these checks.
    s = await startTestServer({ env: { PUBLIC_QUERY_CACHE_MS: '60000' } });
    adminToken = (await s.gql(`mutation { adminLogin(username: "admin", password: "admin12345") { token } }`, {}, null)).data.adminLogin.token;
  });
  afterAll(async () => {
    await s?.close();
  });

  it('executes 40 concurrent identical searches once and answers all with the same bytes', async () => {
    const before = await counters();
    const answers = await Promise.all(Array.from({ length: 40 }, () => send(search, variables)));
    const after = await counters();
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const parsed = JSON.parse(answers[0].text);
    expect(parsed.errors).toBeUndefined();
    expect(parsed.data.searchOffers.offers.length).toBeGreaterThan(0);
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(after.miss - before.miss).toBe(1);
    expect(after.hit - before.hit).toBe(39);
  });

  it('keys on the variables: another date or party is its own answer', async () => {
    const before = await counters();
    const two = { input: { ...variables.input, passengers: [{ type: 'ADULT', count: 2 }] } };
    const a = JSON.parse((await send(search, two)).text);
    const one = JSON.parse((await send(search, variables)).text);
    const after = await counters();
    expect(after.miss - before.miss).toBe(1);
    expect(after.hit - before.hit).toBe(1);
    const priceOf = (r: any) => r.data.searchOffers.offers.find((o: any) => o.kind === 'TICKET').totalPrice;
    expect(priceOf(a)).toBe(2 * priceOf(one));
  });

  it('never serves an answer from before an admin change (the key carries the catalog version)', async () => {
    const first = JSON.parse((await send(search, variables)).text);
    const offer = first.data.searchOffers.offers.find((o: any) => o.kind === 'TICKET');
    const set = await s.gql(
      `mutation($p: ID!) { adminSetFareTiers(productId: $p, tiers: [{ passengerType: ADULT, minQty: 1, unitPrice: 12345 }]) }`,
      { p: offer.productId },
      adminToken,
    );
    expect(set.errors).toBeUndefined();
    const before = await counters();
    const second = JSON.parse((await send(search, variables)).text);
    expect((await counters()).miss - before.miss).toBe(1);
    expect(second.data.searchOffers.offers.find((o: any) => o.id === offer.id).totalPrice).toBe(12345);
  });

  it('does not cache private documents, free-form documents or errors, and a bad token still gets UNAUTHENTICATED', async () => {
    const before = await counters();
    const mine = await send(myOrders, { limit: 5 }, 'user123');
    expect(JSON.parse(mine.text).errors).toBeUndefined();
    const freeForm = await s.gql(`query($i: SearchOffersInput!) { searchOffers(input: $i) { date } }`, { i: variables.input }, null);
    expect(freeForm.errors).toBeUndefined();
    expect(await counters()).toEqual(before);

    const past = { input: { ...variables.input, date: '2000-01-01' } };
    expect(JSON.parse((await send(search, past)).text).errors[0].extensions.code).toBe('DATE_IN_PAST');
    expect(JSON.parse((await send(search, past)).text).errors[0].extensions.code).toBe('DATE_IN_PAST');
    expect((await counters()).miss - before.miss).toBe(2);

    const forged = await send(search, variables, 'v1.forged.token');
    expect(JSON.parse(forged.text).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const signedIn = await send(search, variables, 'user123');
    expect(JSON.parse(signedIn.text).data.searchOffers.offers.length).toBeGreaterThan(0);
  });
});

describe('public query response cache: entries expire', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ env: { PUBLIC_QUERY_CACHE_MS: '200' } });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('shows seats taken by an order once the entry (and the one-second availability read) has aged out', async () => {
    const search = persistedOperation('SearchOffers');
    const vars = { input: { origin: 'SZX', destination: 'HKG', date: hkDate(5) } };
    const ask = async () => {
      const res = await fetch(`${s.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ operationName: 'SearchOffers', query: search.query, variables: vars, extensions: { persistedQuery: { version: 1, sha256Hash: search.hash } } }),
      });
      return ((await res.json()) as any).data.searchOffers.offers as Array<{ id: string; kind: string; productId: string; available: number; trip: { tripId: string } | null }>;
    };
    const offer = (await ask()).find((o) => o.kind === 'TICKET' && o.trip)!;
    const order = await s.rest('POST', '/orders', { items: [{ product_id: Number(offer.productId), trip_id: Number(offer.trip!.tripId), qty: 3 }] });
    expect(order.status).toBe(200);
    // Bounded wait for the two caches to age out (entry 200 ms, availability 1 s), not a fixed sleep.
    const deadline = Date.now() + 5000;
    let seen = offer.available;
    while (seen !== offer.available - 3 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      seen = (await ask()).find((o) => o.id === offer.id)!.available;
    }
    expect(seen).toBe(offer.available - 3);
  });
});
