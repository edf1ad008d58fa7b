import { Text, View } from '@tarojs/components';
import { describeError } from '@deeptravel/client';
import { useEffect, useState } from 'react';
import { chooseDeparture, departureStore, loadDepartures, type Departure } from '../api/departures';
import { serverNow } from '../api/client';
import { dayHk, hmHk } from '../lib/format';
import { langStore, t } from '../lib/i18n';
import { useStore } from '../lib/store';
import { Btn, Card, Notice } from './ui';

/** "香港上环港澳码头 → 澳门外港客运码头" in the current language. */
export function routeWords(d: Departure): string {
  return langStore.get() === 'en' ? `${d.originEn} → ${d.destinationEn}` : `${d.originZh} → ${d.destinationZh}`;
}

/** "已登 3 / 应到 4" */
export function countWords(d: Departure): string {
  return t(`已登 ${d.boarded} / 应到 ${d.expected}`, `Boarded ${d.boarded} / ${d.expected}`);
}

/**
 * Ferry and bus gates pick the departure (班次) they board: the day's departures of this merchant
 * with time, route and boarded / expected; today by default, tomorrow one tap away.
 */
export function DeparturePicker({ onPicked }: { onPicked?: () => void }) {
  const st = useStore(departureStore);
  const [error, setError] = useState<unknown>(null);
  const today = dayHk(serverNow());
  const tomorrow = dayHk(serverNow() + 86_400_000);
  const load = (day: string) => {
    setError(null);
    loadDepartures(day).catch(setError);
  };
  useEffect(() => load(today), []);
  const now = serverNow();
  return (
    <Card title={t('选择登船/上车班次', 'Pick the departure you are boarding')} testId='departure-picker'>
      <View className='row-btns'>
        <Btn small kind={st.date === tomorrow ? 'secondary' : 'primary'} testId='departures-today' onClick={() => load(today)}>{t('今天', 'Today')} {today.slice(5)}</Btn>
        <Btn small kind={st.date === tomorrow ? 'primary' : 'secondary'} testId='departures-tomorrow' onClick={() => load(tomorrow)}>{t('明天', 'Tomorrow')} {tomorrow.slice(5)}</Btn>
      </View>
      {error ? <Notice testId='departures-error'>{describeError(error, langStore.get())}</Notice> : null}
      {st.loading ? <Text className='hint'>{t('正在加载班次…', 'Loading departures…')}</Text> : null}
      {!st.loading && !st.list.length ? <Text className='hint'>{t('当天没有班次', 'No departures on this day')}</Text> : null}
      {st.list.map((d) => {
        const gone = new Date(d.departureAt).getTime() < now - 3600_000;
        const on = st.chosen && String(st.chosen.tripId) === String(d.tripId);
        return (
          <View
            key={d.tripId}
            className={`departure ${gone ? 'departure--gone' : ''} ${on ? 'departure--on' : ''}`}
            data-testid={`departure-${d.tripId}`}
            onClick={() => {
              chooseDeparture(d);
              onPicked?.();
            }}
          >
            <Text className='departure__time'>{hmHk(d.departureAt)}</Text>
            <View className='departure__body'>
              <Text className='departure__route'>{routeWords(d)}</Text>
              <Text className='departure__code'>
                {d.routeCode} · {d.mode === 'FERRY' ? t('船', 'ferry') : t('巴士', 'bus')}{d.status === 'CANCELLED' ? ` · ${t('已取消', 'cancelled')}` : ''}
              </Text>
            </View>
            <Text className='departure__count'>{d.boarded}/{d.expected}</Text>
          </View>
        );
      })}
    </Card>
  );
}

/** Always on the scan screen at a ferry or bus gate: the departure being boarded and its live count. */
export function DepartureBar({ onChange }: { onChange: () => void }) {
  const st = useStore(departureStore);
  const d = st.chosen;
  if (!d) {
    return (
      <View className='departure-bar departure-bar--none' data-testid='departure-bar'>
        <View className='departure-bar__main'>
          <Text className='departure-bar__time' data-testid='departure-time'>{t('未选择班次', 'No departure chosen')}</Text>
          <Text className='departure-bar__route'>{t('不核对班次：任何班次的票都可通过', 'Tickets of every departure are accepted')}</Text>
        </View>
        <Text className='departure-bar__pick' data-testid='departure-change' onClick={onChange}>{t('选择班次', 'Pick departure')}</Text>
      </View>
    );
  }
  return (
    <View className='departure-bar' data-testid='departure-bar'>
      <View className='departure-bar__main'>
        <Text className='departure-bar__time' data-testid='departure-time'>{t('班次', 'Departure')} {hmHk(d.departureAt)}</Text>
        <Text className='departure-bar__route'>{routeWords(d)}</Text>
      </View>
      <View className='departure-bar__side'>
        <Text className='departure-bar__count' data-testid='departure-count'>{countWords(d)}</Text>
        <Text className='departure-bar__change' data-testid='departure-change' onClick={onChange}>
          {st.feed === 'live' ? '● ' : '○ '}{t('更换班次', 'Change')}
        </Text>
      </View>
    </View>
  );
}
