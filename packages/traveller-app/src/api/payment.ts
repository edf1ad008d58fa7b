import Taro from '@tarojs/taro';
import { ClientError, PayOrderDocument } from '@deeptravel/client';
import { API_BASE, gql, IS_WEAPP } from './client';
import { postJson } from './taro-transport';
import { randomKey } from '../lib/format';

/** The mock gateway's wx.requestPayment parameters carry this appId (server: payments/mock). */
const MOCK_APPID = 'wx-mock-appid';

/** How this order can be paid here. */
export type PayMode = 'wechat' | 'mock' | 'unavailable';

/**
 * Pays an order: `payOrder` (checks the hold), then on weapp the subscribe-message consent and
 * `Taro.requestPayment` in the same tap; on H5 with the mock gateway the mock notify route
 * (`POST /payments/notify`, dev and test only) with the order's total. Throws a ClientError
 * (PAYMENT_CANCELLED, PAYMENT_FAILED or the server's code).
 */
export async function payOrder(order: { id: string; totalAmount: number; orderNo: string }): Promise<void> {
  const params = (await gql(PayOrderDocument, { orderId: order.id })).payOrder;
  if (IS_WEAPP) {
    const templates = DT_SUBSCRIBE_TEMPLATES.split(',').map((s) => s.trim()).filter(Boolean);
    if (templates.length) {
      // WeChat allows this only on a tap: asked here, before the payment sheet; a refusal changes nothing.
      await Taro.requestSubscribeMessage({ tmplIds: templates, entityIds: [] } as never).catch(() => undefined);
    }
    try {
      await Taro.requestPayment({
        timeStamp: params.timeStamp,
        nonceStr: params.nonceStr,
        package: params.package,
        signType: params.signType as 'RSA',
        paySign: params.paySign,
      });
    } catch (err) {
      const msg = String((err as { errMsg?: string })?.errMsg ?? '');
      throw new ClientError(/cancel/i.test(msg) ? 'PAYMENT_CANCELLED' : 'PAYMENT_FAILED', msg);
    }
    return;
  }
  if (params.appId !== MOCK_APPID) throw new ClientError('OPENID_REQUIRED', 'Pay in the mini-program');
  const res = await postJson(`${API_BASE}/payments/notify`, {
    order_id: Number(order.id),
    gateway_txn_id: randomKey('H5MOCK-').slice(0, 64),
    status: 'SUCCESS',
    amount: order.totalAmount,
  }).catch(() => {
    throw new ClientError('NETWORK_ERROR', 'mock notify failed');
  });
  if (res.status >= 400) {
    const code = res.body?.error?.code;
    throw new ClientError(typeof code === 'string' ? code : 'PAYMENT_FAILED', res.body?.error?.message ?? `HTTP ${res.status}`);
  }
}

/** What the pay button does on this platform. */
export function payModeHint(): PayMode {
  return IS_WEAPP ? 'wechat' : 'mock';
}
