import { describe, expect, it } from '@jest/globals';
import { isPublicQueryDocument, PublicResponseCache } from './response-cache.js';

describe('isPublicQueryDocument', () => {
  it('accepts queries made of public root fields only', () => {
    expect(isPublicQueryDocument('query S($i: SearchOffersInput!) { searchOffers(input: $i) { date } }')).toBe(true);
    expect(isPublicQueryDocument('{ cities { code } __typename }')).toBe(true);
  });
  it('refuses private fields, mutations, root fragments, directives, several operations and bad text', () => {
    expect(isPublicQueryDocument('{ cities { code } me { id } }')).toBe(false);
    expect(isPublicQueryDocument('mutation { cities }')).toBe(false);
    expect(isPublicQueryDocument('query { ...F } fragment F on Query { cities { code } }')).toBe(false);
    expect(isPublicQueryDocument('query($s: Boolean!) { cities @include(if: $s) { code } }')).toBe(false);
    expect(isPublicQueryDocument('query A { cities { code } } query B { cities { code } }')).toBe(false);
    expect(isPublicQueryDocument('{ cities {')).toBe(false);
  });
});

describe('PublicResponseCache', () => {
  const docs: Record<string, string> = { pub: '{ cities { code } }', priv: '{ me { id } }' };
  it('decides per hash, and is off when ttl is 0', () => {
    const cache = new PublicResponseCache(1000, (h) => docs[h]);
    expect([cache.isCacheable('pub'), cache.isCacheable('priv'), cache.isCacheable('unknown')]).toEqual([true, false, false]);
    expect(new PublicResponseCache(0, (h) => docs[h]).isCacheable('pub')).toBe(false);
  });
  it('shares one execution between concurrent callers, keeps only clean 200s, and evicts beyond its bound', async () => {
    const cache = new PublicResponseCache(60_000, (h) => docs[h], 2);
    let runs = 0;
    const ok = async () => {
      runs++;
      await new Promise((r) => setImmediate(r));
      return { status: 200, headers: {}, body: '{"data":{}}' };
    };
    const all = await Promise.all([cache.answer('a', ok), cache.answer('a', ok), cache.answer('a', ok)]);
    expect(runs).toBe(1);
    expect(all.map((x) => x.hit)).toEqual([false, true, true]);
    await cache.answer('err', async () => ({ status: 200, headers: {}, body: '{"errors":[]}' }));
    expect((await cache.answer('err', ok)).hit).toBe(false);
    await cache.answer('b', ok);
    await cache.answer('c', ok);
    expect(cache.size).toBe(2);
    expect((await cache.answer('a', ok)).hit).toBe(false);
    expect(PublicResponseCache.keyOf('h', { operationName: 'S', variables: { x: 1 } }, 3)).not.toBe(PublicResponseCache.keyOf('h', { operationName: 'S', variables: { x: 1 } }, 4));
  });
});
