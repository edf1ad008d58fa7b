import Taro from '@tarojs/taro';
import { ClientError, NotificationTemplatesDocument, PayChangeDocument, PayOrderDocument, RecordSubscribeConsentDocument, type PayOrderMutation } from '@deeptravel/client';
import { API_BASE, gql, IS_WEAPP } from './client';
import { postJson } from './taro-transport';
import { randomKey } from '../lib/format';

/** The mock gateway's wx.requestPayment parameters carry this appId (server: payments/mock). */
const MOCK_APPID = 'wx-mock-appid';

/** How this order can be paid here. */
export type PayMode = 'wechat' | 'mock' | 'unavailable';

let templateIds: string[] = [];

/** Loads the subscribe-message templates the server has configured (call when the pay page opens). */
export async function loadSubscribeTemplates(): Promise<void> {
  try {
    templateIds = (await gql(NotificationTemplatesDocument)).notificationTemplates.map((t) => t.templateId).filter(Boolean).slice(0, 3);
  } catch {
    templateIds = [];
  }
}

/**
 * Asks for subscribe-message consent. WeChat allows this only inside a tap (or the payment
 * callback), so it runs first in the pay tap, before any network call; the answers are recorded
 * on the server (`recordSubscribeConsent`). A refusal changes nothing else.
 */
async function askConsent(): Promise<void> {
  if (!IS_WEAPP || !templateIds.length) return;
  let answers: Record<string, string>;
  try {
    answers = (await Taro.requestSubscribeMessage({ tmplIds: templateIds, entityIds: [] } as never)) as unknown as Record<string, string>;
  } catch {
    return;
  }
  const accepted = templateIds.filter((id) => answers[id] === 'accept');
  const refused = templateIds.filter((id) => answers[id] && answers[id] !== 'accept');
  if (accepted.length) await gql(RecordSubscribeConsentDocument, { templateKeys: accepted, accepted: true }).catch(() => undefined);
  if (refused.length) await gql(RecordSubscribeConsentDocument, { templateKeys: refused, accepted: false }).catch(() => undefined);
}

/**
 * Pays an order: on weapp the subscribe-message consent (in the tap), `payOrder` (checks the hold)
 * and `Taro.requestPayment`; on H5 with the mock gateway `payOrder` and then the mock notify route
 * (`POST /payments/notify`, dev and test only) with the order's total. Throws a ClientError
 * (PAYMENT_CANCELLED, PAYMENT_FAILED or the server's code).
 */
export async function payOrder(order: { id: string; totalAmount: number; orderNo: string }): Promise<void> {
  const consent = askConsent();
  const params = (await gql(PayOrderDocument, { orderId: order.id })).payOrder;
  await pay(params, consent, { order_id: Number(order.id), amount: order.totalAmount });
}

/**
 * Pays the fare difference of a change (改签补差价): `payChange` and `Taro.requestPayment` on weapp; on
 * H5 with the mock gateway the mock notify under the change number (out_trade_no `CH…`).
 */
export async function payChange(change: { id: string; changeNo: string; difference: number }): Promise<void> {
  const params = (await gql(PayChangeDocument, { changeId: change.id })).payChange;
  await pay(params, Promise.resolve(), { out_trade_no: change.changeNo, amount: change.difference });
}

/** wx.requestPayment with the server's parameters (weapp), or the mock gateway's notify (H5). */
async function pay(params: PayOrderMutation['payOrder'], consent: Promise<void>, mock: { order_id?: number; out_trade_no?: string; amount: number }): Promise<void> {
  if (IS_WEAPP) {
    await consent;
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
    ...(mock.order_id !== undefined ? { order_id: mock.order_id } : { out_trade_no: mock.out_trade_no }),
    gateway_txn_id: randomKey('H5MOCK-').slice(0, 64),
    status: 'SUCCESS',
    amount: mock.amount,
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
