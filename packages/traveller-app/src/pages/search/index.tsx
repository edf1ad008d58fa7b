import Taro from '@tarojs/taro';
import { ScrollView, Text, View } from '@tarojs/components';
import { useState } from 'react';
import { TabBar } from '../../components/tab-bar';
import { Btn, Card, Chip, Notice, Stepper } from '../../components/ui';
import { CityPicker } from '../../components/city-picker';
import { DateSheet } from '../../components/date-sheet';
import { useT } from '../../i18n';
import { dayLabel, localDate, shortDay } from '../../lib/format';
import { ROUTES, routeTo } from '../../routes';
import { cityName, clearRecentSearches, englishCityName, paramsToQuery, recentSearches, rememberSearch, type SearchParams } from '../../state/booking';

const MAX_PASSENGERS = 9;

/** Search: from and to (hot cities first), swap, date, passengers by type, recent searches. */
export default function SearchPage() {
  const { t, lang } = useT();
  const [params, setParams] = useState<SearchParams>(() => {
    const last = recentSearches()[0];
    const today = localDate();
    return last
      ? { ...last, date: last.date < today ? today : last.date }
      : { origin: 'SZX', originName: '深圳', originNameEn: 'Shenzhen', destination: 'HKG', destinationName: '香港', destinationNameEn: 'Hong Kong', date: today, adults: 1, children: 0, seniors: 0 };
  });
  const [picker, setPicker] = useState<'origin' | 'destination' | 'date' | null>(null);
  const [recent, setRecent] = useState(recentSearches);
  const [error, setError] = useState<string | null>(null);
  const total = params.adults + params.children + params.seniors;
  const set = (patch: Partial<SearchParams>) => {
    setError(null);
    setParams((p) => ({ ...p, ...patch }));
  };

  const search = (p: SearchParams = params) => {
    if (p.origin === p.destination) return setError(t('sameCity'));
    if (p.adults + p.children + p.seniors < 1) return;
    rememberSearch(p);
    setRecent(recentSearches());
    void Taro.navigateTo({ url: routeTo('results', paramsToQuery(p)) });
  };

  const quickDays = [0, 1, 2, 3, 4, 5, 6].map((d) => localDate(d));
  const counter = (key: 'adults' | 'children' | 'seniors', type: 'ADULT' | 'CHILD' | 'SENIOR', hint: 'adultHint' | 'childHint' | 'seniorHint') => (
    <View className='pax-row'>
      <View>
        <Text className='pax-row__label'>{t(type)}</Text>
        <Text className='pax-row__hint'>{t(hint)}</Text>
      </View>
      <Stepper
        value={params[key]}
        min={0}
        max={params[key] + (MAX_PASSENGERS - total)}
        label={t(type)}
        lessLabel={t('fewer')}
        moreLabel={t('more')}
        onChange={(v) => set({ [key]: v } as Partial<SearchParams>)}
      />
    </View>
  );

  return (
    <View className='page page--tabs'>
      <View className='hero'>
        <Text className='hero__title'>{t('appName')}</Text>
        <Text className='hero__sub'>{t('searchTitle')}</Text>
      </View>
      <Card className='search-card'>
        <View className='od'>
          <View className='od__city' data-testid='origin' onClick={() => setPicker('origin')}>
            <Text className='od__label'>{t('from')}</Text>
            <Text className='od__name'>{cityName(params, 'origin', lang)}</Text>
          </View>
          <View
            className='od__swap'
            aria-label={t('swap')}
            data-testid='swap'
            onClick={() => set({
              origin: params.destination, originName: params.destinationName, originNameEn: cityName(params, 'destination', 'en'),
              destination: params.origin, destinationName: params.originName, destinationNameEn: cityName(params, 'origin', 'en'),
            })}
          >
            ⇄
          </View>
          <View className='od__city od__city--right' data-testid='destination' onClick={() => setPicker('destination')}>
            <Text className='od__label'>{t('to')}</Text>
            <Text className='od__name'>{cityName(params, 'destination', lang)}</Text>
          </View>
        </View>
        <View className='field' onClick={() => setPicker('date')} data-testid='date-field'>
          <Text className='field__label'>{t('date')}</Text>
          <Text className='field__value'>{dayLabel(params.date, lang)}</Text>
        </View>
        <ScrollView scrollX className='days'>
          {quickDays.map((d, i) => (
            <Chip key={d} active={d === params.date} onClick={() => set({ date: d })} testId={`quick-day-${i}`}>
              {i === 0 ? t('today') : i === 1 ? t('tomorrow') : shortDay(d, lang)}
            </Chip>
          ))}
          <Chip onClick={() => setPicker('date')}>{t('moreDates')}</Chip>
        </ScrollView>
        <View className='pax'>
          <Text className='field__label'>{t('passengers')}</Text>
          {counter('adults', 'ADULT', 'adultHint')}
          {counter('children', 'CHILD', 'childHint')}
          {counter('seniors', 'SENIOR', 'seniorHint')}
          {total >= MAX_PASSENGERS ? <Text className='hint'>{t('maxPassengers', { max: MAX_PASSENGERS })}</Text> : null}
        </View>
        {error ? <Notice>{error}</Notice> : null}
        <Btn onClick={() => search()} disabled={total < 1} testId='search-button'>
          {t('searchButton')}
        </Btn>
      </Card>
      {recent.length ? (
        <Card title={t('recentSearches')} extra={<Text className='link' onClick={() => { clearRecentSearches(); setRecent([]); }}>{t('clear')}</Text>}>
          {recent.map((r) => (
            <View key={`${r.origin}-${r.destination}`} className='list-item' onClick={() => search({ ...r, date: r.date < localDate() ? localDate() : r.date })}>
              <Text className='list-item__main'>{cityName(r, 'origin', lang)} → {cityName(r, 'destination', lang)}</Text>
              <Text className='list-item__sub'>{dayLabel(r.date < localDate() ? localDate() : r.date, lang)} · {r.adults + r.children + r.seniors}{lang === 'zh' ? '人' : ' pax'}</Text>
            </View>
          ))}
        </Card>
      ) : null}
      {picker === 'origin' || picker === 'destination' ? (
        <CityPicker
          onClose={() => setPicker(null)}
          onPick={(c) => {
            set(picker === 'origin'
              ? { origin: c.code, originName: c.nameZh, originNameEn: englishCityName(c) }
              : { destination: c.code, destinationName: c.nameZh, destinationNameEn: englishCityName(c) });
            setPicker(null);
          }}
        />
      ) : null}
      {picker === 'date' ? (
        <DateSheet
          value={params.date}
          onClose={() => setPicker(null)}
          onPick={(d) => {
            set({ date: d });
            setPicker(null);
          }}
        />
      ) : null}
      <TabBar active={ROUTES.search} />
    </View>
  );
}

