import type { Logger } from '../../../app/logger.js';

/** What a channel answers when the message was accepted. */
export interface SendReceipt {
  /** The channel's id of the message (WeChat's msgid). */
  msgId: string | null;
}

/** One message as a channel receives it. */
export interface ChannelMessage {
  openid: string;
  templateId: string;
  /** `subscribeMessage.send`'s `data`: `{ thing3: { value } }`. */
  data: Record<string, { value: string }>;
  page: string | null;
  /**
   * Our idempotency key of the message. A channel that can de-duplicate on it does (the recording
   * channel); WeChat's API has no such field, so there the claim before sending is the guard.
   */
  key: string;
}

/**
 * A failure to deliver. `permanent` means retrying cannot help (the user refused, a bad template):
 * the message is recorded FAILED at once. Anything else is retried with back-off.
 * `code` is our short reason (USER_REFUSED, QUOTA, BUSY, NETWORK …), `errcode` WeChat's number.
 */
export class ChannelError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly code: string,
    readonly errcode: number | null = null,
  ) {
    super(message);
    this.name = 'ChannelError';
  }
}

/** Where notifications go: WeChat subscribe messages, or a recorder in development and tests. */
export interface NotificationChannel {
  readonly name: 'log' | 'wechat';
  send(openid: string, templateId: string, data: ChannelMessage['data'], page: string | null, key: string): Promise<SendReceipt>;
}

/**
 * The development and test channel: records what would be sent (and logs it), once per key.
 * `sent` keeps the last 1,000 messages for tests and the dev console.
 */
export class RecordingChannel implements NotificationChannel {
  readonly name = 'log' as const;
  readonly sent: Array<ChannelMessage & { msgId: string }> = [];
  private readonly byKey = new Map<string, string>();
  private seq = 0;

  constructor(private readonly log: Logger) {}

  async send(openid: string, templateId: string, data: ChannelMessage['data'], page: string | null, key: string): Promise<SendReceipt> {
    const prior = this.byKey.get(key);
    if (prior) return { msgId: prior };
    const msgId = `log-${++this.seq}`;
    this.byKey.set(key, msgId);
    this.sent.push({ openid, templateId, data, page, key, msgId });
    if (this.sent.length > 1000) this.byKey.delete(this.sent.shift()!.key);
    this.log.info({ notification: { openid, templateId, data, page, key, msgId } }, 'notification recorded (NOTIFICATION_CHANNEL=log)');
    return { msgId };
  }
}
