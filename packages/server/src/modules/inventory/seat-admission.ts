import type { Redis } from 'ioredis';

/**
 * Admission control in front of PostgreSQL for hot inventory (a trip everyone wants). It keeps an
 * approximate count of what is left per inventory key and answers "try" or "sold out" without a
 * database round trip. PostgreSQL stays the truth: an admitted request still takes its seats with a
 * conditional UPDATE, and gives the admission back if that fails.
 *
 * Keys expire (`ttlSeconds`) and are rebuilt from PostgreSQL on the next request, so a count that
 * drifted (a crash between the two steps, Redis losing its keys, a restart) heals by itself.
 */
export interface SeatAdmission {
  /**
   * Takes `n` from the key: 'ADMITTED', 'SOLD_OUT' (with what is left), or 'UNKNOWN' (rebuild it
   * from PostgreSQL first): the key is missing, or it is short but a lock it counts has expired
   * since it was built (`nowMs` ≥ its next expiry), so the truth may have more. An admitted request
   * will hold its seats until `holdUntilMs`, which becomes the key's next expiry if it is sooner.
   */
  tryTake(
    key: string, n: number, nowMs: number, holdUntilMs: number,
  ): Promise<{ result: 'ADMITTED' } | { result: 'SOLD_OUT'; left: number } | { result: 'UNKNOWN'; reason: 'MISSING' | 'EXPIRED_LOCKS' }>;
  /**
   * Sets the count read from PostgreSQL, with the next instant one of the locks it counts expires.
   * `ifAbsent` (a missing key): only the first of many simultaneous rebuilds writes, so requests
   * admitted meanwhile are not counted twice. `replace` (a key short of seats whose locks expired):
   * overwrites.
   */
  seed(key: string, available: number, nextExpiryMs: number | null, mode: 'ifAbsent' | 'replace'): Promise<void>;
  /** Lowers the count to at most `maxLeft` (PostgreSQL refused an admitted request: the key was optimistic). */
  clamp(key: string, maxLeft: number): Promise<void>;
  /** Gives `n` back (an admitted request that failed later, a cancelled or expired order). No-op if the key is gone. */
  giveBack(key: string, n: number): Promise<void>;
  /** Forgets a key so the next request rebuilds it (after an admin capacity change). */
  forget(key: string): Promise<void>;
}

/** The inventory key of a trip, or of a package on a travel date. */
export const tripKey = (tripId: number) => `trip:${tripId}`;
export const packageKey = (productId: number, date: string) => `pkg:${productId}:${date}`;

/** In-process admission for the embedded default (one instance). */
export class MemorySeatAdmission implements SeatAdmission {
  private readonly counts = new Map<string, { left: number; expiresAt: number; nextExpiry: number | null }>();

  constructor(private readonly ttlSeconds = 30) {}

  async tryTake(key: string, n: number, nowMs: number, holdUntilMs: number) {
    const e = this.counts.get(key);
    if (!e || e.expiresAt <= Date.now()) return { result: 'UNKNOWN' as const, reason: 'MISSING' as const };
    if (e.left < n && e.nextExpiry !== null && nowMs >= e.nextExpiry) return { result: 'UNKNOWN' as const, reason: 'EXPIRED_LOCKS' as const };
    if (e.left < n) return { result: 'SOLD_OUT' as const, left: Math.max(e.left, 0) };
    e.left -= n;
    // A key in use never expires under a burst (a rebuild then would miss the seats admitted but not yet committed).
    e.expiresAt = Date.now() + this.ttlSeconds * 1000;
    if (e.nextExpiry === null || holdUntilMs < e.nextExpiry) e.nextExpiry = holdUntilMs;
    return { result: 'ADMITTED' as const };
  }

  async seed(key: string, available: number, nextExpiryMs: number | null, mode: 'ifAbsent' | 'replace') {
    const e = this.counts.get(key);
    if (mode === 'ifAbsent' && e && e.expiresAt > Date.now()) return;
    this.counts.set(key, { left: available, expiresAt: Date.now() + this.ttlSeconds * 1000, nextExpiry: nextExpiryMs });
  }

  async clamp(key: string, maxLeft: number) {
    const e = this.counts.get(key);
    if (e && e.left > maxLeft) e.left = Math.max(0, maxLeft);
  }

  async giveBack(key: string, n: number) {
    const e = this.counts.get(key);
    if (e && e.expiresAt > Date.now()) e.left += n;
  }

  async forget(key: string) {
    this.counts.delete(key);
  }
}

// KEYS[1] = counter hash {left, next}; ARGV[1] = n, ARGV[2] = now (ms), ARGV[3] = hold until (ms), ARGV[4] = ttl (s).
// Returns {1} admitted, {0, left} sold out, {-1} unknown (missing, or short with an expired lock inside).
const TAKE = `
local v = redis.call('HMGET', KEYS[1], 'left', 'next')
if not v[1] then return {-1} end
local left = tonumber(v[1])
local n = tonumber(ARGV[1])
if left < n then
  if v[2] and v[2] ~= '' and tonumber(ARGV[2]) >= tonumber(v[2]) then return {-2} end
  return {0, left}
end
redis.call('HINCRBY', KEYS[1], 'left', -n)
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
if not v[2] or v[2] == '' or tonumber(ARGV[3]) < tonumber(v[2]) then redis.call('HSET', KEYS[1], 'next', ARGV[3]) end
return {1}`;

// Gives back only while the key lives: HINCRBY on a missing key would invent a count.
const GIVE_BACK = `if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('HINCRBY', KEYS[1], 'left', ARGV[1]) end return nil`;

// Seeds only a missing key (HSETNX on 'left' decides which of many simultaneous rebuilds wins).
const SEED_IF_ABSENT = `
if redis.call('HSETNX', KEYS[1], 'left', ARGV[1]) == 1 then
  redis.call('HSET', KEYS[1], 'next', ARGV[2])
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
end
return 1`;

// Lowers 'left' to at most ARGV[1].
const CLAMP = `
local v = redis.call('HGET', KEYS[1], 'left')
if v and tonumber(v) > tonumber(ARGV[1]) then redis.call('HSET', KEYS[1], 'left', ARGV[1]) end
return 1`;

/** Redis admission shared by every instance: one atomic script per request. */
export class RedisSeatAdmission implements SeatAdmission {
  constructor(private readonly redis: Redis, private readonly prefix: string, private readonly ttlSeconds = 30) {}

  private k(key: string) {
    return `${this.prefix}inv:${key}`;
  }

  async tryTake(key: string, n: number, nowMs: number, holdUntilMs: number) {
    const r = (await this.redis.eval(TAKE, 1, this.k(key), n, nowMs, holdUntilMs, this.ttlSeconds)) as number[];
    if (r[0] === 1) return { result: 'ADMITTED' as const };
    if (r[0] === 0) return { result: 'SOLD_OUT' as const, left: Math.max(Number(r[1]), 0) };
    return { result: 'UNKNOWN' as const, reason: r[0] === -1 ? ('MISSING' as const) : ('EXPIRED_LOCKS' as const) };
  }

  async seed(key: string, available: number, nextExpiryMs: number | null, mode: 'ifAbsent' | 'replace') {
    if (mode === 'ifAbsent') {
      await this.redis.eval(SEED_IF_ABSENT, 1, this.k(key), Math.max(0, available), nextExpiryMs ?? '', this.ttlSeconds);
      return;
    }
    // Replacing is the truth of a moment ago; requests admitted meanwhile are still checked by
    // PostgreSQL, so a race can only admit a few too many, never sell them.
    await this.redis
      .multi()
      .hset(this.k(key), 'left', available, 'next', nextExpiryMs ?? '')
      .expire(this.k(key), this.ttlSeconds)
      .exec();
  }

  async giveBack(key: string, n: number) {
    await this.redis.eval(GIVE_BACK, 1, this.k(key), n);
  }

  async clamp(key: string, maxLeft: number) {
    await this.redis.eval(CLAMP, 1, this.k(key), Math.max(0, maxLeft));
  }

  async forget(key: string) {
    await this.redis.del(this.k(key));
  }
}
