import { describe, expect, it } from '@jest/globals';
import AdmZip from 'adm-zip';
import { feedFiles, gtfsSeconds, parseFeed } from './gtfs-feed.js';

export const SAMPLE_FEED: Record<string, string> = {
  'agency.txt': 'agency_id,agency_name,agency_url,agency_timezone\nTJ,TurboJET,https://example.com,Asia/Hong_Kong\n',
  'stops.txt': 'stop_id,stop_name,stop_lat,stop_lon\nMO-OUTER,Macau Outer Harbour,22.19,113.55\nHK-SHEUNGWAN,Sheung Wan,22.28,114.15\n',
  'routes.txt': 'route_id,agency_id,route_short_name,route_long_name,route_type\nTJ1,TJ,TJ1,澳门 → 上环 (GTFS),4\nTRAM,TJ,T,Tram,0\n',
  'trips.txt': 'route_id,service_id,trip_id\nTJ1,WK,TJ1-0730\nTJ1,WE,TJ1-2330\n',
  'stop_times.txt': 'trip_id,arrival_time,departure_time,stop_id,stop_sequence\nTJ1-0730,07:30:00,07:30:00,MO-OUTER,1\nTJ1-0730,08:30:00,08:30:00,HK-SHEUNGWAN,2\nTJ1-2330,23:30:00,23:30:00,MO-OUTER,1\nTJ1-2330,24:30:00,24:30:00,HK-SHEUNGWAN,2\n',
  'calendar.txt': 'service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nWK,1,1,1,1,1,0,0,20261130,20261206\nWE,0,0,0,0,0,1,1,20261130,20261206\n',
  'calendar_dates.txt': 'service_id,date,exception_type\nWK,20261202,2\nWE,20261201,1\n',
};

describe('GTFS feed parsing', () => {
  it('expands calendars and exceptions into departures from first to last stop', () => {
    const r = parseFeed(SAMPLE_FEED, '2026-11-30', '2026-12-06');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const dates = (trip: string) => r.departures.filter((d) => d.gtfsTripId === trip).map((d) => d.date).sort();
    // Weekdays 30 Nov – 4 Dec, minus the 2nd.
    expect(dates('TJ1-0730')).toEqual(['2026-11-30', '2026-12-01', '2026-12-03', '2026-12-04']);
    // Weekend 5–6 Dec, plus the 1st.
    expect(dates('TJ1-2330')).toEqual(['2026-12-01', '2026-12-05', '2026-12-06']);
    expect(r.departures[0]).toMatchObject({ mode: 'FERRY', originStop: 'MO-OUTER', destinationStop: 'HK-SHEUNGWAN' });
    expect(r.warnings[0].message).toContain('route_type 0');
    expect(gtfsSeconds('24:30:00')).toBe(88200);
  });

  it('reports every problem of a broken feed and yields nothing', () => {
    const broken = { ...SAMPLE_FEED, 'stop_times.txt': 'trip_id,arrival_time,departure_time,stop_id,stop_sequence\nTJ1-0730,7h30,07:30:00,MO-OUTER,1\nTJ1-0730,08:30:00,08:30:00,NOWHERE,2\n' };
    const r = parseFeed(broken, '2026-11-30', '2026-12-06');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.message)).toEqual(expect.arrayContaining([expect.stringContaining('bad stop_sequence or time'), 'unknown stop_id NOWHERE']));
    const missing = parseFeed({ 'routes.txt': 'route_id\n' }, '2026-11-30', '2026-12-06');
    expect(missing.ok).toBe(false);
  });

  it('reads a zip', () => {
    const zip = new AdmZip();
    for (const [name, text] of Object.entries(SAMPLE_FEED)) zip.addFile(`feed/${name}`, Buffer.from(text));
    const files = feedFiles(zip.toBuffer()) as Record<string, string>;
    expect(Object.keys(files).sort()).toEqual(Object.keys(SAMPLE_FEED).sort());
    expect(Array.isArray(feedFiles(Buffer.from('not a zip')))).toBe(true);
  });
});
