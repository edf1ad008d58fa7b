import { createPubSub, type PubSub } from '@graphql-yoga/subscription';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import type { Redis } from 'ioredis';

/**
 * Typed pub/sub topics (one map, as the type-graphql examples keep them). Payloads are plain JSON
 * so they cross instances through Redis unchanged.
 */
export type Topics = {
  /** A merchant console's live redemption feed, one channel per merchant. */
  REDEMPTION_RECORDED: [merchantId: number, payload: Record<string, unknown>];
  /** Something cached changed; every instance drops its local copies. */
  CACHE_INVALIDATED: [payload: { namespace: string }];
};

export type AppPubSub = PubSub<Topics>;

/** In-process pub/sub for the embedded default (one instance). */
export function createMemoryPubSub(): AppPubSub {
  return createPubSub<Topics>();
}

/** Pub/sub over Redis so a subscriber on one instance hears a publish on another. */
export function createRedisPubSub(publishClient: Redis, subscribeClient: Redis): AppPubSub {
  return createPubSub<Topics>({ eventTarget: createRedisEventTarget({ publishClient, subscribeClient }) });
}
