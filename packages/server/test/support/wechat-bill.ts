/** Writes a WeChat Pay trade bill in WeChat's layout (backtick-prefixed values, summary lines), for tests. */
export function tradeBillCsv(
  rows: Array<{ time?: string; transactionId: string; outTradeNo: string; state?: string; currency?: string; amount: number; outRefundNo?: string; refundAmount?: number; refundState?: string }>,
  mchid = '1900000109',
  appid = 'wxd678efh567hg6787',
): string {
  const header = '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
  const yuan = (fen: number) => (fen / 100).toFixed(2);
  const lines = rows.map((r) =>
    [
      r.time ?? '2026-11-22 10:00:00', appid, mchid, '0', '', r.transactionId, r.outTradeNo, 'o-user', 'JSAPI', r.state ?? 'SUCCESS', 'OTHERS', r.currency ?? 'CNY',
      yuan(r.amount), '0.00', r.outRefundNo ? `5030${r.outRefundNo}` : '0', r.outRefundNo ?? '0', yuan(r.refundAmount ?? 0), '0.00', r.outRefundNo ? 'ORIGINAL' : '',
      r.refundState ?? '', 'DeepTravel', '', '0.00', '0.60%', yuan(r.amount), yuan(r.refundAmount ?? 0), '',
    ].map((v) => `\`${v}`).join(','),
  );
  const total = rows.reduce((s, r) => s + r.amount, 0);
  return [header, ...lines, '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额', `\`${rows.length},\`${yuan(total)},\`0.00,\`0.00,\`0.00,\`${yuan(total)},\`0.00`, ''].join('\r\n');
}
