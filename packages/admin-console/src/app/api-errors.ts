import type { FormInstance } from 'antd';
import { message } from 'antd';
import { ClientError, describeError, errorMessage } from '@deeptravel/client';

/**
 * What to tell an admin about a field the API refused (`extensions.field`), in Chinese. The server
 * answers VALIDATION_FAILED with the field and an English hint for developers; the console shows the
 * shared sentence for the code plus this hint, never the raw code or the English text.
 * Keys are field names with list indexes removed (`lines[2].uses` → `lines.uses`).
 */
export const FIELD_HINTS: Record<string, string> = {
  code: '代码格式不正确，或已被使用',
  nameZh: '请填写中文名称',
  pinyin: '拼音：小写字母，不带声调，例如 xianggang',
  mode: '请选择巴士或船',
  destinationId: '出发地与目的地不能相同',
  durationMinutes: '时长：1–1440 分钟',
  routeId: '线路不存在，或还没有票务产品',
  templateId: '套票需要模板和城市',
  kind: '请选择类型',
  dailyQuota: '每日配额：不小于 0 的整数',
  currency: '币种：CNY 或 HKD',
  tiers: '阶梯价格表有缺口或重叠',
  'tiers.minHoursBefore': '小时数不能为负，且各档不能相同',
  'tiers.feePercent': '手续费：0–100%',
  summaryZh: '请填写旅客可读的规则说明',
  validityDays: '有效期：1–30 天',
  lines: '套票至少需要一项权益',
  'lines.scope': '请选择每位乘客或全单共享',
  'lines.uses': '次数：1–99',
  'lines.name': '请填写权益名称',
  capacity: '座位数不正确，或低于已售加锁定的数量',
  status: '状态不正确',
  toDate: '日期范围不正确（最多一年）',
  times: '时间格式：HH:MM，例如 08:30',
  quota: '配额不能低于已售加锁定的数量',
  date: '日期格式：YYYY-MM-DD',
  value: '数值不正确（折扣 1–100%，立减金额大于 0）',
  endsAt: '结束时间必须晚于开始时间',
  usageCap: '使用上限不能低于已使用次数',
  lockDurationMinutes: '座位保留：1–60 分钟',
  maxPassengersPerOrder: '每单乘客：1–50 人',
  username: '用户名：3–40 位字母、数字或 _ . -，且未被使用',
  password: '密码长度不足',
  role: '请选择角色',
  name: '请填写名称',
  merchantId: '商户不存在',
  id: '引用的记录不存在',
};

/** The field name without list indexes, for FIELD_HINTS. */
export function fieldKey(field: string): string {
  return field.replace(/\[\d+\]/g, '');
}

/** `lines[2].uses` → ['lines', 2, 'uses'] (an antd NamePath). */
export function fieldPath(field: string): (string | number)[] {
  return field.split(/[.[\]]/).filter(Boolean).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** The Chinese text for a refused field. */
export function fieldErrorText(err: ClientError): string {
  const field = typeof err.details.field === 'string' ? err.details.field : '';
  return FIELD_HINTS[fieldKey(field)] ?? FIELD_HINTS[fieldPath(field)[0] as string] ?? err.sentence('zh');
}

/**
 * Shows an API error where it belongs: on the form field named by `extensions.field` (mapped by
 * `fieldMap` when the form names it differently), and always as a message with the shared sentence.
 * Returns true when a field was marked.
 */
export function showApiError(err: unknown, form?: FormInstance, fieldMap: Record<string, string | (string | number)[]> = {}): boolean {
  let marked = false;
  if (form && err instanceof ClientError && typeof err.details.field === 'string') {
    const field = err.details.field;
    const mapped = fieldMap[field] ?? fieldMap[fieldKey(field)];
    const name = mapped === undefined ? fieldPath(field) : Array.isArray(mapped) ? mapped : fieldPath(mapped);
    try {
      form.setFields([{ name, errors: [fieldErrorText(err)] }]);
      marked = true;
    } catch {
      marked = false;
    }
  }
  void message.error(describeError(err, 'zh'));
  return marked;
}

/** The sentence for an error (for alerts). */
export function errorText(err: unknown): string {
  return describeError(err, 'zh');
}

export { errorMessage };
