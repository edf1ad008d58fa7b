import AdmZip from 'adm-zip';
import { parse } from 'csv-parse/sync';
import { addDays, isLocalDate } from '@deeptravel/shared';

/** The GTFS files we read (https://gtfs.org/schedule/reference/). */
export const GTFS_REQUIRED = ['routes.txt', 'stops.txt', 'trips.txt', 'stop_times.txt'] as const;

/** One departure found in a feed: a trip of a route from its first stop to its last, on a date. */
export interface FeedDeparture {
  gtfsRouteId: string;
  gtfsTripId: string;
  mode: 'BUS' | 'FERRY';
  routeName: string;
  originStop: string;
  destinationStop: string;
  date: string;
  /** "HH:MM:SS", may pass 24:00 (service after midnight). */
  departureTime: string;
  arrivalTime: string;
}

/** A problem in a feed, with where it is. */
export interface FeedProblem {
  file: string;
  line?: number;
  message: string;
}

/** A parsed feed, or every problem that stopped it. */
export type ParsedFeed = { ok: true; departures: FeedDeparture[]; stops: Map<string, string>; warnings: FeedProblem[] } | { ok: false; errors: FeedProblem[] };

/** Reads a zip (Buffer) or a map of file name → text into file texts. */
export function feedFiles(input: Buffer | Record<string, string>): Record<string, string> | FeedProblem[] {
  if (!Buffer.isBuffer(input)) return input;
  try {
    const zip = new AdmZip(input);
    const out: Record<string, string> = {};
    for (const e of zip.getEntries()) {
      if (e.isDirectory) continue;
      const name = e.entryName.split('/').pop()!;
      if (name.endsWith('.txt')) out[name] = e.getData().toString('utf8');
    }
    return out;
  } catch (err) {
    return [{ file: 'feed.zip', message: `not a readable zip: ${(err as Error).message}` }];
  }
}

function table(files: Record<string, string>, name: string, required: string[], problems: FeedProblem[]): Array<Record<string, string>> | null {
  const text = files[name];
  if (text === undefined) return null;
  let rows: Array<Record<string, string>>;
  try {
    rows = parse(text.replace(/^\uFEFF/, ''), { columns: true, skip_empty_lines: true, trim: true, relax_column_count: false }) as Array<Record<string, string>>;
  } catch (err) {
    problems.push({ file: name, message: `malformed CSV: ${(err as Error).message}` });
    return [];
  }
  const header = rows.length ? Object.keys(rows[0]) : text.split(/\r?\n/)[0].split(',').map((h) => h.trim());
  for (const col of required) if (!header.includes(col)) problems.push({ file: name, message: `missing column ${col}` });
  return rows;
}

const TIME_RE = /^(\d{1,2}):([0-5]\d):([0-5]\d)$/;
const gtfsDate = (d: string) => (/^\d{8}$/.test(d) ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}` : null);

/**
 * Parses a feed into departures on the dates of [from, to] (calendar.txt weekdays and ranges,
 * calendar_dates.txt additions and removals). Any problem means no departure at all: an import is
 * all or nothing. Route types: 3 (bus) → BUS, 4 (ferry) → FERRY; others are skipped with a warning.
 */
export function parseFeed(files: Record<string, string>, from: string, to: string): ParsedFeed {
  const problems: FeedProblem[] = [];
  const warnings: FeedProblem[] = [];
  for (const f of GTFS_REQUIRED) if (files[f] === undefined) problems.push({ file: f, message: 'file missing' });
  if (!files['calendar.txt'] && !files['calendar_dates.txt']) problems.push({ file: 'calendar.txt', message: 'calendar.txt or calendar_dates.txt is required' });
  if (problems.length) return { ok: false, errors: problems };

  const routes = table(files, 'routes.txt', ['route_id', 'route_type'], problems)!;
  const stops = table(files, 'stops.txt', ['stop_id', 'stop_name'], problems)!;
  const trips = table(files, 'trips.txt', ['route_id', 'service_id', 'trip_id'], problems)!;
  const stopTimes = table(files, 'stop_times.txt', ['trip_id', 'arrival_time', 'departure_time', 'stop_id', 'stop_sequence'], problems)!;
  const calendar = table(files, 'calendar.txt', ['service_id', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'start_date', 'end_date'], problems) ?? [];
  const calendarDates = table(files, 'calendar_dates.txt', ['service_id', 'date', 'exception_type'], problems) ?? [];
  if (problems.length) return { ok: false, errors: problems };

  const stopNames = new Map(stops.map((s) => [s.stop_id, s.stop_name]));
  const routeById = new Map<string, { mode: 'BUS' | 'FERRY'; name: string }>();
  routes.forEach((r, i) => {
    const type = Number(r.route_type);
    if (type !== 3 && type !== 4) {
      warnings.push({ file: 'routes.txt', line: i + 2, message: `route ${r.route_id}: route_type ${r.route_type} is neither bus (3) nor ferry (4); skipped` });
      return;
    }
    routeById.set(r.route_id, { mode: type === 3 ? 'BUS' : 'FERRY', name: r.route_long_name || r.route_short_name || r.route_id });
  });

  // Service dates in the window.
  const services = new Map<string, Set<string>>();
  const days = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
  calendar.forEach((c, i) => {
    const start = gtfsDate(c.start_date);
    const end = gtfsDate(c.end_date);
    if (!start || !end || !isLocalDate(start) || !isLocalDate(end)) {
      problems.push({ file: 'calendar.txt', line: i + 2, message: `bad start_date/end_date for service ${c.service_id}` });
      return;
    }
    const set = services.get(c.service_id) ?? new Set<string>();
    for (let d = from > start ? from : start; d <= to && d <= end; d = addDays(d, 1)) {
      const weekday = (new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7;
      if (c[days[weekday]] === '1') set.add(d);
    }
    services.set(c.service_id, set);
  });
  calendarDates.forEach((c, i) => {
    const d = gtfsDate(c.date);
    if (!d || !isLocalDate(d) || (c.exception_type !== '1' && c.exception_type !== '2')) {
      problems.push({ file: 'calendar_dates.txt', line: i + 2, message: `bad date or exception_type for service ${c.service_id}` });
      return;
    }
    const set = services.get(c.service_id) ?? new Set<string>();
    if (c.exception_type === '1' && d >= from && d <= to) set.add(d);
    if (c.exception_type === '2') set.delete(d);
    services.set(c.service_id, set);
  });

  // First and last stop of each trip.
  const bounds = new Map<string, { first: { seq: number; stop: string; time: string }; last: { seq: number; stop: string; time: string } }>();
  stopTimes.forEach((st, i) => {
    const seq = Number(st.stop_sequence);
    const dep = st.departure_time || st.arrival_time;
    const arr = st.arrival_time || st.departure_time;
    if (!Number.isInteger(seq) || !TIME_RE.test(dep) || !TIME_RE.test(arr)) {
      problems.push({ file: 'stop_times.txt', line: i + 2, message: `bad stop_sequence or time for trip ${st.trip_id}` });
      return;
    }
    if (!stopNames.has(st.stop_id)) problems.push({ file: 'stop_times.txt', line: i + 2, message: `unknown stop_id ${st.stop_id}` });
    const b = bounds.get(st.trip_id);
    if (!b) bounds.set(st.trip_id, { first: { seq, stop: st.stop_id, time: dep }, last: { seq, stop: st.stop_id, time: arr } });
    else {
      if (seq < b.first.seq) b.first = { seq, stop: st.stop_id, time: dep };
      if (seq > b.last.seq) b.last = { seq, stop: st.stop_id, time: arr };
    }
  });

  const departures: FeedDeparture[] = [];
  trips.forEach((t, i) => {
    const route = routeById.get(t.route_id);
    if (!route) {
      if (!routes.some((r) => r.route_id === t.route_id)) problems.push({ file: 'trips.txt', line: i + 2, message: `unknown route_id ${t.route_id}` });
      return;
    }
    const b = bounds.get(t.trip_id);
    if (!b || b.first.stop === b.last.stop) {
      problems.push({ file: 'trips.txt', line: i + 2, message: `trip ${t.trip_id} has fewer than two stops in stop_times.txt` });
      return;
    }
    if (!services.has(t.service_id)) {
      problems.push({ file: 'trips.txt', line: i + 2, message: `unknown service_id ${t.service_id}` });
      return;
    }
    for (const date of services.get(t.service_id)!) {
      departures.push({
        gtfsRouteId: t.route_id, gtfsTripId: t.trip_id, mode: route.mode, routeName: route.name, originStop: b.first.stop, destinationStop: b.last.stop,
        date, departureTime: b.first.time, arrivalTime: b.last.time,
      });
    }
  });
  if (problems.length) return { ok: false, errors: problems };
  return { ok: true, departures, stops: stopNames, warnings };
}

/** Seconds after midnight of a GTFS time (may exceed 24 h). */
export function gtfsSeconds(time: string): number {
  const m = TIME_RE.exec(time)!;
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}
