import { Kind, parse, type OperationDefinitionNode } from 'graphql';

/**
 * Root query fields whose answer is the same for every caller: they read no principal and no
 * per-traveller data (catalog search, cities, blackout dates). Only documents made of these alone
 * are cached; anything else (orders, tickets, `me`…) always executes.
 */
export const PUBLIC_QUERY_FIELDS: ReadonlySet<string> = new Set(['searchOffers', 'cities', 'blackoutDates']);

/** A complete GraphQL-over-HTTP answer, as sent. */
export interface CachedAnswer {
  status: number;
  /** Apollo's own response headers (content-type…); per-request headers are added by the caller. */
  headers: Record<string, string>;
  body: string;
}

/**
 * True when a persisted document can be answered from the response cache: a single operation, a
 * query, whose root selections are public fields (or `__typename`) without directives.
 */
export function isPublicQueryDocument(text: string): boolean {
  let doc;
  try {
    doc = parse(text, { noLocation: true });
  } catch {
    return false;
  }
  const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (ops.length !== 1 || ops[0].operation !== 'query') return false;
  return ops[0].selectionSet.selections.every(
    (s) => s.kind === Kind.FIELD && !s.directives?.length && (s.name.value === '__typename' || PUBLIC_QUERY_FIELDS.has(s.name.value)),
  );
}

/**
 * A short-lived, in-process cache of whole answers to the apps' public persisted queries (search,
 * docs/performance.md "Search response cache"). A hot search asked a thousand times a second is
 * executed once per `ttlMs` per process; the others get the same bytes without parsing, validating
 * or executing anything.
 *
 * Freshness: the key carries the catalog version, so an admin change (which bumps it) is never
 * served from here; seats left may be up to `ttlMs` older than the availability read they came from
 * (itself at most a second old). Ordering always checks seats for real.
 *
 * Concurrent misses of one key share one execution (no stampede when an entry expires). Only
 * `200` answers without `errors` are kept.
 */
export class PublicResponseCache {
  private readonly cacheable = new Map<string, boolean>();
  private readonly entries = new Map<string, { answer: CachedAnswer; until: number }>();
  private readonly inFlight = new Map<string, Promise<CachedAnswer>>();

  /**
   * @param ttlMs how long an answer is served (0 disables the cache)
   * @param documentOf the persisted document of a hash (undefined when unknown)
   * @param maxEntries bound on the entries kept (the oldest goes first)
   */
  constructor(
    readonly ttlMs: number,
    private readonly documentOf: (hash: string) => string | undefined,
    private readonly maxEntries = 10_000,
  ) {}

  /** True when requests for this persisted hash may be answered from the cache (decided once per hash). */
  isCacheable(hash: string): boolean {
    if (this.ttlMs <= 0) return false;
    let known = this.cacheable.get(hash);
    if (known === undefined) {
      const doc = this.documentOf(hash);
      known = doc !== undefined && isPublicQueryDocument(doc);
      this.cacheable.set(hash, known);
    }
    return known;
  }

  /**
   * The cache key of one request: hash, operation name, variables and the catalog version. Variables
   * are keyed by their JSON text: a client sends them in the same order every time.
   */
  static keyOf(hash: string, body: unknown, catalogVersion: number): string {
    const b = (body ?? {}) as { operationName?: unknown; variables?: unknown };
    return `${hash}\u0000${typeof b.operationName === 'string' ? b.operationName : ''}\u0000${JSON.stringify(b.variables ?? {})}\u0000${catalogVersion}`;
  }

  /**
   * The cached answer of `key`, or the answer of `execute` (shared with concurrent callers of the same
   * key, and kept for `ttlMs` when it is a 200 without errors). `hit` tells which.
   */
  async answer(key: string, execute: () => Promise<CachedAnswer>): Promise<{ answer: CachedAnswer; hit: boolean }> {
    const now = Date.now();
    const entry = this.entries.get(key);
    if (entry && entry.until > now) return { answer: entry.answer, hit: true };
    const pending = this.inFlight.get(key);
    if (pending) return { answer: await pending, hit: true };
    const run = execute().then((answer) => {
      if (answer.status === 200 && !answer.body.includes('"errors"')) this.store(key, answer);
      return answer;
    });
    this.inFlight.set(key, run);
    try {
      return { answer: await run, hit: false };
    } finally {
      this.inFlight.delete(key);
    }
  }

  /** How many answers are kept now (expired ones included until overwritten or evicted). */
  get size(): number {
    return this.entries.size;
  }

  private store(key: string, answer: CachedAnswer): void {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      // Drop expired entries first; if none, the oldest (Map keeps insertion order).
      const now = Date.now();
      for (const [k, e] of this.entries) if (e.until <= now) this.entries.delete(k);
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    }
    this.entries.set(key, { answer, until: Date.now() + this.ttlMs });
  }
}
