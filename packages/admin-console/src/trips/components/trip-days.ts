import dayjs from 'dayjs';
import { hkTime } from '../../app/format';

/** Enough of a departure to place it on a calendar. */
export interface DayTrip {
  id: string;
  departureAt: string;
  status: string;
  available: number;
  capacity: number;
}

/** A day's departures in a month grid: how many, how many cancelled, seats left. */
export interface DaySummary<T extends DayTrip> {
  date: string;
  trips: T[];
  cancelled: number;
  available: number;
}

/** Departures by their Hong Kong date (YYYY-MM-DD), each day's list in departure order. */
export function groupTripsByDay<T extends DayTrip>(trips: T[]): Map<string, DaySummary<T>> {
  const days = new Map<string, DaySummary<T>>();
  for (const t of [...trips].sort((a, b) => a.departureAt.localeCompare(b.departureAt))) {
    const date = hkTime(t.departureAt).slice(0, 10);
    const d = days.get(date) ?? { date, trips: [], cancelled: 0, available: 0 };
    d.trips.push(t);
    if (t.status === 'CANCELLED') d.cancelled++;
    else d.available += t.available;
    days.set(date, d);
  }
  return days;
}

/** The first and last day of a month ('2026-11' → ['2026-11-01', '2026-11-30']). */
export function monthRange(month: string): [string, string] {
  const m = dayjs(`${month}-01`);
  return [m.format('YYYY-MM-DD'), m.endOf('month').format('YYYY-MM-DD')];
}
