import { describe, expect, it } from 'vitest';
import { groupTripsByDay, monthRange } from './trip-days';

describe('trip calendar days', () => {
  it('groups departures by their Hong Kong day, in time order, counting cancelled apart and seats left', () => {
    const trips = [
      { id: '3', departureAt: '2026-11-24T01:30:00.000Z', status: 'SCHEDULED', available: 10, capacity: 50 }, // 09:30 HK on the 24th
      { id: '1', departureAt: '2026-11-23T16:30:00.000Z', status: 'SCHEDULED', available: 5, capacity: 50 }, // 00:30 HK on the 24th
      { id: '2', departureAt: '2026-11-23T15:30:00.000Z', status: 'CANCELLED', available: 50, capacity: 50 }, // 23:30 HK on the 23rd
    ];
    const days = groupTripsByDay(trips);
    expect([...days.keys()]).toEqual(['2026-11-23', '2026-11-24']);
    expect(days.get('2026-11-24')).toMatchObject({ cancelled: 0, available: 15 });
    expect(days.get('2026-11-24')!.trips.map((t) => t.id)).toEqual(['1', '3']);
    expect(days.get('2026-11-23')).toMatchObject({ cancelled: 1, available: 0 });
  });

  it('a month is its first to its last day', () => {
    expect(monthRange('2026-11')).toEqual(['2026-11-01', '2026-11-30']);
    expect(monthRange('2028-02')).toEqual(['2028-02-01', '2028-02-29']);
  });
});
