import { GraphQLError } from 'graphql';

/**
 * Stable error codes (GraphQL `extensions.code`, REST `{"error":{"code"}}`). Expected outcomes
 * (sold out, lock expired, not refundable …) are AppErrors; anything else is an internal error
 * whose details are logged, never shown.
 */
export const ERROR_HTTP_STATUS = {
  BAD_USER_INPUT: 400,
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ORDER_NOT_FOUND: 404,
  PRODUCT_NOT_FOUND: 404,
  TRIP_NOT_FOUND: 404,
  CITY_NOT_FOUND: 404,
  TICKET_NOT_FOUND: 404,
  DATE_IN_PAST: 400,
  BLACKOUT_DATE: 409,
  NOT_ON_SALE: 409,
  TRIP_DEPARTED: 409,
  TOO_MANY_PASSENGERS: 400,
  SOLD_OUT: 409,
  BUSY_RETRY: 429,
  PROMOTION_INVALID: 409,
  PROMOTION_EXHAUSTED: 409,
  ORDER_NOT_PENDING: 409,
  LOCK_EXPIRED: 409,
  INVALID_TRANSITION: 409,
  PAYMENT_CONFLICT: 409,
  AMOUNT_MISMATCH: 409,
  DOUBLE_PAYMENT: 409,
  IDEMPOTENCY_CONFLICT: 409,
  RATE_LIMITED: 429,
  RETRY_LATER: 503,
  PAYMENT_GATEWAY_ERROR: 502,
  OPENID_REQUIRED: 409,
  REFUND_NOT_ALLOWED: 409,
  REFUND_IN_PROGRESS: 409,
  CHANGE_NOT_ALLOWED: 409,
  CHANGE_NOT_FOUND: 404,
  // Merchant staff and redemption (docs/redemption.md).
  INVALID_CREDENTIALS: 401,
  MERCHANT_DISABLED: 403,
  STAFF_DISABLED: 403,
  TERMINAL_DISABLED: 403,
  QR_MALFORMED: 400,
  QR_UNKNOWN_KEY: 422,
  QR_BAD_SIGNATURE: 422,
  QR_STALE: 422,
  SCAN_NOT_FOUND: 404,
  SCAN_EXPIRED: 409,
  LINE_NOT_FOUND: 404,
  OTHER_MERCHANT: 403,
  ALREADY_REDEEMED: 409,
  REPLAYED_CODE: 409,
  NOT_YET_VALID: 409,
  WRONG_DEPARTURE: 409,
  TICKET_EXPIRED: 409,
  TICKET_REFUNDED: 409,
  TICKET_CHANGED: 409,
  CHANGE_IN_PROGRESS: 409,
  EXPORT_TOO_LARGE: 413,
  // Terminal enrolment and offline redemption (docs/redemption.md "Offline").
  ENROLMENT_CODE_INVALID: 410,
  REDEMPTION_CONFLICT: 409,
  // Traveller login and saved passengers (docs/apps.md).
  WECHAT_LOGIN_FAILED: 401,
  WECHAT_LOGIN_UNAVAILABLE: 503,
  SAVED_PASSENGER_NOT_FOUND: 404,
  SAVED_PASSENGER_LIMIT: 409,
  QUERY_TOO_COMPLEX: 400,
  // Persisted queries in enforce mode (docs/deploy.md).
  PERSISTED_QUERY_NOT_FOUND: 400,
  PERSISTED_QUERY_REQUIRED: 400,
  INTERNAL_SERVER_ERROR: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_HTTP_STATUS;

/** An expected failure with a stable code and optional machine-readable details. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }

  get httpStatus(): number {
    return ERROR_HTTP_STATUS[this.code];
  }

  /** The GraphQL shape: message plus `extensions.code` and the details. */
  toGraphQLError(): GraphQLError {
    return new GraphQLError(this.message, { extensions: { code: this.code, ...this.details } });
  }
}

/**
 * True for a PostgreSQL error that a value of the request caused: a number out of its column's range
 * (an id that cannot exist, say) or text that is not a number or a date where one is needed. The
 * answer is BAD_USER_INPUT (`badValue`), not a 500; the server still logs it, in case a bug and not the
 * request produced the value.
 */
export function isBadValueError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && ['22003', '22P02', '22007', '22008'].includes(code) && typeof (err as { severity?: unknown }).severity === 'string';
}

/** The client-facing error for `isBadValueError`. */
export function badValue(): AppError {
  return new AppError('BAD_USER_INPUT', 'A value in the request is out of range or malformed (for example an id that cannot exist)');
}

/**
 * True when the database connection itself failed (terminated by the server, reset, refused): the
 * request did not complete and nothing of its transaction was kept, so the client may retry.
 */
export function isConnectionFailure(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  const code = e?.code ?? '';
  return (
    ['57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '53300', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE'].includes(code) ||
    /Connection terminated|connection timeout|Client has encountered a connection error/i.test(e?.message ?? '')
  );
}

/** The client-facing error for a failed database connection: 503, retry. */
export function retryLater(): AppError {
  return new AppError('RETRY_LATER', 'The service is briefly unavailable; please try again', { retryAfterSeconds: 1 });
}

/** True for PostgreSQL errors that mean "try again" (lock timeout, serialization, deadlock). */
export function isRetryableDbError(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return code === '55P03' || code === '40001' || code === '40P01';
}
