/** The parameters `wx.requestPayment` takes, exactly. */
export interface RequestPaymentParams {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'RSA';
  paySign: string;
}

/** What the gateway needs to open a payment for an order. */
export interface PaymentRequest {
  orderNo: string;
  amount: number;
  currency: string;
  description: string;
  /** The payment must complete before this (the seat lock); WeChat refuses it after. */
  expiresAt: Date;
  payerOpenid: string | null;
}

/** The gateway's view of a payment, from a query. */
export interface PaymentStatus {
  state: 'SUCCESS' | 'NOTPAY' | 'CLOSED' | 'PAYERROR' | 'REFUND' | 'USERPAYING' | 'REVOKED' | 'NOT_FOUND';
  transactionId: string | null;
  amount: number | null;
}

/** A refund to send to the gateway; `refundNo` is fixed per request, so a retry cannot refund twice. */
export interface RefundRequest {
  refundNo: string;
  orderNo: string;
  transactionId: string | null;
  amount: number;
  total: number;
  currency: string;
  reason: string;
}

/** The gateway's view of a refund. */
export interface RefundStatus {
  status: 'SUCCESS' | 'PROCESSING' | 'CLOSED' | 'ABNORMAL';
  refundId: string | null;
}

/**
 * A payment gateway (WeChat Pay, or the mock one for dev and test), chosen by PAYMENT_GATEWAY in one
 * place. Notifies arrive through the REST shim and are verified by the gateway-specific route.
 */
export interface PaymentGateway {
  readonly name: 'mock' | 'wechat';
  /** Opens (or reopens) the gateway order and returns what the mini-program passes to wx.requestPayment. */
  createPayment(req: PaymentRequest): Promise<{ prepayId: string; params: RequestPaymentParams }>;
  queryPayment(orderNo: string): Promise<PaymentStatus>;
  /** Closes an unpaid gateway order; 'ALREADY_PAID' means a payment went through (a late payment). */
  closePayment(orderNo: string): Promise<'CLOSED' | 'ALREADY_PAID' | 'NOT_FOUND'>;
  /** Asks for a refund; the final result may come later by refund notify or query. */
  refund(req: RefundRequest): Promise<RefundStatus>;
  queryRefund(refundNo: string): Promise<RefundStatus | null>;
  /**
   * The gateway's bill (对账单) of a Hong Kong/China calendar day: SUCCESS = payments, REFUND = refunds,
   * as CSV text (already downloaded, hash-checked and unzipped). Null when the gateway has none.
   */
  downloadBill(date: string, kind: 'SUCCESS' | 'REFUND'): Promise<string | null>;
}
