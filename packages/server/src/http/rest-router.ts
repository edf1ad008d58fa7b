import type { IncomingHttpHeaders } from 'node:http';
import type { RequestContext } from '../app/context.js';

/** A REST request as handlers see it. */
export interface RestRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (undefined for an empty body or a raw route). */
  body: unknown;
  /** The exact bytes received (signature checks need them). */
  rawBody: Buffer;
  ctx: RequestContext;
}

/** What a handler answers: a status and a JSON body (or none). */
export interface RestResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A non-JSON body (e.g. a CSV download), sent as is; set its content-type in `headers`. */
  text?: string;
}

export type RestHandler = (req: RestRequest) => Promise<RestResponse>;

interface Route {
  method: string;
  /** The template as registered (`/orders/:id`): the route label of metrics and traces. */
  path: string;
  pattern: RegExp;
  keys: string[];
  handler: RestHandler;
  /** Keep the body raw (no JSON parsing), for signed webhooks. */
  raw: boolean;
}

/** A tiny method + path router (`/orders/:id`), enough for the REST shim. */
export class RestRouter {
  private readonly routes: Route[] = [];

  add(method: string, path: string, handler: RestHandler, opts: { raw?: boolean } = {}): void {
    const keys: string[] = [];
    const pattern = new RegExp(
      `^${path.replace(/\//g, '\\/').replace(/:([A-Za-z_]+)/g, (_m, k: string) => {
        keys.push(k);
        return '([^/]+)';
      })}\\/?$`,
    );
    this.routes.push({ method, path, pattern, keys, handler, raw: opts.raw ?? false });
  }

  /** The route for a request, `methodNotAllowed` when the path exists with another method. */
  match(method: string, path: string): { route: Route; params: Record<string, string> } | 'methodNotAllowed' | null {
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1])));
      return { route, params };
    }
    return pathMatched ? 'methodNotAllowed' : null;
  }
}
