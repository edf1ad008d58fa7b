import type { RequestContext } from '../../app/context.js';
import { enforceRateLimit } from '../../common/rate-limit.js';
import { AppError } from '../../common/errors.js';
import { requireTraveller } from './auth.service.js';
import type { WechatSessionClient } from './wechat-session.client.js';

/** How long a traveller's session token lasts; the apps refresh it when less than a day is left. */
export const TRAVELLER_TOKEN_TTL_SECONDS = 7 * 86400;

/** A signed-in traveller's session. */
export interface TravellerSession {
  token: string;
  expiresAt: Date;
  travellerId: number;
  isNewTraveller: boolean;
}

/** A traveller as the apps see themselves. */
export interface TravellerRecord {
  id: number;
  nickname: string | null;
  createdAt: Date;
}

/**
 * Traveller sessions: WeChat login (code → openid → traveller, created on first login), refresh,
 * and who-am-I. Tokens are the stateless signed tokens of SessionTokens, checked on every request
 * and on the graphql-ws connection by AuthService.
 */
export class TravellerSessionService {
  constructor(private readonly wechat: WechatSessionClient) {}

  async loginWithWechat(ctx: RequestContext, code: string): Promise<TravellerSession> {
    const trimmed = typeof code === 'string' ? code.trim() : '';
    if (!trimmed || trimmed.length > 128) throw new AppError('BAD_USER_INPUT', 'A wx.login code is required', { field: 'code' });
    await enforceRateLimit(ctx, 'login', null);
    const { openid } = await this.wechat.codeToSession(trimmed);
    const now = ctx.app.clock.now();
    // Found or created in one statement: two first logins at once make one traveller.
    const [row] = await ctx.app.db.query<{ id: number; created: boolean }>(
      `INSERT INTO traveller (openid, created_at, updated_at) VALUES ($1, $2, $2)
       ON CONFLICT (openid) DO UPDATE SET updated_at = EXCLUDED.updated_at
       RETURNING id, (xmax = 0) AS created`,
      [openid, now],
    );
    ctx.log.info({ travellerId: row.id, created: row.created }, 'traveller logged in with WeChat');
    return { ...this.issue(ctx, row.id), isNewTraveller: row.created };
  }

  /** A fresh token for the signed-in traveller (the current token must still be valid). */
  async refreshSession(ctx: RequestContext): Promise<TravellerSession> {
    const travellerId = requireTraveller(ctx.principal);
    return { ...this.issue(ctx, travellerId), isNewTraveller: false };
  }

  async me(ctx: RequestContext): Promise<TravellerRecord> {
    const travellerId = requireTraveller(ctx.principal);
    const [row] = await ctx.app.db.query<TravellerRecord>('SELECT id, nickname, created_at AS "createdAt" FROM traveller WHERE id = $1', [travellerId]);
    if (!row) throw new AppError('UNAUTHENTICATED', 'This traveller no longer exists; log in again');
    return row;
  }

  private issue(ctx: RequestContext, travellerId: number): Omit<TravellerSession, 'isNewTraveller'> {
    const token = ctx.app.services.auth.issueTravellerToken(travellerId, TRAVELLER_TOKEN_TTL_SECONDS);
    const exp = Math.floor(ctx.app.clock.now().getTime() / 1000) + TRAVELLER_TOKEN_TTL_SECONDS;
    return { token, expiresAt: new Date(exp * 1000), travellerId };
  }
}
