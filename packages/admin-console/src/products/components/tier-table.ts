import { PASSENGER_TYPES, formatFen, pricePartyWithTiers, validateTierTable, type FareTier, type Party, type PassengerType, type TierTableProblem } from '@deeptravel/shared';

/** One row of the editor as typed: quantities and a price in yuan, any of them possibly empty. */
export interface TierRow {
  key: string;
  passengerType: PassengerType;
  minQty: number | null;
  /** null = no upper bound (the last tier). */
  maxQty: number | null;
  /** Yuan, as typed (two decimals). */
  price: number | null;
}

const TYPE_ZH: Record<PassengerType, string> = { ADULT: '成人', CHILD: '儿童', SENIOR: '长者' };

let seq = 0;
/** A new row key. */
export function rowKey(): string {
  return `r${++seq}`;
}

/** Yuan → fen (NaN when empty, so the shared check reports it). */
export function yuanToFen(yuan: number | null): number {
  return yuan === null || yuan === undefined || Number.isNaN(yuan) ? Number.NaN : Math.round(yuan * 100);
}

/** The rows as the API's fare tiers. */
export function rowsToTiers(rows: readonly TierRow[]): FareTier[] {
  return rows.map((r) => ({ passengerType: r.passengerType, minQty: r.minQty ?? Number.NaN, maxQty: r.maxQty, unitPrice: yuanToFen(r.price) }));
}

/** The API's fare tiers as editor rows. */
export function tiersToRows(tiers: readonly { passengerType: PassengerType; minQty: number; maxQty: number | null; unitPrice: number }[]): TierRow[] {
  return tiers.map((t) => ({ key: rowKey(), passengerType: t.passengerType, minQty: t.minQty, maxQty: t.maxQty, price: t.unitPrice / 100 }));
}

/** A problem of the shared validator (the one the API runs) in Chinese. */
export function describeTierProblem(p: TierTableProblem): string {
  const who = TYPE_ZH[p.passengerType] ?? p.passengerType;
  switch (p.code) {
    case 'TIER_GAP': {
      const m = /(\d+)–(\d+)/.exec(p.message);
      return m ? `${who}：${m[1] === m[2] ? m[1] : `${m[1]}–${m[2]}`} 人没有票价（缺口）` : `${who}：两档之间有缺口`;
    }
    case 'TIER_OVERLAP': {
      const m = /at (\d+)/.exec(p.message);
      return m ? `${who}：${m[1]} 人处两档重叠` : `${who}：两档人数重叠`;
    }
    case 'TIER_INVALID_RANGE':
      return `${who}：人数范围无效（起始人数至少为 1，上限不能小于起始）`;
    case 'TIER_NOT_FROM_ONE':
      return `${who}：第一档必须从 1 人开始`;
    case 'TIER_NO_OPEN_END':
      return `${who}：最后一档的上限须留空（不限人数）`;
    case 'TIER_BAD_PRICE':
      return `${who}：有一档的票价未填写或不正确（须为不小于 0 的金额）`;
    default:
      return `${who}：票价表有误`;
  }
}

/** Problems of the table (shared `validateTierTable`, the API's own check) and the rows involved. */
export function checkRows(rows: readonly TierRow[]): { problems: string[]; codes: TierTableProblem['code'][]; badRows: Set<string> } {
  const problems = validateTierTable(rowsToTiers(rows));
  const badRows = new Set<string>();
  for (const type of PASSENGER_TYPES) {
    const own = rows.filter((r) => r.passengerType === type).sort((a, b) => (a.minQty ?? 0) - (b.minQty ?? 0));
    if (!own.length) continue;
    own.forEach((r) => {
      const fen = yuanToFen(r.price);
      if (r.minQty === null || r.minQty < 1 || (r.maxQty !== null && r.maxQty < r.minQty) || !Number.isSafeInteger(fen) || fen < 0) badRows.add(r.key);
    });
    if (own[0].minQty !== 1) badRows.add(own[0].key);
    for (let i = 1; i < own.length; i++) {
      const prevMax = own[i - 1].maxQty;
      if (prevMax === null || (own[i].minQty ?? 0) !== prevMax + 1) {
        badRows.add(own[i - 1].key);
        badRows.add(own[i].key);
      }
    }
    if (own[own.length - 1].maxQty !== null) badRows.add(own[own.length - 1].key);
  }
  return { problems: problems.map(describeTierProblem), codes: problems.map((p) => p.code), badRows };
}

/** "2 成人 + 1 儿童：¥620.00", priced with the shared `pricePartyWithTiers` (the server's pricing). */
export function partyPriceSentence(rows: readonly TierRow[], party: Party, currencySymbol = '¥'): { text: string; ok: boolean; detail: string } {
  const who = PASSENGER_TYPES.filter((t) => (party[t] ?? 0) > 0).map((t) => `${party[t]} ${TYPE_ZH[t]}`).join(' + ');
  const price = pricePartyWithTiers(rowsToTiers(rows).filter((t) => Number.isSafeInteger(t.unitPrice)), party);
  if (!price.ok) {
    if (price.reason === 'EMPTY_PARTY') return { text: '请填写人数', ok: false, detail: '' };
    return { text: `${who}：没有适用的${TYPE_ZH[price.passengerType!]}票价`, ok: false, detail: '' };
  }
  const detail = price.lines.map((l) => `${TYPE_ZH[l.passengerType]} ${currencySymbol}${formatFen(l.unitPrice)} × ${l.count}`).join(' + ');
  return { text: `${who}：${currencySymbol}${formatFen(price.total)}`, ok: true, detail };
}

export { TYPE_ZH };
