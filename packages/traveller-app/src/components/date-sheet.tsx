import { ScrollView, Text, View } from '@tarojs/components';
import { BlackoutDatesDocument } from '@deeptravel/client';
import { useEffect, useState } from 'react';
import { gql } from '../api/client';
import { useT } from '../i18n';
import { addDays, localDate } from '../lib/format';

/** Days that can be booked from today. */
export const DAYS_AHEAD = 60;

/** Month grids from today on; blackout days (for every product) are greyed and cannot be picked. */
export function DateSheet({ value, onPick, onClose }: { value: string; onPick: (date: string) => void; onClose: () => void }) {
  const { t, lang } = useT();
  const today = localDate();
  const last = addDays(today, DAYS_AHEAD);
  const [blackouts, setBlackouts] = useState<Set<string>>(new Set());
  useEffect(() => {
    const years = [...new Set([today.slice(0, 4), last.slice(0, 4)])].map(Number);
    Promise.all(years.map((year) => gql(BlackoutDatesDocument, { year })))
      .then((rs) => setBlackouts(new Set(rs.flatMap((r) => r.blackoutDates.filter((b) => b.productId === null).map((b) => b.date)))))
      .catch(() => undefined);
  }, [today, last]);

  const months: string[] = [];
  for (let m = today.slice(0, 7); m <= last.slice(0, 7); m = addDays(`${m}-28`, 7).slice(0, 7)) months.push(m);
  const weekdays = lang === 'zh' ? ['日', '一', '二', '三', '四', '五', '六'] : ['S', 'M', 'T', 'W', 'T', 'F', 'S'];

  return (
    <View className='sheet' data-testid='date-sheet'>
      <View className='sheet__mask' onClick={onClose} />
      <View className='sheet__body'>
        <View className='sheet__head'>
          <Text className='sheet__title'>{t('pickDate')}</Text>
          <Text className='sheet__close' onClick={onClose}>{t('close')}</Text>
        </View>
        <ScrollView scrollY className='sheet__list'>
          {months.map((m) => {
            const first = new Date(`${m}-01T00:00:00Z`);
            const days = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
            const cells: Array<string | null> = [...Array(first.getUTCDay()).fill(null)];
            for (let d = 1; d <= days; d++) cells.push(`${m}-${String(d).padStart(2, '0')}`);
            return (
              <View key={m} className='cal'>
                <Text className='cal__month'>{lang === 'zh' ? `${first.getUTCFullYear()}年${first.getUTCMonth() + 1}月` : m}</Text>
                <View className='cal__grid'>
                  {weekdays.map((w, i) => (
                    <Text key={`w${i}`} className='cal__wd'>{w}</Text>
                  ))}
                  {cells.map((d, i) => {
                    if (!d) return <View key={`e${i}`} className='cal__cell cal__cell--empty' />;
                    const blackout = blackouts.has(d);
                    const off = d < today || d > last || blackout;
                    return (
                      <View
                        key={d}
                        className={`cal__cell ${off ? 'cal__cell--off' : ''} ${d === value ? 'cal__cell--on' : ''}`}
                        data-testid={`day-${d}`}
                        onClick={() => !off && onPick(d)}
                      >
                        <Text>{Number(d.slice(8))}</Text>
                        {blackout ? <Text className='cal__note'>{t('blackoutDay')}</Text> : null}
                      </View>
                    );
                  })}
                </View>
              </View>
            );
          })}
        </ScrollView>
      </View>
    </View>
  );
}
