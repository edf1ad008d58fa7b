import { formatFen, percentOf } from '@deeptravel/shared';

/** A refund tier: at least `minHoursBefore` hours before departure, a fee of `feePercent`. */
export interface RefundTier {
  minHoursBefore: number;
  feePercent: number;
}

export type RefundPreview =
  | { refundable: true; feePercent: number; fee: number; amount: number }
  | { refundable: false };

/**
 * The server's rule (packages/server/src/modules/refunds/refund-rules.ts, quoteTicketRefund): the tier is
 * the first, from the largest `minHoursBefore` down, that the hours left reach; before the smallest
 * tier nothing is refundable; the fee is the tier's percent rounded half up to the fen, never more
 * than the price.
 */
export function previewRefund(tiers: readonly RefundTier[], hoursBefore: number, price: number): RefundPreview {
  const tier = [...tiers]
    .filter((t) => Number.isFinite(t.minHoursBefore) && Number.isFinite(t.feePercent))
    .sort((a, b) => b.minHoursBefore - a.minHoursBefore)
    .find((t) => hoursBefore >= t.minHoursBefore);
  if (!tier) return { refundable: false };
  const fee = Math.min(percentOf(price, tier.feePercent), price);
  return { refundable: true, feePercent: tier.feePercent, fee, amount: price - fee };
}

/** "出发前30小时退票：手续费 ¥26.00，退回 ¥234.00" */
export function refundSentence(tiers: readonly RefundTier[], hoursBefore: number, price: number, symbol = '¥'): string {
  const p = previewRefund(tiers, hoursBefore, price);
  const when = `出发前${Number.isInteger(hoursBefore) ? hoursBefore : hoursBefore.toFixed(1)}小时退票`;
  if (!p.refundable) return `${when}：不可退`;
  return `${when}：手续费 ${symbol}${formatFen(p.fee)}，退回 ${symbol}${formatFen(p.amount)}`;
}

/** Problems of a tier list as the server checks them, in Chinese (field paths as the API names them). */
export function refundTierProblems(tiers: readonly { minHoursBefore: number | null; feePercent: number | null }[]): { field: string; text: string }[] {
  const out: { field: string; text: string }[] = [];
  const seen = new Set<number>();
  tiers.forEach((t, i) => {
    if (t.minHoursBefore === null || !Number.isFinite(t.minHoursBefore) || t.minHoursBefore < 0) out.push({ field: `tiers[${i}].minHoursBefore`, text: `第 ${i + 1} 档：小时数须不小于 0` });
    else if (seen.has(t.minHoursBefore)) out.push({ field: `tiers[${i}].minHoursBefore`, text: `第 ${i + 1} 档：与另一档的小时数相同` });
    else seen.add(t.minHoursBefore);
    if (t.feePercent === null || !Number.isInteger(t.feePercent) || t.feePercent < 0 || t.feePercent > 100) out.push({ field: `tiers[${i}].feePercent`, text: `第 ${i + 1} 档：手续费须为 0–100 的整数` });
  });
  return out;
}
