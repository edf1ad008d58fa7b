/** A language of the apps: Simplified Chinese first, English as the switch. */
export type Lang = 'zh' | 'en';

/** A sentence per language; `{name}` is filled from the error's details. */
export interface Sentence {
  zh: string;
  en: string;
}

/**
 * Every error code the server can answer (packages/server/src/common/errors.ts) and the few the
 * client makes itself, as sentences a traveller or a member of staff understands: what happened
 * and what to do. A test fails when the server has a code that is missing here.
 */
export const ERROR_MESSAGES: Record<string, Sentence> = {
  BAD_USER_INPUT: { zh: '填写的信息有误，请检查后重试。', en: 'Something you entered is not valid. Please check it and try again.' },
  VALIDATION_FAILED: { zh: '填写的信息有误，请检查后重试。', en: 'Something you entered is not valid. Please check it and try again.' },
  UNAUTHENTICATED: { zh: '登录已过期，请重新登录。', en: 'Your session has ended. Please log in again.' },
  FORBIDDEN: { zh: '您没有权限进行此操作。', en: 'You are not allowed to do this.' },
  NOT_FOUND: { zh: '找不到您要的内容。', en: 'We could not find what you asked for.' },
  ORDER_NOT_FOUND: { zh: '找不到这个订单，请在“我的订单”中查看。', en: 'We could not find this order. Please look in My orders.' },
  PRODUCT_NOT_FOUND: { zh: '该产品已下架，请重新搜索。', en: 'This product is no longer offered. Please search again.' },
  TRIP_NOT_FOUND: { zh: '该班次不存在或已取消，请选择其他班次。', en: 'This departure does not exist or was cancelled. Please choose another one.' },
  CITY_NOT_FOUND: { zh: '找不到这个城市，请从列表中选择。', en: 'We do not know this city. Please pick one from the list.' },
  TICKET_NOT_FOUND: { zh: '找不到这张票，请在“我的票夹”中查看。', en: 'We could not find this ticket. Please look in My tickets.' },
  DATE_IN_PAST: { zh: '出行日期已过，请选择今天或之后的日期。', en: 'That date has passed. Please choose today or a later day.' },
  BLACKOUT_DATE: { zh: '该日期暂停售票（禁售日），请选择其他日期。', en: 'Tickets are not sold for this date (blackout). Please choose another day.' },
  NOT_ON_SALE: { zh: '该产品当前不可购买，请选择其他班次或日期。', en: 'This is not on sale right now. Please choose another departure or day.' },
  TRIP_DEPARTED: { zh: '该班次已出发，请选择稍后的班次。', en: 'This departure has left. Please choose a later one.' },
  TOO_MANY_PASSENGERS: { zh: '每个订单最多 {max} 位乘客，请分开下单。', en: 'An order can have at most {max} passengers. Please split your party into several orders.' },
  SOLD_OUT: { zh: '余票不足，请选择其他班次或减少人数。', en: 'Not enough seats left. Please choose another departure or fewer passengers.' },
  BUSY_RETRY: { zh: '当前购票人数较多，请稍后再试。', en: 'Many people are booking right now. Please try again in a moment.' },
  PROMOTION_INVALID: { zh: '优惠码无效或不适用于此订单，请检查后重试或留空。', en: 'This promotion code is not valid for this order. Check it or leave it empty.' },
  PROMOTION_EXHAUSTED: { zh: '该优惠已被领完，请留空优惠码后下单。', en: 'This promotion has been used up. Leave the code empty to book.' },
  ORDER_NOT_PENDING: { zh: '订单状态已变化，请刷新查看。', en: 'This order has changed. Please refresh it.' },
  LOCK_EXPIRED: { zh: '座位保留已过期，订单已取消。请重新搜索并下单。', en: 'The seat hold has expired and the order was cancelled. Please search and book again.' },
  INVALID_TRANSITION: { zh: '订单当前状态不支持此操作，请刷新查看。', en: 'This cannot be done in the order’s current state. Please refresh it.' },
  PAYMENT_CONFLICT: { zh: '支付信息不一致，我们正在核对，请稍后查看订单。', en: 'The payment did not match; we are checking it. Please look at the order later.' },
  AMOUNT_MISMATCH: { zh: '支付金额与订单不符，款项将原路退回。', en: 'The amount paid did not match the order; it will be refunded.' },
  DOUBLE_PAYMENT: { zh: '该订单已支付过，重复支付的款项将原路退回。', en: 'This order was already paid; the second payment will be refunded.' },
  IDEMPOTENCY_CONFLICT: { zh: '请求重复提交，请刷新后查看订单。', en: 'This request was already sent. Please refresh and look at your orders.' },
  RATE_LIMITED: { zh: '操作太频繁，请稍等一分钟再试。', en: 'Too many attempts. Please wait a minute and try again.' },
  RETRY_LATER: { zh: '服务暂时繁忙，请稍后再试。', en: 'The service is busy. Please try again shortly.' },
  PAYMENT_GATEWAY_ERROR: { zh: '微信支付暂时无法使用，请稍后再试，座位仍为您保留。', en: 'WeChat Pay is not answering. Please try again; your seats are still held.' },
  OPENID_REQUIRED: { zh: '请在微信中打开并登录后再支付。', en: 'Please open this in WeChat and log in to pay.' },
  REFUND_NOT_ALLOWED: { zh: '这张票按退改规则已不能退款。', en: 'Under its refund rules this ticket can no longer be refunded.' },
  REFUND_IN_PROGRESS: { zh: '退款正在处理中，请稍后查看结果。', en: 'A refund is already being processed. Please check back shortly.' },
  CHANGE_NOT_ALLOWED: { zh: '这张票不能改签，请查看退改规则。', en: 'This ticket cannot be changed. Please see its rules.' },
  CHANGE_NOT_FOUND: { zh: '找不到这次改签。', en: 'We could not find this change.' },
  INVALID_CREDENTIALS: { zh: '用户名或密码不正确。', en: 'The username or password is wrong.' },
  MERCHANT_DISABLED: { zh: '商户已停用，请联系平台。', en: 'This merchant is disabled. Please contact the platform.' },
  STAFF_DISABLED: { zh: '该员工账号已停用，请联系店长。', en: 'This staff account is disabled. Please ask your manager.' },
  TERMINAL_DISABLED: { zh: '该核销设备已停用，请联系店长。', en: 'This terminal is disabled. Please ask your manager.' },
  QR_MALFORMED: { zh: '无法识别此二维码，请让旅客刷新后重新出示。', en: 'This QR code cannot be read. Ask the traveller to refresh it and show it again.' },
  QR_UNKNOWN_KEY: { zh: '二维码签名未知，请更新离线数据后重试。', en: 'The code’s key is unknown. Update the offline data and try again.' },
  QR_BAD_SIGNATURE: { zh: '二维码无效（可能被篡改），请勿核销。', en: 'This code is not genuine. Do not let it through.' },
  QR_STALE: { zh: '二维码已过期（可能是截图），请让旅客刷新后重新出示。', en: 'This code has expired (maybe a screenshot). Ask the traveller to refresh it.' },
  SCAN_NOT_FOUND: { zh: '扫码记录已失效，请重新扫码。', en: 'This scan is no longer valid. Please scan again.' },
  SCAN_EXPIRED: { zh: '扫码已超时，请重新扫码。', en: 'This scan timed out. Please scan again.' },
  LINE_NOT_FOUND: { zh: '该票不包含此项目。', en: 'This ticket does not include that item.' },
  OTHER_MERCHANT: { zh: '此票不能在本商户使用。', en: 'This ticket is not for this merchant.' },
  ALREADY_REDEEMED: { zh: '此票已使用过。', en: 'This ticket has already been used.' },
  REPLAYED_CODE: { zh: '该二维码刚刚已被扫过，请让旅客刷新。', en: 'This code was just scanned. Ask the traveller to refresh it.' },
  NOT_YET_VALID: { zh: '此票尚未到使用日期。', en: 'This ticket is not valid yet.' },
  WRONG_DEPARTURE: { zh: '此票为 {departureTime} 班次，请引导旅客至对应闸口。', en: 'This ticket is for the {departureTime} departure. Send the traveller to that gate.' },
  TICKET_EXPIRED: { zh: '此票已过期。', en: 'This ticket has expired.' },
  TICKET_REFUNDED: { zh: '此票已退款，不能使用。', en: 'This ticket was refunded and cannot be used.' },
  TICKET_CHANGED: { zh: '此票已改签，请使用新票。', en: 'This ticket was changed; use the new ticket.' },
  CHANGE_IN_PROGRESS: { zh: '此票正在改签，请完成或取消改签后再操作。', en: 'A change of this ticket is in progress. Finish or abandon it first.' },
  ENROLMENT_CODE_INVALID: { zh: '激活码无效、已使用或已过期，请让管理员重新生成。', en: 'This enrolment code is wrong, used or expired. Ask an administrator for a new one.' },
  REDEMPTION_CONFLICT: { zh: '离线核销冲突：该项目已在其他设备先核销，已交店长处理。', en: 'Offline conflict: this was used first on another terminal; a manager will resolve it.' },
  EXPORT_TOO_LARGE: { zh: '导出的数据太多，请缩小日期范围。', en: 'Too much to export. Please choose a shorter period.' },
  WECHAT_LOGIN_FAILED: { zh: '微信登录失败，请重试。', en: 'WeChat login failed. Please try again.' },
  WECHAT_LOGIN_UNAVAILABLE: { zh: '微信登录暂时不可用，请稍后再试。', en: 'WeChat login is not available right now. Please try again later.' },
  SAVED_PASSENGER_NOT_FOUND: { zh: '找不到这位常用旅客，请重新选择。', en: 'We could not find this saved passenger. Please choose again.' },
  SAVED_PASSENGER_LIMIT: { zh: '常用旅客最多 {max} 位，请先删除不用的。', en: 'You can save at most {max} passengers. Delete one you no longer need.' },
  QUERY_TOO_COMPLEX: { zh: '请求过于复杂，请稍后再试。', en: 'This request is too large. Please try again later.' },
  PERSISTED_QUERY_NOT_FOUND: { zh: '当前版本过旧，请更新或重新打开小程序后再试。', en: 'This version of the app is out of date. Please update or reopen it and try again.' },
  PERSISTED_QUERY_REQUIRED: { zh: '当前版本过旧，请更新或重新打开小程序后再试。', en: 'This version of the app is out of date. Please update or reopen it and try again.' },
  INTERNAL_SERVER_ERROR: { zh: '系统出了点问题，请稍后再试。', en: 'Something went wrong on our side. Please try again later.' },
  // Made by the client itself.
  NETWORK_ERROR: { zh: '网络连接失败，请检查网络后重试。', en: 'No connection. Check your network and try again.' },
  TIMEOUT: { zh: '网络超时，请稍后重试。', en: 'The network timed out. Please try again.' },
  PAYMENT_CANCELLED: { zh: '您已取消支付，座位仍为您保留到倒计时结束。', en: 'You cancelled the payment. Your seats are held until the countdown ends.' },
  PAYMENT_FAILED: { zh: '支付没有成功，请在保留时间内重试。', en: 'The payment did not go through. Please try again before the hold ends.' },
  UNKNOWN: { zh: '出了点问题，请稍后再试。', en: 'Something went wrong. Please try again.' },
};

/** The sentence for an error code in a language, with `{name}` filled from the details. */
export function errorMessage(code: string | null | undefined, lang: Lang = 'zh', details: Record<string, unknown> = {}): string {
  const sentence = ERROR_MESSAGES[code ?? 'UNKNOWN'] ?? ERROR_MESSAGES.UNKNOWN;
  return sentence[lang].replace(/\{(\w+)\}/g, (m, k: string) => (details[k] === undefined || details[k] === null ? m : String(details[k])));
}
