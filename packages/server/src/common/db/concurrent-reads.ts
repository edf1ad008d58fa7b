import DataLoader from 'dataloader';

/**
 * Shares one read among concurrent requests: every `load` issued while the event loop handles the
 * current batch of sockets is answered by ONE statement, sent when that batch is done (setImmediate).
 * Nothing is cached: each load still reads PostgreSQL at that moment, so the answers are as fresh as
 * a read of its own would be. On this 2-core box a statement costs far more in round trips than in
 * rows (docs/performance.md), and the redeem path reads the staff session and the scan per request.
 * (Not only PostgreSQL: the cache versions every request reads from Redis share one MGET the same way.)
 *
 * `loadMany` gets the keys of one batch (duplicates included) and returns one value per key, in order.
 */
export function concurrentReads<K, V>(loadMany: (keys: readonly K[]) => Promise<V[]>, maxBatchSize = 200): (key: K) => Promise<V> {
  const loader = new DataLoader<K, V>(
    async (keys) => {
      const values = await loadMany(keys);
      if (values.length !== keys.length) throw new Error(`concurrentReads: ${values.length} values for ${keys.length} keys`);
      return values;
    },
    { cache: false, maxBatchSize, batchScheduleFn: (run) => setImmediate(run) },
  );
  return (key) => loader.load(key);
}
