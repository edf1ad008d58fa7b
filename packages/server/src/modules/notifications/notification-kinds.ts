import type { AppConfig } from '../../app/config.js';

/** Every kind of message a traveller can receive (one WeChat subscribe-message template each). */
export const NOTIFICATION_KINDS = [
  'PAYMENT_SUCCESS',
  'ORDER_CANCELLED',
  'REFUND_RESULT',
  'REDEMPTION_SUCCESS',
  'ENTITLEMENT_EXPIRING',
  'ORDER_COMPLETED',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/**
 * A field of a message: our name for it, the label the traveller reads, and the default key of the
 * WeChat template (the key's prefix is its WeChat type: thing ≤ 20 characters, character_string
 * ≤ 32 letters/digits/symbols, amount, time, phrase ≤ 5 Chinese characters …).
 */
export interface FieldDef {
  name: string;
  label: string;
  key: string;
}

interface KindDef {
  title: string;
  fields: FieldDef[];
}

/**
 * Titles and fields per kind. The default keys follow the usual templates of WeChat's public
 * library; a deployment whose chosen templates number their keys differently maps them with
 * `WECHAT_TEMPLATE_FIELDS_<KIND>` (docs/notifications.md).
 */
export const KIND_DEFS: Record<NotificationKind, KindDef> = {
  PAYMENT_SUCCESS: {
    title: '支付成功通知',
    fields: [
      { name: 'orderNo', label: '订单编号', key: 'character_string1' },
      { name: 'amount', label: '支付金额', key: 'amount2' },
      { name: 'products', label: '商品名称', key: 'thing3' },
      { name: 'paidAt', label: '支付时间', key: 'time4' },
    ],
  },
  ORDER_CANCELLED: {
    title: '订单取消通知',
    fields: [
      { name: 'orderNo', label: '订单编号', key: 'character_string1' },
      { name: 'products', label: '商品名称', key: 'thing2' },
      { name: 'reason', label: '取消原因', key: 'thing3' },
      { name: 'cancelledAt', label: '取消时间', key: 'time4' },
    ],
  },
  REFUND_RESULT: {
    title: '退款结果通知',
    fields: [
      { name: 'orderNo', label: '订单编号', key: 'character_string1' },
      { name: 'amount', label: '退款金额', key: 'amount2' },
      { name: 'result', label: '退款状态', key: 'phrase3' },
      { name: 'note', label: '温馨提示', key: 'thing4' },
    ],
  },
  REDEMPTION_SUCCESS: {
    title: '核销成功通知',
    fields: [
      { name: 'item', label: '核销项目', key: 'thing1' },
      { name: 'place', label: '核销地点', key: 'thing2' },
      { name: 'redeemedAt', label: '核销时间', key: 'time3' },
      { name: 'ticketCode', label: '票号', key: 'character_string4' },
    ],
  },
  ENTITLEMENT_EXPIRING: {
    title: '权益到期提醒',
    fields: [
      { name: 'product', label: '权益名称', key: 'thing1' },
      { name: 'validUntil', label: '到期时间', key: 'time2' },
      { name: 'note', label: '温馨提示', key: 'thing3' },
      { name: 'ticketCode', label: '票号', key: 'character_string4' },
    ],
  },
  ORDER_COMPLETED: {
    title: '订单完成通知',
    fields: [
      { name: 'orderNo', label: '订单编号', key: 'character_string1' },
      { name: 'products', label: '商品名称', key: 'thing2' },
      { name: 'completedAt', label: '完成时间', key: 'time3' },
    ],
  },
};

/**
 * Mini-program pages a tapped message opens: the traveller app's `ROUTES.order` and `ROUTES.ticket`
 * (packages/traveller-app/src/routes.ts), without the leading slash as WeChat wants them.
 */
export const NOTIFICATION_PAGES = {
  order: (orderId: number) => `pkg-tickets/order/index?id=${orderId}`,
  ticket: (code: string) => `pkg-tickets/ticket/index?code=${encodeURIComponent(code)}`,
} as const;

/** A kind's template as configured: its id (null = not configured) and its field → key map. */
export interface TemplateConfig {
  kind: NotificationKind;
  title: string;
  templateId: string | null;
  fields: FieldDef[];
}

/**
 * The templates of every kind from the config. With the `log` channel a kind without a template
 * id gets a stand-in (`LOG_<KIND>`), so consent and delivery work end to end in development.
 */
export function templatesFromConfig(config: AppConfig): Record<NotificationKind, TemplateConfig> {
  const out = {} as Record<NotificationKind, TemplateConfig>;
  for (const kind of NOTIFICATION_KINDS) {
    const def = KIND_DEFS[kind];
    const configured = config[`WECHAT_TEMPLATE_${kind}` as const];
    const templateId = configured ?? (config.NOTIFICATION_CHANNEL === 'log' ? `LOG_${kind}` : null);
    const mapping = config[`WECHAT_TEMPLATE_FIELDS_${kind}` as const];
    let fields = def.fields;
    if (mapping) {
      const keys = new Map(mapping.split(',').map((pair) => pair.split('=') as [string, string]));
      // Only the mapped fields are sent: a template with fewer keywords simply leaves the others out.
      fields = def.fields.filter((f) => keys.has(f.name)).map((f) => ({ ...f, key: keys.get(f.name)! }));
    }
    out[kind] = { kind, title: def.title, templateId, fields };
  }
  return out;
}

/** Statuses of a message row (docs/notifications.md has the lifecycle). */
export const NOTIFICATION_STATUSES = [
  'PENDING',
  'SENDING',
  'SENT',
  'SKIPPED_NO_CONSENT',
  'SKIPPED_NO_OPENID',
  'SKIPPED_NO_TEMPLATE',
  'FAILED',
  'DEAD',
  'UNCONFIRMED',
] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/** Why a message was not sent, in words the traveller reads in the in-app list. */
export const REASON_TEXT: Record<string, string> = {
  NO_CONSENT: '您未订阅此类消息，仅在应用内显示',
  NO_OPENID: '未绑定微信账号，仅在应用内显示',
  NO_TEMPLATE: '此类消息暂未开通微信推送',
  USER_REFUSED: '您已拒绝或关闭此类消息',
  INVALID_OPENID: '微信账号无效，未能推送',
  INVALID_TEMPLATE: '消息模板配置有误，未能推送',
  INVALID_DATA: '消息内容不符合微信要求，未能推送',
  INVALID_PAGE: '消息跳转页面有误，未能推送',
  REJECTED: '微信拒绝了此消息',
  RETRIES_EXHAUSTED: '微信暂时无法送达，已多次重试',
  INTERRUPTED: '发送过程中断，为避免重复未再发送',
};

/** Order cancellation reasons in words (the ORDER_CANCELLED message). */
export const CANCEL_REASON_TEXT: Record<string, string> = {
  EXPIRED: '超时未支付',
  BY_TRAVELLER: '您已取消',
  REFUNDED: '已全部退款',
  PAYMENT_FAILED: '支付失败',
};
