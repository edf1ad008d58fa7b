import type { AppConfig } from '../../../app/config.js';
import type { Logger } from '../../../app/logger.js';
import { ChannelError, RecordingChannel, type ChannelMessage, type NotificationChannel, type SendReceipt } from './notification-channel.js';
import { WechatAccessTokens, type AccessTokenDeps } from './wechat-access-token.js';

/** Answers that mean "this access token is no good": refresh it and try once more. */
const TOKEN_ERRCODES = new Set([40001, 42001, 40014]);

/** Answers that retrying cannot change: the message is recorded FAILED with this reason. */
const PERMANENT_ERRCODES: Record<number, string> = {
  43101: 'USER_REFUSED', // the user refused, or has no subscription left for this template
  40003: 'INVALID_OPENID',
  40037: 'INVALID_TEMPLATE',
  47003: 'INVALID_DATA', // a value breaks its type's rules (fitValue prevents it; a template change may not)
  41030: 'INVALID_PAGE',
};

/** Named transient answers (any other errcode is also retried, then DEAD after the last attempt). */
const TRANSIENT_ERRCODES: Record<number, string> = { 45009: 'QUOTA', [-1]: 'BUSY' };

interface SendAnswer {
  errcode?: number;
  errmsg?: string;
  msgid?: string;
}

export interface WechatSubscribeOptions {
  baseUrl: string;
  miniprogramState: 'developer' | 'trial' | 'formal';
  lang?: string;
  timeoutMs?: number;
}

/**
 * WeChat's `subscribeMessage.send` (POST /cgi-bin/message/subscribe/send). A token WeChat rejects
 * is refreshed and the send retried once, in the same attempt; 43101 and the other answers in
 * PERMANENT_ERRCODES fail for good; 45009, -1, HTTP errors and network failures are transient.
 */
export class WechatSubscribeChannel implements NotificationChannel {
  readonly name = 'wechat' as const;

  constructor(
    readonly tokens: WechatAccessTokens,
    private readonly opts: WechatSubscribeOptions,
    private readonly log: Logger,
  ) {}

  async send(openid: string, templateId: string, data: ChannelMessage['data'], page: string | null, key: string): Promise<SendReceipt> {
    const body = {
      touser: openid,
      template_id: templateId,
      ...(page ? { page } : {}),
      data,
      miniprogram_state: this.opts.miniprogramState,
      lang: this.opts.lang ?? 'zh_CN',
    };
    let token = await this.tokens.get();
    let answer = await this.post(token, body);
    if (answer.errcode && TOKEN_ERRCODES.has(answer.errcode)) {
      this.log.warn({ errcode: answer.errcode, key }, 'WeChat rejected the access token; refreshing it');
      token = await this.tokens.get(token);
      answer = await this.post(token, body);
    }
    if (!answer.errcode) return { msgId: answer.msgid ?? null };
    const text = `WeChat subscribeMessage.send: errcode ${answer.errcode} ${answer.errmsg ?? ''}`.trim();
    const permanent = PERMANENT_ERRCODES[answer.errcode];
    if (permanent) throw new ChannelError(text, true, permanent, answer.errcode);
    throw new ChannelError(text, false, TRANSIENT_ERRCODES[answer.errcode] ?? (TOKEN_ERRCODES.has(answer.errcode) ? 'TOKEN_REJECTED' : 'WECHAT_ERROR'), answer.errcode);
  }

  private async post(token: string, body: unknown): Promise<SendAnswer> {
    const url = new URL('/cgi-bin/message/subscribe/send', this.opts.baseUrl);
    url.searchParams.set('access_token', token);
    let text: string;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
      });
      if (!res.ok) throw new ChannelError(`WeChat answered HTTP ${res.status}`, false, `HTTP_${res.status}`);
      text = await res.text();
    } catch (err) {
      if (err instanceof ChannelError) throw err;
      // Refused before sending, or lost after: WeChat may have delivered in the latter case (the
      // at-least-once window documented in docs/notifications.md).
      throw new ChannelError(`WeChat subscribeMessage.send failed: ${(err as Error).message}`, false, 'NETWORK');
    }
    let parsed: { errcode?: number; errmsg?: string };
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ChannelError('WeChat answered something that is not JSON', false, 'BAD_RESPONSE');
    }
    // msgid is a 64-bit number: read it from the text so it keeps every digit.
    const msgid = /"msgid"\s*:\s*"?(\d+)/.exec(text)?.[1];
    return { errcode: parsed.errcode, errmsg: parsed.errmsg, msgid };
  }
}

/** The channel chosen by NOTIFICATION_CHANNEL (config validation guarantees WeChat's credentials). */
export function createNotificationChannel(config: AppConfig, deps: AccessTokenDeps): NotificationChannel {
  if (config.NOTIFICATION_CHANNEL !== 'wechat') {
    if (config.NODE_ENV === 'production') deps.log.warn('NOTIFICATION_CHANNEL=log: notifications are recorded, not sent to WeChat');
    return new RecordingChannel(deps.log);
  }
  const tokens = new WechatAccessTokens(deps, { appid: config.WECHAT_APPID!, secret: config.WECHAT_APP_SECRET!, baseUrl: config.WECHAT_API_BASE_URL });
  return new WechatSubscribeChannel(tokens, { baseUrl: config.WECHAT_API_BASE_URL, miniprogramState: config.WECHAT_MINIPROGRAM_STATE }, deps.log);
}
