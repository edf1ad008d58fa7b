import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { hkDate, startTwoInstances, type InstancePair, type TestServer } from '../support/harness.js';

/** Two instances on one PostgreSQL and Redis: an admin change on one is seen by the other's next search. */
describe('catalog cache across instances', () => {
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

  it('a price changed through instance B shows in instance A search at once, though A had it cached', async () => {
    const q = `query($d: String!) { searchOffers(input: { origin: "MFM", destination: "HKG", date: $d }) { offers { productId totalPrice } } }`;
    const date = hkDate(3);
    const price = async (s: TestServer) => (await s.gql(q, { d: date })).data.searchOffers.offers.find((o: any) => o.productId === '3').totalPrice;
    expect(await price(a)).toBe(17500);
    expect(await price(a)).toBe(17500);
    await b.app.services.catalogAdmin.replaceFareTiers(b.systemContext(), 3, [
      { passengerType: 'ADULT', minQty: 1, maxQty: null, unitPrice: 16600 },
      { passengerType: 'CHILD', minQty: 1, maxQty: null, unitPrice: 8800 },
    ]);
    expect(await price(a)).toBe(16600);
    expect(await price(b)).toBe(16600);
  });
});
