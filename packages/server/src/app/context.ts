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

/** Builds the context of one request (HTTP, GraphQL or a WebSocket operation). */
export function createRequestContext(app: App, requestId: string, principal: Principal | null, ip: string | null = null): RequestContext {
  return {
    requestId,
    app,
    // The trace id (when tracing is on) ties log lines to the trace of the same request.
    log: app.log.child(activeTraceId() ? { requestId, traceId: activeTraceId() } : { requestId }),
    principal,
    em: app.orm.em.fork(),
    loaders: createLoaders(app.db),
    system: false,
    ip,
  };
}

/** A context for scheduled jobs and other work no request started. */
export function createSystemContext(app: App, name: string): RequestContext {
  return { ...createRequestContext(app, `job:${name}`, null), system: true };
}
