import { describe, expect, it } from '@jest/globals';
import { concurrentReads } from './concurrent-reads.js';

describe('concurrentReads', () => {
  it('answers the loads of one event-loop turn with one read, each with its own value, duplicates included', async () => {
    const batches: number[][] = [];
    const read = concurrentReads(async (keys: readonly number[]) => {
      batches.push([...keys]);
      return keys.map((k) => `v${k}`);
    });
    const first = await Promise.all([read(1), read(2), read(1), read(3)]);
    expect(first).toEqual(['v1', 'v2', 'v1', 'v3']);
    expect(batches).toEqual([[1, 2, 1, 3]]);
    // Nothing is cached: a later load reads again.
    expect(await read(1)).toBe('v1');
    expect(batches).toHaveLength(2);
  });

  it('loads issued from separate I/O callbacks of the same turn share the read', async () => {
    const batches: number[][] = [];
    const read = concurrentReads(async (keys: readonly number[]) => {
      batches.push([...keys]);
      return [...keys];
    });
    // Two timers due at once run in one timers phase, before the check phase that sends the batch.
    const answers = await Promise.all([
      new Promise<number>((resolve) => setTimeout(() => resolve(read(7)), 0)),
      new Promise<number>((resolve) => setTimeout(() => resolve(read(8)), 0)),
    ]);
    expect(answers).toEqual([7, 8]);
    expect(batches).toEqual([[7, 8]]);
  });

  it('fails every load of a batch whose read fails, and a read that returns the wrong count', async () => {
    const failing = concurrentReads(async () => {
      throw new Error('connection lost');
    });
    await expect(Promise.all([failing(1), failing(2)])).rejects.toThrow('connection lost');
    const short = concurrentReads(async () => ['only one']);
    const results = await Promise.allSettled([short(1), short(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
