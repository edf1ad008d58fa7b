import type { PassengerType } from './enums.js';
import { PASSENGER_TYPES } from './enums.js';
import type { Fen } from './money.js';

/**
 * One row of a fare table (阶梯定价): the unit price of `passengerType` when the party has
 * between `minQty` and `maxQty` (inclusive, null = no upper bound) passengers in total.
 * The tier is chosen by the size of the whole party travelling together, not per type,
 * because that is how group fares are sold at the piers and bus counters.
 */
export interface FareTier {
  passengerType: PassengerType;
  minQty: number;
  maxQty: number | null;
  unitPrice: Fen;
}

/** How many passengers of each type travel together. */
export type Party = Partial<Record<PassengerType, number>>;

/** One priced line per passenger type in the party. */
export interface PartyPriceLine {
  passengerType: PassengerType;
  count: number;
  unitPrice: Fen;
  subtotal: Fen;
}

/** The price of a party, or why it cannot be priced. */
export type PartyPrice =
  | { ok: true; lines: PartyPriceLine[]; total: Fen; partySize: number }
  | { ok: false; reason: 'EMPTY_PARTY' | 'NO_FARE'; passengerType?: PassengerType };

/** Total number of passengers in a party. */
export function partySize(party: Party): number {
  return PASSENGER_TYPES.reduce((n, t) => n + (party[t] ?? 0), 0);
}

/** Prices a party against a fare table: per type, the tier that contains the party's size. */
export function pricePartyWithTiers(tiers: readonly FareTier[], party: Party): PartyPrice {
  const size = partySize(party);
  if (size <= 0) return { ok: false, reason: 'EMPTY_PARTY' };
  const lines: PartyPriceLine[] = [];
  for (const passengerType of PASSENGER_TYPES) {
    const count = party[passengerType] ?? 0;
    if (count <= 0) continue;
    const tier = tiers.find(
      (t) => t.passengerType === passengerType && t.minQty <= size && (t.maxQty === null || size <= t.maxQty),
    );
    if (!tier) return { ok: false, reason: 'NO_FARE', passengerType };
    lines.push({ passengerType, count, unitPrice: tier.unitPrice, subtotal: tier.unitPrice * count });
  }
  return { ok: true, lines, total: lines.reduce((s, l) => s + l.subtotal, 0), partySize: size };
}

/** A problem found in a fare table, for the admin editor and the API's validation. */
export interface TierTableProblem {
  code: 'TIER_GAP' | 'TIER_OVERLAP' | 'TIER_INVALID_RANGE' | 'TIER_NOT_FROM_ONE' | 'TIER_NO_OPEN_END' | 'TIER_BAD_PRICE';
  passengerType: PassengerType;
  message: string;
}

/**
 * Checks a fare table: for every passenger type present, tiers must start at 1, touch without
 * gaps or overlaps, end open (maxQty null) and carry non-negative integer prices.
 */
export function validateTierTable(tiers: readonly FareTier[]): TierTableProblem[] {
  const problems: TierTableProblem[] = [];
  for (const passengerType of PASSENGER_TYPES) {
    const own = tiers.filter((t) => t.passengerType === passengerType).sort((a, b) => a.minQty - b.minQty);
    if (own.length === 0) continue;
    for (const t of own) {
      if (!Number.isSafeInteger(t.unitPrice) || t.unitPrice < 0) {
        problems.push({ code: 'TIER_BAD_PRICE', passengerType, message: `${passengerType}: price must be integer fen ≥ 0` });
      }
      if (!Number.isInteger(t.minQty) || t.minQty < 1 || (t.maxQty !== null && (!Number.isInteger(t.maxQty) || t.maxQty < t.minQty))) {
        problems.push({ code: 'TIER_INVALID_RANGE', passengerType, message: `${passengerType}: range ${t.minQty}–${t.maxQty ?? '∞'} is invalid` });
      }
    }
    if (own[0].minQty !== 1) {
      problems.push({ code: 'TIER_NOT_FROM_ONE', passengerType, message: `${passengerType}: the first tier must start at 1` });
    }
    for (let i = 1; i < own.length; i++) {
      const prevMax = own[i - 1].maxQty;
      if (prevMax === null || own[i].minQty <= prevMax) {
        problems.push({ code: 'TIER_OVERLAP', passengerType, message: `${passengerType}: tiers overlap at ${own[i].minQty}` });
      } else if (own[i].minQty > prevMax + 1) {
        problems.push({ code: 'TIER_GAP', passengerType, message: `${passengerType}: no price for ${prevMax + 1}–${own[i].minQty - 1}` });
      }
    }
    if (own[own.length - 1].maxQty !== null) {
      problems.push({ code: 'TIER_NO_OPEN_END', passengerType, message: `${passengerType}: the last tier must have no upper bound` });
    }
  }
  return problems;
}
