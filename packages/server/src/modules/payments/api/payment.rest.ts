import type { App } from '../../../app/app.js';
import { AppError } from '../../../common/errors.js';
import { TransientFailure } from '../../../common/faults.js';
import type { RestRequest, RestResponse, RestRouter } from '../../../http/rest-router.js';
import { restHandler } from '../../orders/api/order.rest.js';
import type { MockPaymentGateway } from '../mock/mock-gateway.js';
import type { PaymentOutcome } from '../payment.service.js';
import { decryptNotifyResource, pickWechatpayHeaders, verifyNotifySignature, WechatCryptoError, type WechatPayVerifierKeys } from '../wechat/wechat-crypto.js';

const FAIL = { code: 'FAIL', message: '失败' };

function outcomeToRest(outcome: PaymentOutcome): RestResponse {
  switch (outcome.kind) {
    case 'PROCESSED':
      return { status: 200, body: outcome.body };
    case 'REFUNDING':
      return { status: 200, body: outcome.body };
    case 'ORDER_NOT_FOUND':
      return { status: 404, body: { error: { code: 'ORDER_NOT_FOUND', message: '订单不存在 (order not found)' } } };
    case 'CONFLICT':
      return { status: 409, body: { error: { code: outcome.code, message: outcome.message, flagged: true, order_id: outcome.orderId } } };
  }
}

function parseMockNotify(body: unknown) {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new AppError('BAD_USER_INPUT', 'Body must be a JSON object');
  const b = body as Record<string, unknown>;
  // A change's fare difference is paid under its change number (out_trade_no "CH…") instead of an order id.
  const outTradeNo = typeof b.out_trade_no === 'string' && b.order_id === undefined ? b.out_trade_no : null;
  const orderId = typeof b.order_id === 'string' && /^\d+$/.test(b.order_id) ? Number(b.order_id) : b.order_id;
  if (!outTradeNo && (typeof orderId !== 'number' || !Number.isSafeInteger(orderId) || orderId <= 0)) {
    throw new AppError('BAD_USER_INPUT', 'order_id must be a positive integer', { field: 'order_id' });
  }
  if (typeof b.gateway_txn_id !== 'string' || !b.gateway_txn_id.trim() || b.gateway_txn_id.length > 64) {
    throw new AppError('BAD_USER_INPUT', 'gateway_txn_id must be a non-empty string of at most 64 characters', { field: 'gateway_txn_id' });
  }
  if (b.status !== 'SUCCESS' && b.status !== 'FAILED') throw new AppError('BAD_USER_INPUT', 'status must be SUCCESS or FAILED', { field: 'status' });
  const amount = b.amount;
  if (b.status === 'SUCCESS' && (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 0)) {
    throw new AppError('BAD_USER_INPUT', 'amount must be a non-negative integer number of fen', { field: 'amount' });
  }
  return { orderId: outTradeNo ? null : (orderId as number), outTradeNo, txnId: b.gateway_txn_id.trim(), status: b.status, amount: typeof amount === 'number' ? amount : null };
}

/**
 * Opens a WeChat Pay notify: signature (key, timestamp window, probe) then AES-GCM decryption. Either
 * the event type and decrypted resource, or the refusal to answer (logged): 401 for a signature that
 * does not hold, 400 for a body that does not decrypt; nothing is changed in either case.
 */
function openWechatNotify(
  app: App,
  req: RestRequest,
  keys: WechatPayVerifierKeys,
  log: { warn: (o: object, m: string) => void },
): { eventType: string | undefined; resource: any } | { refusal: RestResponse } {
  const verdict = verifyNotifySignature(pickWechatpayHeaders(req.headers as Record<string, string>), req.rawBody, keys, Date.now());
  if (!verdict.ok) {
    log.warn({ reason: verdict.reason }, 'refused a WeChat Pay notify');
    return { refusal: { status: 401, body: FAIL } };
  }
  try {
    const notify = JSON.parse(req.rawBody.toString('utf8')) as { event_type?: string; resource?: any };
    return { eventType: notify.event_type, resource: decryptNotifyResource(notify.resource, app.config.WECHATPAY_APIV3_KEY!) };
  } catch (err) {
    log.warn({ reason: err instanceof WechatCryptoError ? err.code : 'BAD_BODY' }, 'refused a WeChat Pay notify');
    return { refusal: { status: 400, body: FAIL } };
  }
}

/**
 * Payment routes of the REST shim: the runbook's mock notify (mock gateway only) and WeChat Pay's
 * notify (wechat gateway only); neither exists in the other mode.
 */
export function registerPaymentRoutes(app: App, router: RestRouter, wechatKeys: WechatPayVerifierKeys | null): void {
  if (app.config.PAYMENT_GATEWAY === 'mock') {
    router.add(
      'POST',
      '/payments/notify',
      restHandler(async (req: RestRequest) => {
        const n = parseMockNotify(req.body);
        if (n.status === 'FAILED' && n.orderId === null) {
          return { status: 200, body: { status: 'failed', out_trade_no: n.outTradeNo, error: 'Payment failed' } };
        }
        if (n.status === 'FAILED' && n.orderId !== null) {
          const order = await app.services.payments.processFailure(req.ctx, { gateway: 'mock', orderId: n.orderId, txnId: n.txnId, amount: n.amount, reason: 'Payment failed' });
          if (!order) return outcomeToRest({ kind: 'ORDER_NOT_FOUND' });
          return { status: 200, body: { status: 'failed', order_id: order.id, order_status: order.status, error: 'Payment failed' } };
        }
        const fault = app.config.NODE_ENV === 'test' ? (req.headers['x-test-fault'] as string | undefined) ?? null : null;
        try {
          const outcome = await app.services.payments.processSuccess(req.ctx, {
            gateway: 'mock', ...(n.orderId !== null ? { orderId: n.orderId } : { orderNo: n.outTradeNo! }), txnId: n.txnId, amount: n.amount!,
            source: 'MOCK', injectFault: fault,
          });
          if (outcome.kind === 'PROCESSED' && !outcome.replay) {
            (app.services.paymentGateway as MockPaymentGateway).paid?.set(outcome.body.out_trade_no, { transactionId: n.txnId, amount: n.amount! });
          }
          return outcomeToRest(outcome);
        } catch (err) {
          if (err instanceof TransientFailure) {
            req.ctx.log.warn({ err }, 'payment processing failed and rolled back');
            return { status: 503, body: { error: { code: 'RETRY_LATER', message: 'Processing failed and was rolled back; retry the notify' } } };
          }
          throw err;
        }
      }),
    );
  }

  if (app.config.PAYMENT_GATEWAY === 'wechat' && wechatKeys) {
    router.add(
      'POST',
      '/payments/wechat/notify',
      async (req: RestRequest): Promise<RestResponse> => {
        const log = req.ctx.log.child({ route: 'wechat-notify' });
        const opened = openWechatNotify(app, req, wechatKeys, log);
        if ('refusal' in opened) return opened.refusal;
        const { resource } = opened;
        if (opened.eventType !== 'TRANSACTION.SUCCESS' || resource.trade_state !== 'SUCCESS') {
          log.info({ event: opened.eventType, state: resource.trade_state }, 'WeChat Pay notify ignored');
          return { status: 204 };
        }
        if (resource.mchid !== app.config.WECHATPAY_MCHID || resource.appid !== app.config.WECHATPAY_APPID) {
          log.warn({ mchid: resource.mchid, appid: resource.appid }, 'WeChat Pay notify for another merchant or app');
          return { status: 400, body: FAIL };
        }
        try {
          const outcome = await app.services.payments.processSuccess(req.ctx, {
            gateway: 'wechat', orderNo: String(resource.out_trade_no), txnId: String(resource.transaction_id),
            amount: Number(resource.amount?.total), currency: resource.amount?.currency, source: 'NOTIFY',
          });
          // Conflicts and unknown orders are recorded and flagged: answering success stops WeChat's retries.
          if (outcome.kind !== 'PROCESSED' && outcome.kind !== 'REFUNDING') log.warn({ outcome }, 'WeChat Pay notify flagged');
          return { status: 204 };
        } catch (err) {
          log.error({ err }, 'WeChat Pay notify processing failed; WeChat will retry');
          return { status: 500, body: FAIL };
        }
      },
      { raw: true },
    );
  }

  if (app.config.PAYMENT_GATEWAY === 'wechat' && wechatKeys) {
    router.add(
      'POST',
      '/payments/wechat/refund-notify',
      async (req: RestRequest): Promise<RestResponse> => {
        const log = req.ctx.log.child({ route: 'wechat-refund-notify' });
        const opened = openWechatNotify(app, req, wechatKeys, log);
        if ('refusal' in opened) return opened.refusal;
        const { resource } = opened;
        const status = { 'REFUND.SUCCESS': 'SUCCESS', 'REFUND.ABNORMAL': 'ABNORMAL', 'REFUND.CLOSED': 'CLOSED' }[opened.eventType ?? ''] as
          | 'SUCCESS' | 'ABNORMAL' | 'CLOSED' | undefined;
        if (!status || resource.mchid !== app.config.WECHATPAY_MCHID) {
          log.warn({ event: opened.eventType }, 'WeChat Pay refund notify ignored');
          return { status: 204 };
        }
        try {
          // Idempotent: a repeated or late result for a refund already final changes nothing.
          await app.services.refunds.applyResult(req.ctx, String(resource.out_refund_no), status, resource.refund_id ?? null);
          return { status: 204 };
        } catch (err) {
          log.error({ err }, 'refund notify processing failed; WeChat will retry');
          return { status: 500, body: FAIL };
        }
      },
      { raw: true },
    );
  }
}
