import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A lease on a named lock; `release` is safe to call twice and never frees someone else's lease. */
export interface Lease {
  release(): Promise<void>;
}

/** Mutual exclusion across instances with expiring leases (cron jobs, rebuilds). */
export interface LockManager {
  /** Takes the lock if free; null when someone else holds it. */
  tryAcquire(name: string, ttlMs: number): Promise<Lease | null>;
}

/** In-process locks for the embedded default. */
export class MemoryLockManager implements LockManager {
  private readonly held = new Map<string, { token: string; until: number }>();

  async tryAcquire(name: string, ttlMs: number): Promise<Lease | null> {
    const now = Date.now();
    const cur = this.held.get(name);
    if (cur && cur.until > now) return null;
    const token = randomUUID();
    this.held.set(name, { token, until: now + ttlMs });
    return {
      release: async () => {
        if (this.held.get(name)?.token === token) this.held.delete(name);
      },
    };
  }
}

const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** Redis locks: SET NX PX with a random token, released by a compare-and-delete script. */
export class RedisLockManager implements LockManager {
  constructor(private readonly redis: Redis, private readonly prefix: string) {}

  async tryAcquire(name: string, ttlMs: number): Promise<Lease | null> {
    const key = `${this.prefix}lock:${name}`;
    const token = randomUUID();
    const ok = await this.redis.set(key, token, 'PX', ttlMs, 'NX');
    if (ok !== 'OK') return null;
    return {
      release: async () => {
        await this.redis.eval(RELEASE_SCRIPT, 1, key, token);
      },
    };
  }
}
