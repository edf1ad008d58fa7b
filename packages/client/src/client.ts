import { errorMessage, type Lang } from './error-messages';
import type { Operation } from './operation';

/** One HTTP request as the transport sends it. */
export interface TransportRequest {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  /** JSON text. */
  body: string;
  timeoutMs: number;
}

/** What a transport answers: the status, the headers (any case) and the parsed JSON body. */
export interface TransportResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/**
 * Sends one request. `fetchTransport` in browsers and Node; in the Taro apps a wrapper over
 * `Taro.request` (mini-programs have no fetch). Rejects only when no answer came (network).
 */
export type Transport = (req: TransportRequest) => Promise<TransportResponse>;

/** An error with a stable code (the server's `extensions.code`, or NETWORK_ERROR/TIMEOUT). */
export class ClientError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ClientError';
  }

  /** The sentence to show a person. */
  sentence(lang: Lang = 'zh'): string {
    return errorMessage(this.code, lang, this.details);
  }
}

/** The code of any error (ClientError or not). */
export function errorCode(err: unknown): string {
  return err instanceof ClientError ? err.code : 'UNKNOWN';
}

/** The sentence for any error, in a language. */
export function describeError(err: unknown, lang: Lang = 'zh'): string {
  if (err instanceof ClientError) return err.sentence(lang);
  return errorMessage('UNKNOWN', lang);
}

export interface ClientOptions {
  /** The GraphQL endpoint, e.g. `https://api.example.com/graphql` or `/graphql`. */
  url: string;
  transport: Transport;
  /** The current bearer token, if any. */
  getToken?: () => string | null | undefined;
  /**
   * Called once when the server answers UNAUTHENTICATED: log in again and resolve true to retry
   * the request with the new token.
   */
  onUnauthenticated?: () => Promise<boolean>;
  /** Send the persisted-query hash with each document (Apollo APQ format). Default true. */
  persisted?: boolean;
  timeoutMs?: number;
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

/**
 * The one GraphQL client of the apps: typed operations over an injectable transport, the token in
 * one place, coded errors, and the server's clock (from the `Date` header) for countdowns.
 */
export class GraphQLClient {
  /** Server time minus device time, from the last response's `Date` header (a phone's clock is often wrong). */
  serverOffsetMs = 0;
  private offsetKnown = false;

  constructor(private readonly opts: ClientOptions) {}

  /** True once a response has told the server's clock (else `serverOffsetMs` is only the default 0). */
  get serverOffsetKnown(): boolean {
    return this.offsetKnown;
  }

  /** Now by the server's clock, in epoch milliseconds. */
  serverNow(): number {
    return Date.now() + this.serverOffsetMs;
  }

  async request<TResult, TVariables>(op: Operation<TResult, TVariables>, variables?: TVariables, retried = false): Promise<TResult> {
    const token = this.opts.getToken?.();
    const body: Record<string, unknown> = { operationName: op.name, query: op.query, variables: variables ?? {} };
    if (this.opts.persisted !== false) body.extensions = { persistedQuery: { version: 1, sha256Hash: op.hash } };
    let res: TransportResponse;
    const sentAt = Date.now();
    try {
      res = await this.opts.transport({
        url: this.opts.url,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'apollo-require-preflight': 'true',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
        timeoutMs: this.opts.timeoutMs ?? 15000,
      });
    } catch (err) {
      const timeout = /timeout|timed out/i.test(String((err as Error)?.message ?? err));
      throw new ClientError(timeout ? 'TIMEOUT' : 'NETWORK_ERROR', String((err as Error)?.message ?? err));
    }
    this.noteServerDate(res.headers, sentAt);
    const payload = (typeof res.body === 'string' ? safeJson(res.body) : res.body) as GraphQLResponse<TResult> | null;
    const first = payload?.errors?.[0];
    if (first) {
      const { code, ...details } = (first.extensions ?? {}) as Record<string, unknown>;
      const c = typeof code === 'string' && code ? code : 'UNKNOWN';
      if (c === 'UNAUTHENTICATED' && !retried && this.opts.onUnauthenticated && (await this.opts.onUnauthenticated())) {
        return this.request(op, variables, true);
      }
      throw new ClientError(c, first.message, details);
    }
    if (!payload || payload.data === undefined || payload.data === null) {
      throw new ClientError(res.status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'UNKNOWN', `HTTP ${res.status}`);
    }
    return payload.data;
  }

  private noteServerDate(headers: TransportResponse['headers'], sentAt: number): void {
    const raw = headerValue(headers, 'date');
    if (!raw) return;
    const server = Date.parse(raw);
    if (Number.isNaN(server)) return;
    // The Date header has whole seconds: take the middle of its second, against the middle of the round trip.
    const local = (sentAt + Date.now()) / 2;
    const offset = server + 500 - local;
    // Each reading is ±0.5 s: keep the first, and move only for a real change (the countdown must not jitter).
    if (!this.offsetKnown || Math.abs(offset - this.serverOffsetMs) > 1500) this.serverOffsetMs = offset;
    this.offsetKnown = true;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** A header by name, whatever its case. */
export function headerValue(headers: TransportResponse['headers'], name: string): string | undefined {
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (k.toLowerCase() === name) return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

/** A transport over `fetch` (browsers, Node, tests). */
export const fetchTransport: Transport = async (req) => {
  const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, signal: AbortSignal.timeout(req.timeoutMs) });
  const text = await res.text();
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    headers[k] = v;
  });
  return { status: res.status, headers, body: safeJson(text) };
};
