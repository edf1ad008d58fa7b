import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { hkDate, startTestServer, type TestServer } from '../support/harness.js';

const SEARCH = `query Search($input: SearchOffersInput!) {
  searchOffers(input: $input) {
    date blackout blackoutReason origin { code } destination { code }
    offers { id kind productId productName available lowStock totalPrice unavailableReason refundSummary currency
      priceLines { passengerType count unitPrice subtotal }
      trip { tripId departureAt mode originStation destinationStation operatorName }
      entitlements { name scope uses merchantName } }
  }
}`;

describe('catalog search (US-010 A)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => {
    await s?.close();
  });

  const search = (input: Record<string, unknown>) => s.gql(SEARCH, { input });

  it('lists trips and the pass for Shenzhen → Hong Kong, priced for the party under the tiers', async () => {
    const date = hkDate(2);
    const res = await search({ origin: 'SZX', destination: '香港', date, passengers: [{ type: 'ADULT', count: 2 }, { type: 'CHILD', count: 1 }] });
    expect(res.errors).toBeUndefined();
    const r = res.data.searchOffers;
    expect(r.origin.code).toBe('SZX');
    expect(r.blackout).toBe(false);
    const ferries = r.offers.filter((o: any) => o.kind === 'TICKET' && o.trip.mode === 'FERRY');
    const buses = r.offers.filter((o: any) => o.kind === 'TICKET' && o.trip.mode === 'BUS');
    expect(ferries).toHaveLength(7);
    expect(buses).toHaveLength(8);
    // 2 adults × ¥260 + 1 child × ¥195 on the Shekou ferry.
    expect(ferries[0].totalPrice).toBe(2 * 26000 + 19500);
    expect(ferries[0].priceLines).toEqual([
      { passengerType: 'ADULT', count: 2, unitPrice: 26000, subtotal: 52000 },
      { passengerType: 'CHILD', count: 1, unitPrice: 19500, subtotal: 19500 },
    ]);
    expect(ferries[0].available).toBe(200);
    expect(ferries[0].refundSummary).toContain('48小时');
    const pass = r.offers.find((o: any) => o.productId === '101');
    expect(pass.kind).toBe('PACKAGE');
    expect(pass.totalPrice).toBe(2 * 4200 + 2100);
    expect(pass.available).toBe(500);
    expect(pass.entitlements.map((e: any) => e.scope)).toEqual(['PER_PASSENGER', 'PER_PASSENGER', 'PER_PASSENGER', 'SHARED']);
    // Trips come in departure order.
    const times = r.offers.filter((o: any) => o.trip).map((o: any) => o.trip.departureAt);
    expect([...times].sort()).toEqual(times);
  });

  it('applies the group tier from four passengers', async () => {
    const res = await search({ origin: 'shenzhen', destination: 'HKG', date: hkDate(3), passengers: [{ type: 'ADULT', count: 4 }] });
    const ferry = res.data.searchOffers.offers.find((o: any) => o.trip?.mode === 'FERRY');
    expect(ferry.totalPrice).toBe(4 * 23400);
  });

  it('answers unknown cities, past dates, bad dates and empty parties with coded errors', async () => {
    const unknown = await search({ origin: 'Atlantis', destination: 'HKG', date: hkDate(1), passengers: [{ type: 'ADULT', count: 1 }] });
    expect(unknown.errors?.[0].extensions.code).toBe('CITY_NOT_FOUND');
    const past = await search({ origin: 'SZX', destination: 'HKG', date: hkDate(-1), passengers: [{ type: 'ADULT', count: 1 }] });
    expect(past.errors?.[0].extensions.code).toBe('DATE_IN_PAST');
    const bad = await search({ origin: 'SZX', destination: 'HKG', date: '2026-02-30', passengers: [{ type: 'ADULT', count: 1 }] });
    expect(bad.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const empty = await search({ origin: 'SZX', destination: 'HKG', date: hkDate(1), passengers: [{ type: 'ADULT', count: 0 }] });
    expect(empty.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const huge = await search({ origin: 'SZX', destination: 'HKG', date: hkDate(1), passengers: [{ type: 'ADULT', count: 100 }] });
    expect(huge.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const negative = await search({ origin: 'SZX', destination: 'HKG', date: hkDate(1), passengers: [{ type: 'ADULT', count: -1 }] });
    expect(negative.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    for (const r of [unknown, past, bad, empty, huge, negative]) {
      expect(r.status).toBeLessThan(500);
      expect(JSON.stringify(r.errors)).not.toContain('stacktrace');
    }
  });

  it('hides a product on its blackout date and empties a day blacked out for everything', async () => {
    const date20 = hkDate(20);
    const r20 = await search({ origin: 'MFM', destination: 'HKG', date: date20, passengers: [{ type: 'ADULT', count: 1 }] });
    expect(r20.data.searchOffers.offers.map((o: any) => o.productId)).not.toContain('102');
    expect(r20.data.searchOffers.offers.map((o: any) => o.productId)).toContain('101');

    const date = hkDate(5);
    const before = await search({ origin: 'SZX', destination: 'HKG', date, passengers: [{ type: 'ADULT', count: 1 }] });
    expect(before.data.searchOffers.offers.length).toBeGreaterThan(0);
    await s.app.services.catalogAdmin.addBlackoutDate(s.systemContext(), date, null, '台风停航');
    const after = await search({ origin: 'SZX', destination: 'HKG', date, passengers: [{ type: 'ADULT', count: 1 }] });
    expect(after.data.searchOffers).toMatchObject({ blackout: true, blackoutReason: '台风停航', offers: [] });
    const cal = await s.gql(`query($y: Int!) { blackoutDates(year: $y) { date productId reason } }`, { y: Number(date.slice(0, 4)) });
    expect(cal.data.blackoutDates).toContainEqual({ date, productId: null, reason: '台风停航' });
  });

  it('serves a cached search and shows a changed price at once', async () => {
    const input = { origin: 'MFM', destination: 'HKG', date: hkDate(4), passengers: [{ type: 'ADULT', count: 1 }] };
    const first = await search(input);
    const ferry = first.data.searchOffers.offers.find((o: any) => o.kind === 'TICKET');
    expect(ferry.totalPrice).toBe(17500);

    const statementsBefore = s.app.db.stats.statements;
    await search(input);
    // From cache: only the live availability read touches the database.
    expect(s.app.db.stats.statements - statementsBefore).toBeLessThanOrEqual(2);

    await s.app.services.catalogAdmin.replaceFareTiers(s.systemContext(), Number(ferry.productId), [
      { passengerType: 'ADULT', minQty: 1, maxQty: null, unitPrice: 15000 },
      { passengerType: 'CHILD', minQty: 1, maxQty: null, unitPrice: 9000 },
    ]);
    const second = await search(input);
    expect(second.data.searchOffers.offers.find((o: any) => o.kind === 'TICKET').totalPrice).toBe(15000);
  });

  it('refuses a fare table with a gap', async () => {
    await expect(
      s.app.services.catalogAdmin.replaceFareTiers(s.systemContext(), 1, [
        { passengerType: 'ADULT', minQty: 1, maxQty: 2, unitPrice: 100 },
        { passengerType: 'ADULT', minQty: 4, maxQty: null, unitPrice: 90 },
      ]),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('resolves nested routes, stations and cities with a bounded number of statements (DataLoader)', async () => {
    await s.app.services.catalogAdmin.invalidate(s.systemContext());
    const before = s.app.db.stats.statements;
    const res = await s.gql(
      `query($input: SearchOffersInput!) { searchOffers(input: $input) { offers { id trip { route { code origin { nameZh city { nameZh } } destination { city { code } } operator { name } } } } } }`,
      { input: { origin: 'HKG', destination: 'SZX', date: hkDate(6), passengers: [{ type: 'ADULT', count: 1 }] } },
    );
    expect(res.errors).toBeUndefined();
    const offers = res.data.searchOffers.offers.filter((o: any) => o.trip);
    expect(offers.length).toBeGreaterThanOrEqual(15);
    expect(offers[0].trip.route.destination.city.code).toBe('SZX');
    const used = s.app.db.stats.statements - before;
    // Uncached search (≤ 6) plus one batched statement per nested level (route, station, merchant, city).
    expect(used).toBeLessThanOrEqual(12);
  });

  it('lists cities hot first and finds them by pinyin', async () => {
    const all = await s.gql(`{ cities { code isHot } }`);
    expect(all.data.cities[0].isHot).toBe(true);
    const found = await s.gql(`{ cities(query: "aomen") { code nameZh } }`);
    expect(found.data.cities).toEqual([{ code: 'MFM', nameZh: '澳门' }]);
  });

  it('GET /products/:id shows a pass and what is left today', async () => {
    const res = await s.rest('GET', `/products/101?date=${hkDate(1)}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ product_id: 101, name: '3-in-1 Transport Pass', available: 500, kind: 'PACKAGE' });
    expect((await s.rest('GET', '/products/999999')).status).toBe(404);
    expect((await s.rest('GET', '/products/abc')).status).toBe(400);
  });
});
