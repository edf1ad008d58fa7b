import { activeTraceId } from '../common/tracing.js';
import type { EntityManager } from '@mikro-orm/core';
import type { Logger } from './logger.js';
import type { App } from './app.js';
import type { Principal } from '../modules/identity/auth.service.js';
import { createLoaders, type Loaders } from './loaders.js';

/**
 * Everything a service needs about one request, passed first to every service method (Vendure's
 * RequestContext): who calls, a forked EntityManager, per-request DataLoaders, a request-scoped log.
 */
export interface RequestContext {
  requestId: string;
  app: App;
  log: Logger;
  principal: Principal | null;
  /** A fork of the EntityManager for this request only; the global one is never used in requests. */
  em: EntityManager;
  loaders: Loaders;
  /** True only for contexts the server makes for itself (jobs, outbox handlers, tests' set-up). */
  system: boolean;
  /** The client's IP (X-Forwarded-For only when TRUST_PROXY), for rate limits and logs. */
  ip: string | null;
}

/**
 * A request context whose log child, EntityManager fork and loaders are made on first use: most hot
 * requests (createOrder, redeem, notify) use plain SQL and never touch them (docs/performance.md).
 * They are getters on the prototype, not own properties, so Apollo's per-request clone of the context
 * (`Object.assign(Object.create(proto), ctx)`) copies the fields without forcing them.
 */
class LazyRequestContext implements RequestContext {
  system = false;
  private lazyLog: Logger | undefined = undefined;
  private lazyEm: EntityManager | undefined = undefined;
  private lazyLoaders: Loaders | undefined = undefined;

  constructor(
    readonly requestId: string,
    readonly app: App,
    public principal: Principal | null,
    public ip: string | null,
    private readonly traceId: string | undefined,
  ) {}

  get log(): Logger {
    return (this.lazyLog ??= this.app.log.child(this.traceId ? { requestId: this.requestId, traceId: this.traceId } : { requestId: this.requestId }));
  }
  set log(v: Logger) {
    this.lazyLog = v;
  }
  get em(): EntityManager {
    return (this.lazyEm ??= this.app.orm.em.fork());
  }
  set em(v: EntityManager) {
    this.lazyEm = v;
  }
  get loaders(): Loaders {
    return (this.lazyLoaders ??= createLoaders(this.app.db));
  }
  set loaders(v: Loaders) {
    this.lazyLoaders = v;
  }
}

/** Builds the context of one request (HTTP, GraphQL or a WebSocket operation). */
export function createRequestContext(app: App, requestId: string, principal: Principal | null, ip: string | null = null): RequestContext {
  // The trace id (when tracing is on) ties log lines to the trace of the same request; read it now, in the request's span.
  return new LazyRequestContext(requestId, app, principal, ip, activeTraceId() || undefined);
}

/** A context for scheduled jobs and other work no request started. */
export function createSystemContext(app: App, name: string): RequestContext {
  // Not a spread: that would run the lazy getters above.
  const ctx = createRequestContext(app, `job:${name}`, null);
  ctx.system = true;
  return ctx;
}
