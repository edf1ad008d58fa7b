import { describe, expect, it } from '@jest/globals';
import { lineRefusal } from './redemption-reasons.js';

describe('lineRefusal', () => {
  const now = new Date('2026-11-24T04:00:00Z');
  const active = { status: 'ACTIVE' as const, validFrom: new Date('2026-11-23T16:00:00Z'), validUntil: new Date('2026-11-26T16:00:00Z') };
  const line = { merchantId: 2, usesLeft: 1 };

  it('allows an unused line of an ACTIVE ticket within its validity at its own merchant', () => {
    expect(lineRefusal(active, line, 2, now, false)).toBeNull();
  });

  it('refuses another merchant first, whatever else is true of the line', () => {
    expect(lineRefusal({ ...active, status: 'REFUNDED' }, { merchantId: 4, usesLeft: 0 }, 2, now, true)).toBe('OTHER_MERCHANT');
  });

  it('maps every other ticket state to its reason', () => {
    expect(lineRefusal({ ...active, status: 'REDEEMED' }, line, 2, now, false)).toBe('ALREADY_REDEEMED');
    expect(lineRefusal({ ...active, status: 'REFUNDING' }, line, 2, now, false)).toBe('REFUND_IN_PROGRESS');
    expect(lineRefusal({ ...active, status: 'REFUNDED' }, line, 2, now, false)).toBe('TICKET_REFUNDED');
    expect(lineRefusal({ ...active, status: 'CHANGING' }, line, 2, now, false)).toBe('CHANGE_IN_PROGRESS');
    expect(lineRefusal({ ...active, status: 'CHANGED' }, line, 2, now, false)).toBe('TICKET_CHANGED');
    expect(lineRefusal({ ...active, status: 'EXPIRED' }, line, 2, now, false)).toBe('TICKET_EXPIRED');
  });

  it('checks uses, the validity window (start inclusive, end exclusive) and replays', () => {
    expect(lineRefusal(active, { merchantId: 2, usesLeft: 0 }, 2, now, false)).toBe('ALREADY_REDEEMED');
    expect(lineRefusal(active, line, 2, new Date(active.validFrom.getTime() - 1), false)).toBe('NOT_YET_VALID');
    expect(lineRefusal(active, line, 2, active.validFrom, false)).toBeNull();
    expect(lineRefusal(active, line, 2, active.validUntil, false)).toBe('TICKET_EXPIRED');
    expect(lineRefusal(active, line, 2, now, true)).toBe('REPLAYED_CODE');
  });

  it('at a gate boarding one departure: another trip is WRONG_DEPARTURE, after status and uses; passes board any departure', () => {
    const ferry = { ...active, tripId: 41 };
    expect(lineRefusal(ferry, line, 2, now, false, 41)).toBeNull();
    expect(lineRefusal(ferry, line, 2, now, false, 42)).toBe('WRONG_DEPARTURE');
    expect(lineRefusal(ferry, line, 2, now, false, null)).toBeNull();
    expect(lineRefusal({ ...ferry, status: 'REFUNDED' }, line, 2, now, false, 42)).toBe('TICKET_REFUNDED');
    expect(lineRefusal(ferry, { merchantId: 2, usesLeft: 0 }, 2, now, false, 42)).toBe('ALREADY_REDEEMED');
    expect(lineRefusal(ferry, line, 2, new Date(active.validFrom.getTime() - 1), false, 42)).toBe('WRONG_DEPARTURE');
    expect(lineRefusal({ ...active, tripId: null }, line, 2, now, false, 42)).toBeNull();
  });
});
