import type { Redis } from 'ioredis';

/** The answer of a rate-limit check. */
export interface RateDecision {
  allowed: boolean;
  /** When refused: how long until the oldest counted request leaves the window. */
  retryAfterMs: number;
}

/**
 * Sliding-window rate limits: at most `limit` requests per `windowMs` per key, counted over the
 * last window (not fixed buckets, so a burst at a bucket edge cannot double the limit).
 */
export interface RateLimiter {
  hit(key: string, limit: number, windowMs: number, nowMs: number): Promise<RateDecision>;
}

/** In-process limits for the embedded default (one instance). */
export class MemoryRateLimiter implements RateLimiter {
  private readonly hits = new Map<string, number[]>();

  async hit(key: string, limit: number, windowMs: number, nowMs: number): Promise<RateDecision> {
    const list = (this.hits.get(key) ?? []).filter((t) => t > nowMs - windowMs);
    if (list.length >= limit) {
      this.hits.set(key, list);
      return { allowed: false, retryAfterMs: Math.max(1, list[0] + windowMs - nowMs) };
    }
    list.push(nowMs);
    this.hits.set(key, list);
    if (this.hits.size > 100_000) this.hits.delete(this.hits.keys().next().value as string);
    return { allowed: true, retryAfterMs: 0 };
  }
}

// KEYS[1] = sorted set of request times; ARGV = now, window, limit, member.
const SLIDING_WINDOW = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], 0, tonumber(ARGV[1]) - tonumber(ARGV[2]))
local n = redis.call('ZCARD', KEYS[1])
if n >= tonumber(ARGV[3]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, tonumber(oldest[2]) + tonumber(ARGV[2]) - tonumber(ARGV[1])}
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {1, 0}`;

/** Limits shared by every instance: one atomic script per check. */
export class RedisRateLimiter implements RateLimiter {
  private seq = 0;

  constructor(private readonly redis: Redis, private readonly prefix: string) {}

  async hit(key: string, limit: number, windowMs: number, nowMs: number): Promise<RateDecision> {
    const member = `${nowMs}:${process.pid}:${this.seq++}`;
    const [ok, retry] = (await this.redis.eval(SLIDING_WINDOW, 1, `${this.prefix}rl:${key}`, nowMs, windowMs, limit, member)) as number[];
    return { allowed: ok === 1, retryAfterMs: ok === 1 ? 0 : Math.max(1, Number(retry)) };
  }
}
