import { describe, expect, it } from 'vitest';
import { refundFailureText } from '../src/app/format';

describe('refundFailureText', () => {
  it('says in Chinese what WeChat Pay refund results mean, and keeps unknown reasons visible', () => {
    expect(refundFailureText('WeChat Pay answered ABNORMAL')).toMatch(/^微信支付退款异常（ABNORMAL）/);
    expect(refundFailureText('WeChat Pay answered CLOSED')).toMatch(/^微信支付已关闭此退款（CLOSED）/);
    expect(refundFailureText('socket hang up')).toBe('网关返回：socket hang up');
    expect(refundFailureText(null)).toBeNull();
  });
});
