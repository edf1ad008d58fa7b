import { currencySymbol, formatFen, localDateOf } from '@deeptravel/shared';
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);

/** fen → "¥42.00" (or HK$). */
export function money(fen: number | null | undefined, currency = 'CNY'): string {
  if (fen === null || fen === undefined) return '—';
  return `${currencySymbol(currency)}${formatFen(fen)}`;
}

/** An instant as Hong Kong wall-clock time, "2026-11-24 08:30". */
export function hkTime(iso: string | null | undefined, withSeconds = false): string {
  if (!iso) return '—';
  return dayjs.utc(iso).add(8, 'hour').format(withSeconds ? 'YYYY-MM-DD HH:mm:ss' : 'YYYY-MM-DD HH:mm');
}

/** Today in Hong Kong, YYYY-MM-DD. */
export function hkToday(): string {
  return localDateOf(Date.now());
}

/** Labels of the API's enum-like strings, in Chinese. Unknown values are shown as they are. */
export const LABELS = {
  orderStatus: { PENDING: '待支付', PAID: '已支付', COMPLETED: '已完成', CANCELLED: '已取消' },
  ticketStatus: { ACTIVE: '可使用', REDEEMED: '已核销', REFUNDING: '退款中', REFUNDED: '已退款', CHANGING: '改签中', CHANGED: '已改签', EXPIRED: '已过期' },
  tripStatus: { SCHEDULED: '正常', CANCELLED: '已取消' },
  mode: { BUS: '巴士', FERRY: '船' },
  passengerType: { ADULT: '成人', CHILD: '儿童', SENIOR: '长者' },
  scope: { PER_PASSENGER: '每位乘客', SHARED: '全单共享' },
  productKind: { TICKET: '班次票', PACKAGE: '套票' },
  promotionKind: { PERCENT: '折扣（%）', AMOUNT: '立减（元）' },
  role: { ADMIN: '管理员', OPERATOR: '只读运营' },
  staffRole: { STAFF: '员工', MANAGER: '店长' },
  merchantKind: { FERRY_OPERATOR: '船公司', BUS_OPERATOR: '巴士公司', ATTRACTION: '景点', SERVICE: '服务' },
  cancelReason: { EXPIRED: '超时未支付', BY_TRAVELLER: '旅客取消', REFUNDED: '已退款' },
  notificationStatus: {
    PENDING: '待发送', SENDING: '发送中', SENT: '已发送', SKIPPED_NO_CONSENT: '未订阅（跳过）', SKIPPED_NO_OPENID: '无 openid（跳过）',
    SKIPPED_NO_TEMPLATE: '无模板（跳过）', FAILED: '失败', DEAD: '放弃', UNCONFIRMED: '待确认',
  },
  auditAction: {
    create: '新建', update: '修改', delete: '删除', set_fares: '设置票价', set_lines: '设置权益', generate_trips: '生成班次', set_quota: '设置配额',
    enable: '启用', disable: '停用', gtfs_import: 'GTFS 导入', gtfs_dry_run: 'GTFS 预检', reconcile: '对账', resolve: '处理差异', resolve_and_process: '处理并补单',
    'refund.retry': '重试退款', 'notification.resend': '重发消息', 'redemption_conflict.resolve': '处理离线核销冲突',
  },
  entityType: {
    city: '城市', station: '站点', route: '线路', product: '产品', trip: '班次', package_template: '套票模板', blackout_date: '禁售日', refund_rule: '退改规则',
    promotion: '优惠', setting: '平台设置', merchant: '商户', terminal: '核销终端', merchant_staff: '商户员工', admin_user: '后台账号', gtfs: 'GTFS',
    reconciliation: '对账', reconciliation_difference: '对账差异', refund: '退款', notification: '消息通知', redemption_conflict: '离线核销冲突',
  },
  refundStatus: { PROCESSING: '处理中', SUCCEEDED: '已退款', FAILED: '失败', CLOSED: '已关闭', REQUESTED: '已申请' },
  paymentStatus: { SUCCEEDED: '成功', FAILED: '失败' },
  searchKind: { AUTO: '自动识别', ORDER_NO: '订单号', TRANSACTION_ID: '微信支付单号', TICKET_CODE: '票号', TRAVELLER: '旅客（openid/昵称/手机/姓名）' },
  historyEntity: { order: '订单', ticket: '票', refund: '退款', payment: '支付', ticket_change: '改签', redemption_conflict: '离线冲突', notification: '消息' },
  conflictReason: { ALREADY_REDEEMED: '已在别处先核销', REPLAYED_CODE: '二维码重复使用', TICKET_REFUNDED: '票已退', TICKET_CHANGED: '票已改签' },
  notificationKind: {
    PAYMENT_SUCCESS: '支付成功通知', ORDER_CANCELLED: '订单取消通知', REFUND_RESULT: '退款结果通知', REDEMPTION_SUCCESS: '核销成功通知',
    ENTITLEMENT_EXPIRING: '权益到期提醒', ORDER_COMPLETED: '订单完成通知',
  },
  refundKind: { TICKETS: '退票', DOUBLE_PAYMENT: '重复支付退款', LATE_PAYMENT: '迟到支付退款', CHANGE_DIFFERENCE: '改签差价退款' },
  /** States of everything in an order's history (order, ticket, refund, change, conflict, message). */
  state: {
    PENDING: '待处理', PAID: '已支付', COMPLETED: '已完成', CANCELLED: '已取消', ACTIVE: '可使用', REDEEMED: '已核销', REFUNDING: '退款中',
    REFUNDED: '已退款', CHANGING: '改签中', CHANGED: '已改签', EXPIRED: '已过期', REQUESTED: '已申请', PROCESSING: '处理中', SUCCEEDED: '成功',
    FAILED: '失败', AWAITING_PAYMENT: '待补差价', ABANDONED: '已放弃', OPEN: '待处理', RESOLVED: '已处理', DEAD: '放弃', SENT: '已发送',
  },
  transitionReason: {
    REFUNDED: '已全部退款', ALL_TICKETS_FINAL: '所有票已结束', EXPIRED: '超时未支付', BY_TRAVELLER: '旅客取消', CHANGE_ABANDONED: '改签未完成',
    ALL_LINES_USED: '权益已用完', REFUND_FAILED: '退款失败', RETRY: '重试', TICKETS: '退票', DOUBLE_PAYMENT: '重复支付', LATE_PAYMENT: '迟到支付',
    CHANGE_DIFFERENCE: '改签差价', SUCCESS: '网关：成功', CLOSED: '网关：关闭', ABNORMAL: '网关：异常', NOTIFY: '支付通知', QUERY: '主动查询',
    RECONCILIATION: '对账补单', PAYMENT_FAILED: '支付失败', MOCK: '模拟支付',
  },
  differenceKind: { MISSING_OURS: '我方缺少', MISSING_THEIRS: '账单缺少', AMOUNT_MISMATCH: '金额不一致', STATUS_MISMATCH: '状态不一致' },
} as const;

/** The Chinese label of a value in one of the LABELS groups. */
export function label(group: keyof typeof LABELS, value: string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return (LABELS[group] as Record<string, string>)[value] ?? value;
}

/** What WeChat Pay's refund results mean for an operator (the server keeps WeChat's own word). */
const REFUND_FAILURES: Record<string, string> = {
  ABNORMAL: '微信支付退款异常（ABNORMAL）：多为收款卡已注销或冻结，需在商户平台人工处理后再重试',
  CLOSED: '微信支付已关闭此退款（CLOSED），款项未退出，可重试退款',
};

/** A refund's failure reason in Chinese; reasons this console does not know are shown as the gateway gave them. */
export function refundFailureText(reason: string | null | undefined): string | null {
  if (!reason) return null;
  const status = /^WeChat Pay answered (\w+)/.exec(reason)?.[1];
  if (status && REFUND_FAILURES[status]) return REFUND_FAILURES[status];
  return `网关返回：${reason}`;
}

/** Options for a Select from a LABELS group. */
export function options(group: keyof typeof LABELS): { value: string; label: string }[] {
  return Object.entries(LABELS[group]).map(([value, l]) => ({ value, label: l }));
}
