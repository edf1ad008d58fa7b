import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisCache } from './cache.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('RedisCache versions (real Redis)', () => {
  let redis: Redis;
  let bumper: Redis;
  const prefix = `spec-cache-${randomBytes(4).toString('hex')}:`;
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
    bumper = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    const keys = await bumper.keys(`${prefix}*`);
    if (keys.length) await bumper.del(...keys);
    redis.disconnect();
    bumper.disconnect();
  });

  it('requests of one event-loop turn share one MGET; each still sees every bump made before it asked', async () => {
    const cache = new RedisCache(redis, prefix);
    const mgets: string[][] = [];
    const mget = redis.mget.bind(redis) as (...keys: string[]) => Promise<Array<string | null>>;
    (redis as unknown as { mget: typeof mget }).mget = (...keys: string[]) => {
      mgets.push(keys);
      return mget(...keys);
    };
    await cache.bump('catalog');
    const together = await Promise.all([cache.versions(['catalog', 'settings']), cache.versions(['catalog']), cache.versions(['settings', 'trips'])]);
    expect(together).toEqual([[1, 0], [1], [0, 0]]);
    expect(mgets).toEqual([[`${prefix}v:catalog`, `${prefix}v:settings`, `${prefix}v:trips`]]);

    // A bump by another instance (another connection), then a read: the read is sent after it and sees it.
    await bumper.incr(`${prefix}v:catalog`);
    expect(await cache.versions(['catalog'])).toEqual([2]);
    expect(mgets).toHaveLength(2);
    expect(await cache.versions([])).toEqual([]);
  });
});
