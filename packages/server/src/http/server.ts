import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap, type BaseContext } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import depthLimit from 'graphql-depth-limit';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { PersistedQueries } from './persisted-queries.js';
import { PublicResponseCache, type CachedAnswer } from './response-cache.js';
import { CATALOG_NAMESPACE } from '../modules/catalog/catalog.service.js';
import type { App } from '../app/app.js';
import { createRequestContext, type RequestContext } from '../app/context.js';
import { AppError, badValue, isBadValueError, isConnectionFailure, retryLater } from '../common/errors.js';
import { buildAppSchema } from '../graphql/schema.js';
import { costLimitRule } from '../graphql/cost-limit.js';
import { GRAPHIQL_PAGE, graphiqlAsset } from './graphiql.js';
import { createMetrics } from './metrics.js';
import { RestRouter, type RestResponse } from './rest-router.js';
import { registerRestRoutes } from './rest-routes.js';
import { activeSpan, inServerSpan } from '../common/tracing.js';

const MAX_BODY_BYTES = 1024 * 1024;

/** A running HTTP server. */
export interface RunningServer {
  server: Server;
  url: string;
  port: number;
  schema: GraphQLSchema;
  /**
   * Graceful stop: /readyz answers 503 at once (the load balancer stops sending), after `drainMs`
   * no new connections are taken, graphql-ws clients are closed with 1012 (service restart: they
   * reconnect, to another instance), requests in flight finish (or are cut after `timeoutMs`).
   */
  close(opts?: { drainMs?: number; timeoutMs?: number }): Promise<void>;
}

/** Turns any error into the client-facing GraphQL error: coded, without internals. */
function formatError(app: App, formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof AppError) {
    return { message: original.message, path: formatted.path, locations: formatted.locations, extensions: { code: original.code, ...original.details } };
  }
  const code = formatted.extensions?.code as string | undefined;
  if (formatted.extensions?.maxCost !== undefined) {
    // Apollo re-labels every validation error; keep our own code for the cost limit.
    return { ...formatted, extensions: { code: 'QUERY_TOO_COMPLEX', cost: formatted.extensions.cost, maxCost: formatted.extensions.maxCost } };
  }
  if (code && code !== 'INTERNAL_SERVER_ERROR') {
    const { stacktrace: _drop, ...ext } = formatted.extensions ?? {};
    return { ...formatted, extensions: ext };
  }
  if (original instanceof GraphQLError && !original.originalError && !code) return formatted;
  if (isConnectionFailure(original)) {
    app.log.warn({ err: original }, 'database connection failed during a request');
    const e = retryLater();
    return { message: e.message, path: formatted.path, locations: formatted.locations, extensions: { code: e.code, ...e.details } };
  }
  if (isBadValueError(original)) {
    app.log.warn({ err: original }, 'a request value the database could not take');
    const e = badValue();
    return { message: e.message, path: formatted.path, locations: formatted.locations, extensions: { code: e.code } };
  }
  app.log.error({ err: original }, 'unexpected GraphQL error');
  return {
    message: 'Internal server error',
    path: formatted.path,
    locations: formatted.locations,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new AppError('BAD_USER_INPUT', 'Request body is too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** One GraphQL-over-HTTP answer: a complete body, or the chunks of an incremental one. */
interface GraphQLAnswer {
  status: number;
  headers: Record<string, string>;
  body?: string;
  chunks?: AsyncIterable<string>;
}

/** Retry-After in whole seconds from an error's details (`retryAfterSeconds`, or `retryAfterMs` rounded up; default 1). */
function retryAfterOf(details: { retryAfterSeconds?: unknown; retryAfterMs?: unknown } | undefined): string {
  if (typeof details?.retryAfterSeconds === 'number') return String(details.retryAfterSeconds);
  if (typeof details?.retryAfterMs === 'number') return String(Math.max(1, Math.ceil(details.retryAfterMs / 1000)));
  return '1';
}

/** The JSON error body of the REST shim. */
export function restError(err: AppError): RestResponse {
  if (err.code === 'RATE_LIMITED' || err.code === 'BUSY_RETRY') {
    return { status: 429, headers: { 'retry-after': retryAfterOf(err.details) }, body: { error: { code: err.code, message: err.message, ...err.details } } };
  }
  return { status: err.httpStatus, body: { error: { code: err.code, message: err.message, ...err.details } } };
}

/**
 * Starts the one HTTP server: /graphql (Apollo over plain node:http, subscriptions over graphql-ws on
 * the same path), the REST shim, /healthz, /readyz, /metrics and the offline GraphiQL.
 */
export async function startHttpServer(app: App, opts: { port: number; host?: string }): Promise<RunningServer> {
  const schema = await buildAppSchema(app.pubsub);
  const metrics = createMetrics(app.db, () => ({
    orders: app.services.orders.orderGroupCommitStats,
    redeems: app.services.redemption.redeemGroupCommitStats,
  }));
  const router = new RestRouter();
  registerRestRoutes(app, router);
  let ready = true;
  // The persisted-query manifest (docs/deploy.md "Persisted queries"): enforce mode answers only its hashes.
  const persisted = PersistedQueries.load(app.config);
  app.log.info({ mode: persisted.mode, documents: persisted.size, file: persisted.file }, 'persisted queries');
  /** True when the bearer token is a valid admin's: admins may send free-form documents in enforce mode. */
  const isAdmin = async (authorization: string | undefined): Promise<boolean> => {
    if (!authorization) return false;
    try {
      return (await app.services.auth.authenticate(authorization))?.kind === 'admin';
    } catch {
      return false;
    }
  };

  const apollo = new ApolloServer<RequestContext>({
    schema,
    introspection: true,
    includeStacktraceInErrorResponses: app.config.NODE_ENV === 'development',
    validationRules: [depthLimit(app.config.GRAPHQL_MAX_DEPTH), costLimitRule(app.config.GRAPHQL_MAX_COST)],
    plugins: [
      // We set no cache hints, trace through OpenTelemetry and serve our own GraphiQL: without these,
      // Apollo wraps every resolver for cache-control bookkeeping (measured at ~5 % of a search).
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      {
        // Latency per operation name (names that are not plain identifiers are grouped, to bound cardinality).
        async requestDidStart() {
          const end = metrics.graphqlDuration.startTimer();
          return {
            async didResolveOperation(rc) {
              // The request's server span is named after the operation ("POST /graphql CreateOrder").
              const span = activeSpan();
              if (!span || !rc.operation) return;
              span.setAttribute('graphql.operation.type', rc.operation.operation);
              if (rc.operationName) span.setAttribute('graphql.operation.name', rc.operationName);
              span.updateName(`POST /graphql ${rc.operationName ?? rc.operation.operation}`);
            },
            async willSendResponse(rc) {
              const name = rc.operationName && /^[A-Za-z][A-Za-z0-9_]{0,40}$/.test(rc.operationName) ? rc.operationName : rc.operation?.operation ?? 'invalid';
              end({ operation: name });
            },
          };
        },
      },
    ],
    formatError: (formatted, error) => {
      const out = formatError(app, formatted, error);
      metrics.graphqlErrors.inc({ code: String(out.extensions?.code ?? 'UNKNOWN') });
      return out;
    },
  });
  await apollo.start();

  const cors = app.config.CORS_ORIGINS.split(',').map((s) => s.trim());
  const corsHeaders = (origin: string | undefined): Record<string, string> => {
    if (!origin) return {};
    const allowed = cors.includes('*') || cors.includes(origin);
    return allowed
      ? {
          'access-control-allow-origin': cors.includes('*') ? '*' : origin,
          'access-control-allow-headers': 'authorization, content-type, idempotency-key, x-request-id, apollo-require-preflight',
          'access-control-allow-methods': 'GET, POST, OPTIONS',
          vary: 'Origin',
        }
      : {};
  };

  const responseCache = new PublicResponseCache(app.config.PUBLIC_QUERY_CACHE_MS, (hash) => persisted.documentOf(hash));
  /**
   * A cached public answer needs no principal, but a request that carries a bad token still gets its
   * UNAUTHENTICATED: such a request skips the cache and executes as usual.
   */
  const tokenIsValid = async (authorization: string | undefined): Promise<boolean> => {
    if (!authorization) return true;
    try {
      await app.services.auth.authenticate(authorization);
      return true;
    } catch {
      return false;
    }
  };

  const contextFor = async (requestId: string, authorization: string | undefined, ip: string | null = null): Promise<RequestContext> => {
    const principal = await app.services.auth.authenticate(authorization);
    return createRequestContext(app, requestId, principal, ip);
  };
  /** The client IP: the socket's, or the load balancer's X-Forwarded-For when TRUST_PROXY is set. */
  const clientIp = (req: IncomingMessage): string | null => {
    const xff = app.config.TRUST_PROXY ? (req.headers['x-forwarded-for'] as string | undefined)?.split(',')[0]?.trim() : undefined;
    return xff || req.socket.remoteAddress || null;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<string> => {
    const url = new URL(req.url ?? '/', 'http://local');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const requestId = (req.headers['x-request-id'] as string | undefined)?.slice(0, 100) || randomUUID();
    const baseHeaders = { 'x-request-id': requestId, ...corsHeaders(req.headers.origin) };
    activeSpan()?.setAttribute('http.request.id', requestId);

    if (method === 'OPTIONS') {
      res.writeHead(204, baseHeaders);
      res.end();
      return 'preflight';
    }
    if (path === '/healthz') {
      sendJson(res, 200, { status: 'ok' }, baseHeaders);
      return path;
    }
    if (path === '/readyz') {
      const dbOk = await app.db.ping();
      const redisOk = app.redis ? await app.redis.ping().then(() => true, () => false) : true;
      const ok = ready && dbOk && redisOk;
      sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : 'not ready', database: dbOk, redis: app.redis ? redisOk : 'in-memory' }, baseHeaders);
      return path;
    }
    if (path === '/metrics') {
      res.writeHead(200, { 'content-type': metrics.registry.contentType });
      res.end(await metrics.registry.metrics());
      return path;
    }
    const asset = graphiqlAsset(path);
    if (asset) {
      res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'public, max-age=86400' });
      res.end(asset.body);
      return 'graphiql';
    }
    if (path === '/graphql') {
      if (method === 'GET' && (req.headers.accept ?? '').includes('text/html')) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(GRAPHIQL_PAGE);
        return 'graphiql';
      }
      const raw = method === 'POST' ? await readBody(req) : Buffer.alloc(0);
      let body: unknown;
      if (raw.length) {
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          sendJson(res, 400, { errors: [{ message: 'Body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] }, baseHeaders);
          return path;
        }
      }
      let search = url.search;
      const decision = persisted.decide(method, body, search, req.headers);
      if (decision.kind === 'refuse' || (decision.kind === 'free-form' && !(await isAdmin(req.headers.authorization)))) {
        const r = decision.kind === 'refuse' ? decision.refusal : PersistedQueries.REQUIRED;
        sendJson(res, 400, { errors: [{ message: r.message, extensions: { code: r.code } }] }, baseHeaders);
        return path;
      }
      if (decision.kind === 'pass') {
        body = decision.body;
        search = decision.search;
      }
      const execute = async (): Promise<GraphQLAnswer> => {
        const headers = new HeaderMap();
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
        const result = await apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest: { method, headers, search, body },
          context: async () => {
            try {
              return await contextFor(requestId, req.headers.authorization, clientIp(req));
            } catch (err) {
              if (err instanceof AppError) {
                throw new GraphQLError(err.message, { extensions: { code: err.code, http: { status: err.httpStatus } } });
              }
              throw err;
            }
          },
        });
        const outHeaders: Record<string, string> = {};
        for (const [k, v] of result.headers) outHeaders[k] = v;
        let status = result.status ?? 200;
        if (result.body.kind !== 'complete') return { status, headers: outHeaders, chunks: result.body.asyncIterator };
        // "Try again later" answers carry Retry-After, for GraphQL too, so clients and proxies back off:
        // 429 for a rate limit or a busy moment (BUSY_RETRY), 503 when the database is unreachable.
        if (/"(RATE_LIMITED|RETRY_LATER|BUSY_RETRY)"/.test(result.body.string)) {
          const parsed = JSON.parse(result.body.string) as { data?: unknown; errors?: Array<{ extensions?: { code?: string; retryAfterSeconds?: number; retryAfterMs?: number } }> };
          const limited = parsed.errors?.find((e) => ['RATE_LIMITED', 'RETRY_LATER', 'BUSY_RETRY'].includes(e.extensions?.code ?? ''));
          const code = limited?.extensions?.code;
          if (limited && (!parsed.data || code !== 'RETRY_LATER')) {
            status = code === 'RETRY_LATER' ? 503 : 429;
            outHeaders['retry-after'] = retryAfterOf(limited.extensions);
          }
        }
        return { status, headers: outHeaders, body: result.body.string };
      };
      let answer: GraphQLAnswer;
      if (method === 'POST' && decision.kind === 'pass' && decision.hash && responseCache.isCacheable(decision.hash) && (await tokenIsValid(req.headers.authorization))) {
        // A public persisted query (search): the same bytes for everyone for a second (response-cache.ts).
        const key = PublicResponseCache.keyOf(decision.hash, body, await app.cache.version(CATALOG_NAMESPACE));
        const cached = await responseCache.answer(key, async (): Promise<CachedAnswer> => {
          const a = await execute();
          if (a.body !== undefined) return { status: a.status, headers: a.headers, body: a.body };
          let text = ''; // an incremental (@defer) answer is kept as the bytes it streamed
          for await (const chunk of a.chunks!) text += chunk;
          return { status: a.status, headers: a.headers, body: text };
        });
        metrics.publicQueryCache.inc({ result: cached.hit ? 'hit' : 'miss' });
        answer = cached.answer;
      } else {
        answer = await execute();
      }
      res.writeHead(answer.status, { ...baseHeaders, ...answer.headers });
      if (answer.body !== undefined) res.end(answer.body);
      else {
        for await (const chunk of answer.chunks!) res.write(chunk);
        res.end();
      }
      return path;
    }

    const matched = router.match(method, path);
    if (matched === null) {
      sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `No route ${method} ${path}` } }, baseHeaders);
      return 'unmatched';
    }
    if (matched === 'methodNotAllowed') {
      sendJson(res, 405, { error: { code: 'METHOD_NOT_ALLOWED', message: `${method} is not allowed on ${path}` } }, baseHeaders);
      return 'unmatched';
    }
    const { route, params } = matched;
    const rawBody = method === 'GET' ? Buffer.alloc(0) : await readBody(req);
    let body: unknown;
    if (!route.raw && rawBody.length) {
      try {
        body = JSON.parse(rawBody.toString('utf8'));
      } catch {
        sendJson(res, 400, { error: { code: 'BAD_USER_INPUT', message: 'Body is not valid JSON' } }, baseHeaders);
        return route.path;
      }
    }
    let ctx: RequestContext;
    try {
      ctx = await contextFor(requestId, req.headers.authorization, clientIp(req));
    } catch (err) {
      if (err instanceof AppError) {
        const e = restError(err);
        sendJson(res, e.status, e.body, baseHeaders);
        return route.path;
      }
      throw err;
    }
    const out = await route.handler({ method, path, params, query: url.searchParams, headers: req.headers, body, rawBody, ctx });
    if (out.text !== undefined) {
      res.writeHead(out.status, { ...baseHeaders, ...(out.headers ?? {}), 'content-length': Buffer.byteLength(out.text) });
      res.end(out.text);
      return route.path;
    }
    sendJson(res, out.status, out.body, { ...baseHeaders, ...(out.headers ?? {}) });
    return route.path;
  };

  // Admission control (HTTP_MAX_IN_FLIGHT): above the limit a request is refused at once, so the ones
  // admitted keep their latency and the rest retry, instead of every request waiting in one queue.
  const maxInFlight = app.config.HTTP_MAX_IN_FLIGHT;
  let inFlight = 0;
  const busyMessage = 'The server is busy; please try again in a moment';
  const server = createServer((req, res) => {
    const end = metrics.httpDuration.startTimer({ method: req.method ?? 'GET' });
    const path = (req.url ?? '/').split('?')[0];
    if (maxInFlight > 0 && req.method !== 'OPTIONS' && path !== '/healthz' && path !== '/readyz' && path !== '/metrics') {
      if (inFlight >= maxInFlight) {
        const body = path === '/graphql'
          ? { errors: [{ message: busyMessage, extensions: { code: 'BUSY_RETRY', retryAfterSeconds: 1 } }] }
          : { error: { code: 'BUSY_RETRY', message: busyMessage, retryAfterSeconds: 1 } };
        sendJson(res, 429, body, { 'retry-after': '1', ...corsHeaders(req.headers.origin) });
        end({ route: 'shed', status: 429 });
        return;
      }
      inFlight++;
      let counted = true;
      res.once('close', () => {
        if (counted) inFlight--;
        counted = false;
      });
    }
    // Probes and scrapes are not traced: a load balancer checks every few seconds.
    const served = path === '/healthz' || path === '/readyz' || path === '/metrics' ? handle(req, res) : inServerSpan(req.method ?? 'GET', path, req.headers, () => handle(req, res), () => res.statusCode);
    served
      .then((route) => end({ route, status: res.statusCode }))
      .catch((err: unknown) => {
        if (err instanceof AppError || isConnectionFailure(err) || isBadValueError(err)) {
          const e = err instanceof AppError ? err : isBadValueError(err) ? badValue() : retryLater();
          if (!(err instanceof AppError)) app.log.warn({ err, url: req.url }, isBadValueError(err) ? 'a request value the database could not take' : 'database connection failed during a request');
          const r = restError(e);
          if (!res.headersSent) sendJson(res, r.status, r.body, { ...(e.code === 'RETRY_LATER' ? { 'retry-after': '1' } : {}), ...(r.headers ?? {}) });
        } else {
          app.log.error({ err, url: req.url }, 'unhandled request error');
          if (!res.headersSent) sendJson(res, 500, { error: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' } });
          else res.end();
        }
        end({ route: 'error', status: res.statusCode });
      });
  });
  server.keepAliveTimeout = 65_000;

  const wsServer = new WebSocketServer({ server, path: '/graphql' });
  const wsCleanup = useServer<Record<string, unknown>>(
    {
      schema,
      context: async (wsCtx) => {
        const auth = (wsCtx.connectionParams?.authorization ?? wsCtx.connectionParams?.Authorization) as string | undefined;
        return contextFor(randomUUID(), auth, clientIp(wsCtx.extra.request));
      },
      onConnect: async (wsCtx) => {
        const auth = (wsCtx.connectionParams?.authorization ?? wsCtx.connectionParams?.Authorization) as string | undefined;
        try {
          await app.services.auth.authenticate(auth);
          return true;
        } catch {
          return false;
        }
      },
      // Enforce mode: a subscription's text must be one of the manifest's documents (the apps' own), or come from an admin.
      onSubscribe: async (wsCtx, _id, payload) => {
        if (persisted.mode !== 'enforce' || persisted.knowsDocument(payload.query)) return;
        const auth = (wsCtx.connectionParams?.authorization ?? wsCtx.connectionParams?.Authorization) as string | undefined;
        if (await isAdmin(auth)) return;
        return [new GraphQLError(PersistedQueries.REQUIRED.message, { extensions: { code: PersistedQueries.REQUIRED.code } })];
      },
    },
    wsServer,
  );

  // A deep accept queue: a burst of thousands of travellers connecting at once must queue, not be reset
  // (Node's default is 511; the kernel caps it at net.core.somaxconn).
  await new Promise<void>((resolve) => server.listen({ port: opts.port, host: opts.host ?? '0.0.0.0', backlog: 4096 }, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    schema,
    close: async (opts = {}) => {
      ready = false;
      if (opts.drainMs) await new Promise((r) => setTimeout(r, opts.drainMs));
      for (const client of wsServer.clients) client.close(1012, 'server restarting');
      await wsCleanup.dispose();
      await new Promise<void>((resolve) => {
        const cut = setTimeout(() => server.closeAllConnections(), opts.timeoutMs ?? 10_000);
        cut.unref();
        server.close(() => {
          clearTimeout(cut);
          resolve();
        });
        server.closeIdleConnections();
      });
      await apollo.stop();
    },
  };
}
