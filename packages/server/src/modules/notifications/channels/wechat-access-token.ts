import type { Logger } from '../../../app/logger.js';
import type { Clock } from '../../../common/clock.js';
import type { Cache } from '../../../common/infra/cache.js';
import type { LockManager } from '../../../common/infra/locks.js';
import { ChannelError } from './notification-channel.js';

/** What the token store needs from the app: the shared cache and locks (Redis when set). */
export interface AccessTokenDeps {
  cache: Cache;
  locks: LockManager;
  clock: Clock;
  log: Logger;
}

export interface AccessTokenOptions {
  appid: string;
  secret: string;
  baseUrl: string;
  timeoutMs?: number;
  /** Refresh this long before the token expires (WeChat: 7,200 s tokens; we refresh 5 minutes early). */
  refreshMarginMs?: number;
  /** Longest wait for another instance's refresh before giving up with a retryable error. */
  waitMs?: number;
}

interface CachedToken {
  token: string;
  /** Epoch ms (app clock) when WeChat stops accepting it. */
  expiresAt: number;
  /** Epoch ms (app clock) from which we fetch a new one. */
  refreshAt: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The mini-program's access token (`GET /cgi-bin/token`), shared by every instance through the
 * app cache (Redis when REDIS_URL is set). Fetching a new token invalidates the previous one after
 * a short overlap, so instances must not each fetch their own: one refreshes under a lock while the
 * others keep using the still-valid token, or wait briefly for the new one. A token WeChat rejects
 * (40001/42001/40014) is refreshed once, by whichever instance holds the lock, and only if the
 * cache still holds that same token (another instance may already have replaced it).
 */
export class WechatAccessTokens {
  private readonly key: string;
  private readonly lockName: string;
  /** How many times this process fetched a token (metrics and tests). */
  fetches = 0;

  constructor(
    private readonly deps: AccessTokenDeps,
    private readonly opts: AccessTokenOptions,
  ) {
    this.key = `wechat:access-token:${opts.appid}`;
    this.lockName = `wechat-access-token:${opts.appid}`;
  }

  /**
   * A usable token. `rejected` names a token WeChat just refused: it is never returned again, and
   * a fresh one is fetched unless another instance already did.
   */
  async get(rejected?: string): Promise<string> {
    const now = () => this.deps.clock.now().getTime();
    const usable = (c: CachedToken | null): c is CachedToken => !!c && c.token !== rejected && now() < c.expiresAt;
    // Not a type guard on purpose: "not fresh" must not narrow the token away (it may still be usable).
    const fresh = (c: CachedToken | null): boolean => usable(c) && now() < c.refreshAt;

    const current = await this.read();
    if (fresh(current)) return current!.token;
    const deadline = Date.now() + (this.opts.waitMs ?? 5000);
    for (;;) {
      const lease = await this.deps.locks.tryAcquire(this.lockName, (this.opts.timeoutMs ?? 10_000) * 2);
      if (lease) {
        try {
          // Someone may have refreshed between our read and the lock.
          const again = await this.read();
          if (fresh(again)) return again!.token;
          return await this.fetchAndStore();
        } finally {
          await lease.release();
        }
      }
      // Another instance is refreshing: the old token still works until it expires.
      if (usable(current)) return current.token;
      if (Date.now() > deadline) throw new ChannelError('timed out waiting for another instance to refresh the WeChat access token', false, 'TOKEN_BUSY');
      await sleep(50);
      const latest = await this.read();
      if (fresh(latest)) return latest!.token;
    }
  }

  private async read(): Promise<CachedToken | null> {
    const raw = await this.deps.cache.get(this.key);
    if (!raw) return null;
    try {
      return JSON.parse(raw) as CachedToken;
    } catch {
      return null;
    }
  }

  private async fetchAndStore(): Promise<string> {
    const url = new URL('/cgi-bin/token', this.opts.baseUrl);
    url.search = new URLSearchParams({ grant_type: 'client_credential', appid: this.opts.appid, secret: this.opts.secret }).toString();
    let body: { access_token?: string; expires_in?: number; errcode?: number; errmsg?: string };
    this.fetches++;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      // WeChat answers JSON, sometimes labelled text/plain.
      body = JSON.parse(await res.text());
    } catch (err) {
      throw new ChannelError(`WeChat access token request failed: ${(err as Error).message}`, false, 'NETWORK');
    }
    if (body.errcode || !body.access_token) {
      // 40013 bad appid, 40125 bad secret, 40164 IP not whitelisted, -1 busy: configuration or
      // WeChat's side, never the message's fault; retried with back-off (and logged loudly).
      this.deps.log.error({ errcode: body.errcode, errmsg: body.errmsg }, 'WeChat refused the access token request');
      throw new ChannelError(`WeChat access token: errcode ${body.errcode} ${body.errmsg ?? ''}`.trim(), false, 'TOKEN_ERROR', body.errcode ?? null);
    }
    const lifeMs = Math.max(60, body.expires_in ?? 7200) * 1000;
    const now = this.deps.clock.now().getTime();
    const margin = Math.min(this.opts.refreshMarginMs ?? 5 * 60_000, lifeMs / 2);
    const cached: CachedToken = { token: body.access_token, expiresAt: now + lifeMs, refreshAt: now + lifeMs - margin };
    await this.deps.cache.set(this.key, JSON.stringify(cached), Math.ceil(lifeMs / 1000));
    this.deps.log.info({ expiresInS: lifeMs / 1000 }, 'WeChat access token refreshed');
    return cached.token;
  }
}
