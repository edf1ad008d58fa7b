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
  /** A traveller's order (or one of its tickets) changed; one channel per order (`myOrderUpdated`). */
  ORDER_UPDATED: [orderId: number, payload: { orderId: number }];
  /** Something cached changed; every instance drops its local copies. */
  CACHE_INVALIDATED: [payload: { namespace: string }];
};

export type AppPubSub = PubSub<Topics>;

/** In-process pub/sub for the embedded default (one instance). */
export function createMemoryPubSub(): AppPubSub {
  return createPubSub<Topics>();
}

/**
 * Pub/sub over Redis so a subscriber on one instance hears a publish on another. The event target
 * drops the promises of PUBLISH/SUBSCRIBE/UNSUBSCRIBE: while Redis is down they would reject
 * unhandled and end the process, so they are caught here and reported to `onError`.
 */
export function createRedisPubSub(publishClient: Redis, subscribeClient: Redis, onError: (err: unknown) => void, channelPrefix = ''): AppPubSub {
  const caught = (client: Redis, methods: readonly string[]): Redis =>
    new Proxy(client, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        if (typeof prop === 'string' && methods.includes(prop)) {
          return (...args: unknown[]) => (value.apply(target, args) as Promise<unknown>).catch(onError);
        }
        return value.bind(target);
      },
    });
  const target = createRedisEventTarget({ publishClient: caught(publishClient, ['publish']), subscribeClient: caught(subscribeClient, ['subscribe', 'unsubscribe']) });
  return createPubSub<Topics>({ eventTarget: channelPrefix ? prefixedEventTarget(target, channelPrefix) : target });
}

/**
 * Channels named `<prefix><topic>:<id>`: deployments (and parallel test servers) sharing one Redis
 * under different `REDIS_PREFIX`es never hear each other's events. Listeners read only `detail`.
 */
function prefixedEventTarget<T extends ReturnType<typeof createRedisEventTarget>>(target: T, prefix: string): T {
  return {
    addEventListener: (topic: string, listener: Parameters<T['addEventListener']>[1]) => target.addEventListener(prefix + topic, listener),
    removeEventListener: (topic: string, listener: Parameters<T['removeEventListener']>[1]) => target.removeEventListener(prefix + topic, listener),
    dispatchEvent: (event: CustomEvent) => target.dispatchEvent(new CustomEvent(prefix + event.type, { detail: event.detail })),
  } as T;
}
