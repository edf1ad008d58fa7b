import { AppError } from '../../common/errors.js';

/** What `jscode2session` answers for a valid code. */
export interface WechatSession {
  openid: string;
  unionid: string | null;
}

/** Exchanges a mini-program login code (`wx.login`) for the user's openid. */
export interface WechatSessionClient {
  codeToSession(code: string): Promise<WechatSession>;
}

/**
 * WeChat's `GET /sns/jscode2session` (auth.code2Session). The session_key it also returns is not
 * kept: we decrypt no user data. Codes are single use and live 5 minutes.
 */
export class HttpWechatSessionClient implements WechatSessionClient {
  constructor(
    private readonly opts: { appid: string | undefined; secret: string | undefined; baseUrl: string; timeoutMs?: number },
  ) {}

  async codeToSession(code: string): Promise<WechatSession> {
    if (!this.opts.appid || !this.opts.secret) {
      throw new AppError('WECHAT_LOGIN_UNAVAILABLE', 'WeChat login is not configured (WECHAT_APPID, WECHAT_APP_SECRET)');
    }
    const url = new URL('/sns/jscode2session', this.opts.baseUrl);
    url.search = new URLSearchParams({ appid: this.opts.appid, secret: this.opts.secret, js_code: code, grant_type: 'authorization_code' }).toString();
    let body: { openid?: string; unionid?: string; errcode?: number; errmsg?: string };
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5000) });
      // WeChat answers JSON with a text/plain content type.
      body = JSON.parse(await res.text());
    } catch {
      throw new AppError('WECHAT_LOGIN_UNAVAILABLE', 'WeChat did not answer the login request; try again');
    }
    if (body.errcode) {
      // 40029 invalid code, 40163 code already used, 40226 risky user: the app must call wx.login again.
      if (body.errcode === 40029 || body.errcode === 40163 || body.errcode === 40226) {
        throw new AppError('WECHAT_LOGIN_FAILED', 'The WeChat login code is invalid or used; log in again', { wechatErrcode: body.errcode });
      }
      if (body.errcode === 45011) throw new AppError('RATE_LIMITED', 'Too many logins; wait a minute', { wechatErrcode: body.errcode });
      throw new AppError('WECHAT_LOGIN_UNAVAILABLE', 'WeChat refused the login request; try again', { wechatErrcode: body.errcode });
    }
    if (!body.openid) throw new AppError('WECHAT_LOGIN_UNAVAILABLE', 'WeChat answered without an openid');
    return { openid: body.openid, unionid: body.unionid ?? null };
  }
}
