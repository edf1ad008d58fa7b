import { addDays, isLocalDate } from '@deeptravel/shared';

/** A recurring schedule as the generator form holds it (the API's ScheduleInput without route and capacity). */
export interface ScheduleDraft {
  fromDate: string;
  toDate: string;
  /** HH:MM, Hong Kong time. */
  times: string[];
  /** 1 = Monday … 7 = Sunday; empty = every day. */
  weekdays: number[];
}

export interface SchedulePreview {
  /** Departures the schedule describes (existing ones are kept by the server, so not all are new). */
  count: number;
  days: number;
  /** The first departures, "2026-05-12 周二 08:30". */
  sample: string[];
  /** Why it cannot be sent, in Chinese; null when fine. */
  problem: string | null;
}

const TIME_RE = /^([01]\d|2[0-3]):[0-5]\d$/;
const WEEKDAY_ZH = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];

/** ISO weekday of a calendar date (1 = Monday … 7 = Sunday), as the server computes it. */
export function isoWeekday(date: string): number {
  return ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
}

/**
 * What `adminGenerateTrips` would create: every time on every day of the range that falls on one of
 * the weekdays; the same checks as the server (valid range, at most a year, HH:MM times).
 */
export function previewSchedule(d: ScheduleDraft, sampleSize = 6): SchedulePreview {
  const none = (problem: string): SchedulePreview => ({ count: 0, days: 0, sample: [], problem });
  if (!isLocalDate(d.fromDate) || !isLocalDate(d.toDate)) return none('请选择开始和结束日期');
  if (d.toDate < d.fromDate) return none('结束日期不能早于开始日期');
  if (addDays(d.fromDate, 366) < d.toDate) return none('一次最多生成一年的班次');
  const times = [...new Set(d.times.map((t) => t.trim()).filter(Boolean))].sort();
  if (!times.length) return none('请至少填写一个发车时间');
  const bad = times.find((t) => !TIME_RE.test(t));
  if (bad) return none(`发车时间「${bad}」格式不对，应为 HH:MM，例如 08:30`);
  const weekdays = new Set(d.weekdays.length ? d.weekdays : [1, 2, 3, 4, 5, 6, 7]);
  let days = 0;
  const sample: string[] = [];
  for (let day = d.fromDate; day <= d.toDate; day = addDays(day, 1)) {
    const wd = isoWeekday(day);
    if (!weekdays.has(wd)) continue;
    days++;
    for (const t of times) if (sample.length < sampleSize) sample.push(`${day} ${WEEKDAY_ZH[wd]} ${t}`);
  }
  if (!days) return none('所选日期范围内没有符合的星期');
  return { count: days * times.length, days, sample, problem: null };
}

export { WEEKDAY_ZH };
