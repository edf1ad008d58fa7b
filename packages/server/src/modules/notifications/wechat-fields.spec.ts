import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../app/config.js';
import { templatesFromConfig } from './notification-kinds.js';
import { buildFields, fitValue, formatAmount, formatTime, formatValidUntil, summariseProducts, toWechatData, truncate } from './wechat-fields.js';

describe('WeChat subscribe-message fields', () => {
  it('fits values to the rules of their key type', () => {
    expect(fitValue('thing3', '一二三四五六七八九十一二三四五六七八九十一')).toBe('一二三四五六七八九十一二三四五六七八九…');
    expect(Array.from(fitValue('thing3', 'x'.repeat(40)))).toHaveLength(20);
    expect(fitValue('thing1', '喷射飞航 TurboJET')).toBe('喷射飞航 TurboJET');
    expect(fitValue('character_string1', 'DT 2026-1123 订单 ABC')).toBe('DT2026-1123ABC');
    expect(fitValue('character_string1', 'A'.repeat(40))).toHaveLength(32);
    expect(fitValue('phrase3', '退款成功啦啦啦')).toBe('退款成功啦');
    expect(fitValue('phrase3', 'OK 退款成功')).toBe('退款成功');
    expect(fitValue('number5', '12a.5')).toBe('12.5');
    expect(fitValue('thing2', '   ')).toBe('-');
    expect(fitValue('time4', '2026年11月23日 17:05')).toBe('2026年11月23日 17:05');
  });

  it('formats amounts, times in UTC+8, and the last minute of a validity', () => {
    expect(formatAmount(26000)).toBe('¥260.00');
    expect(formatAmount(4205, 'HKD')).toBe('HK$42.05');
    expect(formatTime(new Date('2026-11-23T09:05:00Z'))).toBe('2026年11月23日 17:05');
    // Validity ends at 00:00 (UTC+8) of 26 Nov: shown as 23:59 of the 25th.
    expect(formatValidUntil(new Date('2026-11-25T16:00:00Z'))).toBe('2026年11月25日 23:59');
  });

  it('summarises products so the count survives the 20-character limit', () => {
    expect(summariseProducts(['3-in-1 Transport Pass'])).toBe('3-in-1 Transport Pa…');
    expect(summariseProducts(['A', 'A', 'B'])).toBe('A 等2项');
    const long = summariseProducts(['深圳蛇口 → 香港国际机场海天码头 船票', 'B', 'C']);
    expect(long.endsWith(' 等3项')).toBe(true);
    expect(Array.from(long).length).toBeLessThanOrEqual(20);
    expect(truncate('abc', 3)).toBe('abc');
  });

  it('builds WeChat data from the template map, with per-deployment key overrides', () => {
    const def = templatesFromConfig(loadConfig({})).PAYMENT_SUCCESS;
    expect(def.templateId).toBe('LOG_PAYMENT_SUCCESS');
    const fields = buildFields(def.fields, { orderNo: 'DT1', amount: '¥1.00', products: 'P', paidAt: '2026年1月1日 00:00' });
    expect(toWechatData(fields)).toEqual({
      character_string1: { value: 'DT1' }, amount2: { value: '¥1.00' }, thing3: { value: 'P' }, time4: { value: '2026年1月1日 00:00' },
    });
    const custom = templatesFromConfig(loadConfig({
      NOTIFICATION_CHANNEL: 'wechat', WECHAT_APPID: 'wx1234567890abcdef', WECHAT_APP_SECRET: 'x'.repeat(32),
      WECHAT_TEMPLATE_PAYMENT_SUCCESS: 'bDmywsp2oEHjwAadTGKkUHpC0RgBVPvfAD-fXfOAjuQ', WECHAT_TEMPLATE_FIELDS_PAYMENT_SUCCESS: 'orderNo=character_string7,amount=amount9',
    }));
    expect(custom.PAYMENT_SUCCESS.fields.map((f) => f.key)).toEqual(['character_string7', 'amount9']);
    // Not configured under the wechat channel: no stand-in id, so such messages are recorded SKIPPED_NO_TEMPLATE.
    expect(custom.REFUND_RESULT.templateId).toBeNull();
  });

  it('validates the channel configuration', () => {
    expect(() => loadConfig({ NOTIFICATION_CHANNEL: 'wechat' })).toThrow('Invalid configuration: WECHAT_APPID: required when NOTIFICATION_CHANNEL=wechat');
    expect(() => loadConfig({ NOTIFICATION_CHANNEL: 'sms' })).toThrow(/NOTIFICATION_CHANNEL/);
    expect(() => loadConfig({ WECHAT_TEMPLATE_ORDER_CANCELLED: 'bad id!' })).toThrow(/WECHAT_TEMPLATE_ORDER_CANCELLED: must be a subscribe-message template id/);
    expect(() => loadConfig({ WECHAT_TEMPLATE_FIELDS_ORDER_CANCELLED: 'orderNo' })).toThrow(/WECHAT_TEMPLATE_FIELDS_ORDER_CANCELLED/);
  });
});
