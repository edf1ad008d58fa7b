import { addDays } from '@deeptravel/shared';
import type { AdminBlackoutDatesQuery } from '../queries';

type Blackout = AdminBlackoutDatesQuery['adminBlackoutDates'][number];
const DOW = ['一', '二', '三', '四', '五', '六', '日'];

/** Twelve month grids of a year; blackout days are red (all products) or orange (some products). */
export function YearView({ year, blackouts, today, onPick }: { year: number; blackouts: Blackout[]; today: string; onPick: (date: string) => void }) {
  const byDate = new Map<string, Blackout[]>();
  for (const b of blackouts) byDate.set(b.date, [...(byDate.get(b.date) ?? []), b]);
  return (
    <div className="year-grid" data-testid="year-view">
      {Array.from({ length: 12 }, (_, m) => {
        const first = `${year}-${String(m + 1).padStart(2, '0')}-01`;
        const lead = (new Date(`${first}T00:00:00Z`).getUTCDay() + 6) % 7;
        const days: string[] = [];
        for (let d = first; d.slice(5, 7) === first.slice(5, 7); d = addDays(d, 1)) days.push(d);
        return (
          <div className="month" key={m}>
            <h4>{m + 1} 月</h4>
            <div className="month-days">
              {DOW.map((d) => <span key={d} className="dow">{d}</span>)}
              {Array.from({ length: lead }, (_, i) => <span key={`x${i}`} />)}
              {days.map((d) => {
                const list = byDate.get(d);
                const cls = ['day', list ? (list.some((b) => !b.productId) ? 'blackout' : 'blackout-product') : '', d === today ? 'today' : ''].join(' ');
                return (
                  <span key={d} className={cls} title={list?.map((b) => b.reason ?? '禁售').join('；')} onClick={() => onPick(d)} data-date={d}>
                    {Number(d.slice(8))}
                  </span>
                );
              })}
            </div>
          </div>
        );
      })}
    </div>
  );
}
