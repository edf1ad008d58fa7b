import Taro, { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { describeError, SearchOffersDocument } from '@deeptravel/client';
import { useMemo, useState } from 'react';
import { gql } from '../../api/client';
import { OfferCard } from '../../components/offer-card';
import { Btn, Chip, Loading, Notice } from '../../components/ui';
import { useT } from '../../i18n';
import { addDays, dayLabel, localHour } from '../../lib/format';
import { useAsync } from '../../lib/use-async';
import { routeTo } from '../../routes';
import { chooseOffer, cityName, paramsFromQuery, paramsToQuery, partyOf, showOfferDetail, type Offer, type SearchParams } from '../../state/booking';

type Kind = 'ALL' | 'BUS' | 'FERRY' | 'PACKAGE';
type TimeOfDay = 'ANY' | 'MORNING' | 'AFTERNOON' | 'EVENING';

function kindOf(o: Offer): Kind {
  return o.trip ? (o.trip.mode === 'BUS' ? 'BUS' : 'FERRY') : 'PACKAGE';
}

function timeOk(o: Offer, time: TimeOfDay): boolean {
  if (time === 'ANY' || !o.trip) return true;
  const h = localHour(o.trip.departureAt);
  return time === 'MORNING' ? h < 12 : time === 'AFTERNOON' ? h >= 12 && h < 18 : h >= 18;
}

/** Results: the day's trips and packages for the party, filters, sort, and the next day when empty. */
export default function ResultsPage() {
  const { t, lang } = useT();
  const router = useRouter();
  const [params, setParams] = useState<SearchParams | null>(() => paramsFromQuery(router.params as Record<string, string>));
  const [kind, setKind] = useState<Kind>('ALL');
  const [time, setTime] = useState<TimeOfDay>('ANY');
  const [sort, setSort] = useState<'TIME' | 'PRICE'>('TIME');
  const { data, error, loading, reload } = useAsync(
    () => (params ? gql(SearchOffersDocument, { input: { origin: params.origin, destination: params.destination, date: params.date, passengers: partyOf(params) } }) : Promise.resolve(null)),
    [params],
  );

  const offers = useMemo(() => {
    const list = (data?.searchOffers.offers ?? []).filter((o) => (kind === 'ALL' || kindOf(o) === kind) && timeOk(o, time));
    const dep = (o: Offer) => (o.trip ? Date.parse(o.trip.departureAt) : Number.MAX_SAFE_INTEGER);
    return [...list].sort((a, b) =>
      sort === 'PRICE' ? (a.totalPrice ?? Infinity) - (b.totalPrice ?? Infinity) || dep(a) - dep(b) : dep(a) - dep(b) || (a.totalPrice ?? 0) - (b.totalPrice ?? 0),
    );
  }, [data, kind, time, sort]);

  if (!params) return <View className='page'><Notice>{t('offerGone')}</Notice></View>;
  const party = params.adults + params.children + params.seniors;
  const nextDay = addDays(params.date, 1);
  const goDay = (date: string) => {
    const p = { ...params, date };
    setParams(p);
    void Taro.setNavigationBarTitle({ title: dayLabel(date, lang) });
  };
  const r = data?.searchOffers;

  return (
    <View className='page'>
      <Text className='summary' data-testid='results-summary'>
        {cityName(params, 'origin', lang)} → {cityName(params, 'destination', lang)} · {dayLabel(params.date, lang)} · {party}
        {lang === 'zh' ? '人' : ' pax'}
      </Text>
      <View className='chips filters'>
        {(['ALL', 'BUS', 'FERRY', 'PACKAGE'] as Kind[]).map((k) => (
          <Chip key={k} active={kind === k} onClick={() => setKind(k)}>
            {t(k === 'ALL' ? 'filterAll' : k === 'BUS' ? 'filterBus' : k === 'FERRY' ? 'filterFerry' : 'filterPackage')}
          </Chip>
        ))}
      </View>
      <View className='chips filters'>
        {(['ANY', 'MORNING', 'AFTERNOON', 'EVENING'] as TimeOfDay[]).map((k) => (
          <Chip key={k} active={time === k} onClick={() => setTime(k)}>
            {t(k === 'ANY' ? 'timeAny' : k === 'MORNING' ? 'timeMorning' : k === 'AFTERNOON' ? 'timeAfternoon' : 'timeEvening')}
          </Chip>
        ))}
        <Chip active={sort === 'TIME'} onClick={() => setSort('TIME')}>{t('sortTime')}</Chip>
        <Chip active={sort === 'PRICE'} onClick={() => setSort('PRICE')}>{t('sortPrice')}</Chip>
      </View>
      {loading && !data ? <Loading text={t('loading')} /> : null}
      {error ? (
        <View>
          <Notice testId='results-error'>{describeError(error, lang)}</Notice>
          <Btn kind='secondary' onClick={() => void reload()}>{t('retry')}</Btn>
        </View>
      ) : null}
      {r?.blackout ? <Notice kind='warn'>{t('blackoutTitle')}{r.blackoutReason ? `：${r.blackoutReason}` : ''}</Notice> : null}
      {r && offers.length === 0 ? (
        <View data-testid='results-empty'>
          <Notice kind='info'>{t('resultsEmpty')}</Notice>
          <Btn kind='secondary' onClick={() => goDay(nextDay)}>{t('tryNextDay', { day: dayLabel(nextDay, lang) })}</Btn>
        </View>
      ) : null}
      {offers.map((o) => (
        <OfferCard
          key={o.id}
          offer={o}
          onBook={() => {
            chooseOffer(o, params);
            void Taro.navigateTo({ url: routeTo('confirm', paramsToQuery(params)) });
          }}
          onDetails={() => {
            showOfferDetail(o, params);
            void Taro.navigateTo({ url: routeTo('product', { id: o.id }) });
          }}
        />
      ))}
    </View>
  );
}
