import { parseDecimalAmount } from '@deeptravel/shared';

/** One line of a WeChat bill, with the fields reconciliation needs. */
export interface BillRow {
  time: string;
  transactionId: string;
  outTradeNo: string;
  state: string;
  currency: string;
  /** Order amount in minor units. */
  amount: number;
  refundId: string | null;
  outRefundNo: string | null;
  refundAmount: number | null;
  refundState: string | null;
}

const COLUMNS: Record<keyof BillRow, string[]> = {
  time: ['交易时间'],
  transactionId: ['微信订单号'],
  outTradeNo: ['商户订单号'],
  state: ['交易状态'],
  currency: ['货币种类'],
  amount: ['订单金额', '应结订单金额'],
  refundId: ['微信退款单号'],
  outRefundNo: ['商户退款单号'],
  refundAmount: ['退款金额', '申请退款金额'],
  refundState: ['退款状态'],
};

/**
 * Parses a WeChat Pay trade bill (交易账单): a header line, one line per trade with every value
 * prefixed by a backtick (so spreadsheets keep long numbers as text), then summary lines starting
 * with 总交易单数. Amounts are decimal yuan/dollars and become integer minor units.
 */
export function parseTradeBill(csv: string): BillRow[] {
  const lines = csv.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = lines[0]?.split(',').map((h) => h.trim()) ?? [];
  const index = (names: string[]) => header.findIndex((h) => names.includes(h));
  const at = Object.fromEntries(Object.entries(COLUMNS).map(([k, names]) => [k, index(names)])) as Record<keyof BillRow, number>;
  if (at.transactionId < 0 || at.outTradeNo < 0 || at.amount < 0) throw new Error('not a WeChat trade bill: missing columns');
  const rows: BillRow[] = [];
  for (const line of lines.slice(1)) {
    if (!line.trim() || line.startsWith('总交易单数') || !line.startsWith('`')) break;
    const v = line.split(',').map((x) => x.trim().replace(/^`/, ''));
    const opt = (i: number) => (i >= 0 && v[i] && v[i] !== '0' && v[i] !== '0.00' ? v[i] : null);
    rows.push({
      time: v[at.time] ?? '',
      transactionId: v[at.transactionId],
      outTradeNo: v[at.outTradeNo],
      state: v[at.state] ?? '',
      currency: v[at.currency] || 'CNY',
      amount: parseDecimalAmount(v[at.amount]),
      refundId: opt(at.refundId),
      outRefundNo: opt(at.outRefundNo),
      refundAmount: opt(at.refundAmount) ? parseDecimalAmount(v[at.refundAmount]) : null,
      refundState: opt(at.refundState),
    });
  }
  return rows;
}
