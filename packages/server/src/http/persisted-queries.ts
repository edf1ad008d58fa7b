import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AppConfig } from '../app/config.js';

/** `enforce`: only the manifest's documents (by hash); `allow`: free-form documents too (dev, tests). */
export type PersistedQueryMode = 'enforce' | 'allow';

/**
 * The manifest `packages/client` emits (`persisted-queries.json`, sha256(document) → document). In the
 * workspace it sits beside the server package; the Docker image copies that one file to the same
 * place (Dockerfile), so the server never imports the client package at run time.
 */
export const DEFAULT_PERSISTED_QUERIES_FILE = fileURLToPath(new URL('../../../client/persisted-queries.json', import.meta.url));

/** The header that lets a request send free-form documents in enforce mode, outside production (e2e set-up calls). */
export const PERSISTED_QUERY_BYPASS_HEADER = 'x-persisted-query-key';

/** The refusal of a request in enforce mode: HTTP 400 with a stable code. */
export interface PersistedQueryRefusal {
  code: 'PERSISTED_QUERY_NOT_FOUND' | 'PERSISTED_QUERY_REQUIRED';
  message: string;
}

/** What to do with one GraphQL-over-HTTP request. */
export type PersistedQueryDecision =
  /** `hash`: the manifest document that runs (absent for free-form documents). */
  | { kind: 'pass'; body: unknown; search: string; hash?: string }
  /** A free-form document in enforce mode: allowed only for an authenticated admin (decided by the caller). */
  | { kind: 'free-form' }
  | { kind: 'refuse'; refusal: PersistedQueryRefusal };

interface PersistedQueryExtension {
  persistedQuery?: { version?: number; sha256Hash?: unknown };
}

/**
 * Persisted queries (Apollo's APQ/persisted-query protocol: `extensions.persistedQuery.sha256Hash`).
 * In enforce mode (default in production) a request from the apps must name a hash of the manifest:
 * the server runs the manifest's text for it (whatever `query` says), an unknown hash is refused with
 * `PERSISTED_QUERY_NOT_FOUND`, and a document without a hash with `PERSISTED_QUERY_REQUIRED`, except
 * for an authenticated admin (GraphiQL, operators' one-off queries; the console itself sends hashes).
 * graphql-ws subscriptions are checked by the hash of their text (`knowsDocument`).
 */
export class PersistedQueries {
  private constructor(
    readonly mode: PersistedQueryMode,
    private readonly documents: ReadonlyMap<string, string>,
    private readonly bypassKey: string | null,
    readonly file: string | null,
  ) {}

  /** Loads the manifest at start. In enforce mode a missing or empty manifest is a start-up error. */
  static load(config: AppConfig): PersistedQueries {
    const mode: PersistedQueryMode = config.PERSISTED_QUERIES ?? (config.devMode ? 'allow' : 'enforce');
    const file = config.PERSISTED_QUERIES_FILE ?? DEFAULT_PERSISTED_QUERIES_FILE;
    const documents = new Map<string, string>();
    if (existsSync(file)) {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      for (const [hash, query] of Object.entries(parsed)) {
        if (typeof query !== 'string' || sha256(query) !== hash) throw new Error(`${file}: the entry ${hash.slice(0, 12)}… does not hash to its document`);
        documents.set(hash, query);
      }
    }
    if (mode === 'enforce' && documents.size === 0) {
      throw new Error(`PERSISTED_QUERIES=enforce needs the persisted-query manifest; none at ${file} (set PERSISTED_QUERIES_FILE)`);
    }
    return new PersistedQueries(mode, documents, config.devMode ? (config.PERSISTED_QUERIES_BYPASS_KEY ?? null) : null, existsSync(file) ? file : null);
  }

  /** How many documents the manifest holds. */
  get size(): number {
    return this.documents.size;
  }

  /** The manifest's document of a hash, or undefined. */
  documentOf(hash: string): string | undefined {
    return this.documents.get(hash);
  }

  /** True when this text is one of the manifest's documents (graphql-ws subscriptions carry the text). */
  knowsDocument(query: string): boolean {
    return this.documents.has(sha256(query));
  }

  /**
   * Decides for one request: its JSON body (POST) or its query string (GET). A known hash gets the
   * manifest's text put in (so hash-only requests work in both modes).
   */
  decide(method: string, body: unknown, search: string, headers: Record<string, string | string[] | undefined>): PersistedQueryDecision {
    const params = new URLSearchParams(search);
    const isGet = method === 'GET';
    let extensions: PersistedQueryExtension | undefined;
    let query: unknown;
    if (isGet) {
      try {
        extensions = params.has('extensions') ? (JSON.parse(params.get('extensions')!) as PersistedQueryExtension) : undefined;
      } catch {
        extensions = undefined;
      }
      query = params.get('query') ?? undefined;
    } else if (body && typeof body === 'object' && !Array.isArray(body)) {
      extensions = (body as { extensions?: PersistedQueryExtension }).extensions;
      query = (body as { query?: unknown }).query;
    }
    const hash = extensions?.persistedQuery?.sha256Hash;
    if (typeof hash === 'string') {
      const doc = this.documents.get(hash);
      if (doc !== undefined) {
        if (isGet) {
          params.set('query', doc);
          return { kind: 'pass', body, search: `?${params.toString()}`, hash };
        }
        return { kind: 'pass', body: { ...(body as object), query: doc }, search, hash };
      }
      if (this.mode === 'enforce') {
        return { kind: 'refuse', refusal: { code: 'PERSISTED_QUERY_NOT_FOUND', message: 'Unknown persisted query: this server answers only the documents of its apps' } };
      }
      return { kind: 'pass', body, search };
    }
    if (this.mode === 'allow' || this.bypassed(headers)) return { kind: 'pass', body, search };
    // Nothing to run at all (an empty POST, a batch): let Apollo answer its usual 400.
    if (query === undefined && !Array.isArray(body)) return { kind: 'pass', body, search };
    return { kind: 'free-form' };
  }

  /** The refusal of a free-form document in enforce mode. */
  static readonly REQUIRED: PersistedQueryRefusal = {
    code: 'PERSISTED_QUERY_REQUIRED',
    message: 'Only persisted queries are answered here: send extensions.persistedQuery.sha256Hash of a known document',
  };

  private bypassed(headers: Record<string, string | string[] | undefined>): boolean {
    const given = headers[PERSISTED_QUERY_BYPASS_HEADER];
    if (!this.bypassKey || typeof given !== 'string') return false;
    const a = Buffer.from(given);
    const b = Buffer.from(this.bypassKey);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
