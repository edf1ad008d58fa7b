import type { Cache } from './cache.js';

/** Namespaces whose versions a request reads together, in one round trip, on its first version read. */
const READ_TOGETHER = ['catalog', 'settings'];

/** The part of a request context this needs (kept structural so `common` does not import `app`). */
interface HasCache {
  app: { cache: Cache };
}

const perRequest = new WeakMap<object, Map<string, Promise<number>>>();

/**
 * The version of a cache namespace as this request sees it. Read once per request: the first read
 * fetches the catalog and settings versions together (one MGET on Redis), later reads in the same
 * request reuse them, so an order that looks at settings, trips, products and blackouts costs one
 * round trip for versions instead of four (docs/performance.md). A bump made by the same request
 * (`bumpVersion`) is seen by its later reads.
 */
export function versionFor(ctx: HasCache, namespace: string): Promise<number> {
  let seen = perRequest.get(ctx);
  if (!seen) perRequest.set(ctx, (seen = new Map()));
  let v = seen.get(namespace);
  if (v === undefined) {
    const names = READ_TOGETHER.includes(namespace) ? READ_TOGETHER.filter((n) => !seen.has(n)) : [namespace];
    const all = ctx.app.cache.versions(names);
    all.catch(() => names.forEach((n) => seen.delete(n)));
    names.forEach((n, i) => seen.set(n, all.then((vs) => vs[i])));
    v = seen.get(namespace)!;
  }
  return v;
}

/** Moves a namespace to a new version (everything cached under it is unreachable everywhere at once). */
export async function bumpVersion(ctx: HasCache, namespace: string): Promise<number> {
  const next = await ctx.app.cache.bump(namespace);
  perRequest.get(ctx)?.set(namespace, Promise.resolve(next));
  return next;
}
