import { createHmac, randomBytes } from 'node:crypto';
import type { PaymentGateway, PaymentRequest, PaymentStatus, RefundRequest, RefundStatus } from '../gateway.js';

/**
 * The mock gateway (dev and test): payments are "made" by calling `POST /payments/notify`, the
 * runbook's mock notify. Queries answer from what that route recorded.
 */
export class MockPaymentGateway implements PaymentGateway {
  readonly name = 'mock' as const;
  /** Payments the mock notify route accepted, by order number (for queries). */
  readonly paid = new Map<string, { transactionId: string; amount: number }>();
  readonly closed = new Set<string>();
  readonly refunds = new Map<string, RefundStatus & { amount: number }>();
  /** Tests set this to make the next refunds fail as WeChat's ABNORMAL would. */
  failRefunds = false;

  async createPayment(req: PaymentRequest) {
    const prepayId = `mock_${req.orderNo}`;
    const timeStamp = String(Math.floor(Date.now() / 1000));
    const nonceStr = randomBytes(16).toString('hex');
    const pkg = `prepay_id=${prepayId}`;
    // Not an RSA signature: the mock has no merchant key. Shaped like the real thing for the apps.
    const paySign = createHmac('sha256', 'mock-gateway').update(`wx-mock-appid\n${timeStamp}\n${nonceStr}\n${pkg}\n`).digest('base64');
    return { prepayId, params: { appId: 'wx-mock-appid', timeStamp, nonceStr, package: pkg, signType: 'RSA' as const, paySign } };
  }

  async queryPayment(orderNo: string): Promise<PaymentStatus> {
    const p = this.paid.get(orderNo);
    if (p) return { state: 'SUCCESS', transactionId: p.transactionId, amount: p.amount };
    return { state: this.closed.has(orderNo) ? 'CLOSED' : 'NOTPAY', transactionId: null, amount: null };
  }

  async refund(req: RefundRequest): Promise<RefundStatus> {
    const existing = this.refunds.get(req.refundNo);
    if (existing) return existing;
    const r = { status: this.failRefunds ? ('ABNORMAL' as const) : ('SUCCESS' as const), refundId: `mock_rf_${req.refundNo}`, amount: req.amount };
    this.refunds.set(req.refundNo, r);
    return r;
  }

  async queryRefund(refundNo: string): Promise<RefundStatus | null> {
    return this.refunds.get(refundNo) ?? null;
  }

  /** The mock gateway has no bills: reconciliation has nothing to compare. */
  async downloadBill(): Promise<string | null> {
    return null;
  }

  async closePayment(orderNo: string) {
    if (this.paid.has(orderNo)) return 'ALREADY_PAID' as const;
    this.closed.add(orderNo);
    return 'CLOSED' as const;
  }
}
