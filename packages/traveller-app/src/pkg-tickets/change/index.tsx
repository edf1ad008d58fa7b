import Taro, { useRouter } from '@tarojs/taro';
import { ScrollView, Text, View } from '@tarojs/components';
import {
  ChangeQuoteDocument, describeError, RequestChangeDocument, SearchOffersDocument, TicketByCodeDocument, TicketChangeDocument,
  type ChangeQuoteQuery, type PassengerType, type TicketChangeViewFragment,
} from '@deeptravel/client';
import { useState } from 'react';
import { gql, IS_WEAPP } from '../../api/client';
import { useOrderLive } from '../../api/live';
import { payChange } from '../../api/payment';
import { useRemaining } from '../../components/countdown';
import { Btn, Card, Chip, Loading, Notice, Row } from '../../components/ui';
import { useT } from '../../i18n';
import { dateTime, dayLabel, duration, hhmm, localDate, mmss, money, shortDay } from '../../lib/format';
import { useAsync, useInterval } from '../../lib/use-async';
import { routeTo } from '../../routes';
import type { Offer } from '../../state/booking';

type Quote = ChangeQuoteQuery['changeQuote'];

/** The difference in words: to pay, back to the traveller, or none. */
function DifferenceRow({ difference }: { difference: number }) {
  const { t } = useT();
  if (difference > 0) return <Row strong label={t('changeToPay')} value={money(difference)} />;
  if (difference < 0) return <Row strong label={t('changeBack')} value={money(-difference)} />;
  return <Row strong label={t('changeNoDiff')} value={money(0)} />;
}

/**
 * Change (改签): pick another departure of the same route (the search, for one passenger of this
 * ticket's type), see the quote (new fare, difference to pay or to get back, fee), confirm
 * (`requestChange`), pay the difference (`payChange`; 模拟支付 on H5) or see the money go back, then
 * follow the change until the new ticket is issued.
 */
export default function ChangePage() {
  const { t, lang } = useT();
  const { code = '', orderId = '' } = useRouter().params;
  const ticket = useAsync(() => gql(TicketByCodeDocument, { code }), [code], { refetchOnShow: false });
  const tk = ticket.data?.ticket;
  const [day, setDay] = useState<string | null>(null);
  const date = day ?? (tk && tk.travelDate >= localDate() ? tk.travelDate : localDate());
  const trips = useAsync(
    () =>
      tk?.trip
        ? gql(SearchOffersDocument, {
          input: { origin: tk.trip.originCity, destination: tk.trip.destinationCity, date, passengers: [{ type: (tk.passengerType ?? 'ADULT') as PassengerType, count: 1 }] },
        })
        : Promise.resolve(null),
    [tk?.code, date],
  );
  const [quote, setQuote] = useState<{ quote: Quote; offer: Offer } | null>(null);
  const [change, setChange] = useState<TicketChangeViewFragment | null>(null);
  const [busy, setBusy] = useState(false);
  const [paid, setPaid] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const left = useRemaining(change?.status === 'AWAITING_PAYMENT' ? change.lockExpireAt : null);

  const refreshChange = async () => {
    if (!change) return;
    try {
      setChange((await gql(TicketChangeDocument, { id: change.id })).ticketChange);
    } catch {
      /* the next update or poll tries again */
    }
  };
  // The order's live updates say when the new ticket is issued; without them, poll after paying.
  const { live } = useOrderLive(change ? orderId || tk?.orderId : null, () => void refreshChange(), () => void refreshChange());
  useInterval(() => void refreshChange(), 1500, Boolean(change?.status === 'AWAITING_PAYMENT' && paid && !live));

  const run = async (fn: () => Promise<void>) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(describeError(err, lang));
    } finally {
      setBusy(false);
    }
  };

  if (ticket.loading && !tk) return <View className='page'><Loading text={t('loading')} /></View>;
  if (!tk) return <View className='page'><Notice>{describeError(ticket.error, lang)}</Notice></View>;

  const current = (
    <Card title={t('changeCurrent')}>
      <Text className='list-item__main'>{tk.passengerName ?? t('shared')} · {tk.productName}</Text>
      {tk.trip ? (
        <Text className='list-item__sub'>
          {dayLabel(tk.travelDate, lang)} {hhmm(tk.trip.departureAt)} {tk.trip.originStation} → {tk.trip.destinationStation}
        </Text>
      ) : null}
      {tk.changeDeadline ? <Text className='hint'>{t('changeDeadline', { time: dateTime(tk.changeDeadline) })}</Text> : null}
    </Card>
  );

  // 3. After confirming: pay the difference, or the result.
  if (change) {
    const done = change.status === 'COMPLETED';
    return (
      <View className='page'>
        <Card title={t('changeQuoteTitle')}>
          <Row label={t('changeOldPrice')} value={money(change.oldPrice)} />
          <Row label={t('changeNewPrice')} value={money(change.newPrice)} />
          <DifferenceRow difference={change.difference} />
        </Card>
        <View data-testid={`change-status-${change.status}`}>
          {change.status === 'AWAITING_PAYMENT' && !paid ? (
            <View>
              <Notice kind='warn' testId='change-hold'>{t('changeHold', { time: mmss(left) })}</Notice>
              <Btn onClick={() => void run(async () => { await payChange(change); setPaid(true); await refreshChange(); })} disabled={busy || left <= 0} testId='change-pay'>
                {busy ? t('paying') : t(IS_WEAPP ? 'changePayWechat' : 'changePayMock', { amount: money(change.difference) })}
              </Btn>
              {!IS_WEAPP ? <Text className='hint'>{t('mockNote')}</Text> : null}
            </View>
          ) : null}
          {change.status === 'AWAITING_PAYMENT' && paid ? <Notice kind='info'>{t('changeWaiting')}</Notice> : null}
          {change.status === 'ABANDONED' ? <Notice kind='warn'>{t('changeAbandoned')}</Notice> : null}
          {done ? <Notice kind='success'>{t('changeDone')}</Notice> : null}
          {done && change.difference < 0 ? <Notice kind='info'>{t('changeBackNote', { amount: money(-change.difference) })}</Notice> : null}
        </View>
        {error ? <Notice testId='change-error'>{error}</Notice> : null}
        {done && change.newTicket ? (
          <Card title={t('changeNewTrip')} className='new-ticket'>
            <View data-testid='new-ticket' data-code={change.newTicket.code}>
              <Text className='list-item__main'>{change.newTicket.passengerName ?? t('shared')} · {change.newTicket.productName}</Text>
              <Text className='list-item__sub'>
                {t(`ticket_${change.newTicket.status}` as 'ticket_ACTIVE')} · {dayLabel(change.newTicket.travelDate, lang)}
                {change.newTicket.trip ? ` ${hhmm(change.newTicket.trip.departureAt)}` : ''} · {change.newTicket.code}
              </Text>
            </View>
            <Btn onClick={() => Taro.redirectTo({ url: routeTo('ticket', { code: change.newTicket!.code, orderId: change.newTicket!.orderId }) })} testId='show-new-ticket'>
              {t('changeShowTicket')}
            </Btn>
          </Card>
        ) : null}
        {change.status !== 'AWAITING_PAYMENT' ? (
          <Btn kind='secondary' onClick={() => Taro.redirectTo({ url: routeTo('order', { id: orderId || tk.orderId }) })}>{t('backToOrder')}</Btn>
        ) : null}
      </View>
    );
  }

  // 2. The quote of the departure picked.
  if (quote) {
    const q = quote.quote;
    return (
      <View className='page'>
        {current}
        <Card title={t('changeQuoteTitle')}>
          <View data-testid='change-quote'>
            <Row label={t('changeNewTrip')} value={`${dayLabel(localDate(0, Date.parse(q.departureAt)), lang)} ${hhmm(q.departureAt)}`} />
            {quote.offer.trip ? <Row label='' value={`${quote.offer.productName} · ${quote.offer.trip.operatorName}`} /> : null}
            <Row label={t('changeOldPrice')} value={money(q.oldPrice)} />
            <Row label={t('changeNewPrice')} value={money(q.newPrice)} />
            <Row label={t('changeFee')} value={money(q.fee)} />
            <DifferenceRow difference={q.difference} />
          </View>
        </Card>
        {error ? <Notice testId='change-error'>{error}</Notice> : null}
        <Btn
          onClick={() => void run(async () => setChange((await gql(RequestChangeDocument, { ticketCode: tk.code, newTripId: q.toTripId })).requestChange))}
          disabled={busy}
          testId='change-confirm'
        >
          {t('changeConfirm')}
        </Btn>
        <Btn kind='ghost' onClick={() => { setQuote(null); setError(null); }}>{t('changeOther')}</Btn>
      </View>
    );
  }

  // 1. Pick another departure of the same route.
  const offers = (trips.data?.searchOffers.offers ?? []).filter((o) => o.trip);
  const days = [0, 1, 2, 3, 4, 5, 6].map((d) => localDate(d));
  if (!days.includes(date)) days.unshift(date);
  return (
    <View className='page'>
      {current}
      {!tk.changeable ? <Notice kind='warn' testId='change-not-allowed'>{t('changeNotAllowed')}</Notice> : (
        <Card title={t('changePick')}>
          <ScrollView scrollX className='days'>
            {days.map((d) => (
              <Chip key={d} active={d === date} onClick={() => setDay(d)} testId={`change-day-${d}`}>{shortDay(d, lang)}</Chip>
            ))}
          </ScrollView>
          {trips.loading && !trips.data ? <Loading text={t('loading')} /> : null}
          {trips.error ? <Notice>{describeError(trips.error, lang)}</Notice> : null}
          {trips.data && offers.length === 0 ? <Notice kind='info'>{t('changeNoTrips')}</Notice> : null}
          {offers.map((o) => {
            const isCurrent = o.trip!.tripId === tk.tripId;
            const off = isCurrent || o.unavailableReason !== null;
            return (
              <View key={o.id} className={`trip-pick ${isCurrent ? 'trip-pick--current' : ''}`} data-testid={`change-trip-${o.trip!.tripId}`}>
                <View>
                  <Text className='trip-pick__time'>{hhmm(o.trip!.departureAt)}</Text>
                  <Text className='trip-pick__sub'>
                    {o.productName} · {duration(o.trip!.departureAt, o.trip!.arrivalAt, lang)} · {money(o.totalPrice)}
                    {o.unavailableReason ? ` · ${t(o.unavailableReason as 'SOLD_OUT')}` : ''}
                  </Text>
                </View>
                <Btn
                  small
                  kind={off ? 'ghost' : 'primary'}
                  disabled={off || busy}
                  testId={`change-pick-${o.trip!.tripId}`}
                  onClick={() => void run(async () => {
                    const q = (await gql(ChangeQuoteDocument, { ticketCode: tk.code, newTripId: o.trip!.tripId })).changeQuote;
                    setQuote({ quote: q, offer: o });
                  })}
                >
                  {isCurrent ? t('changeCurrent') : t('changeChoose')}
                </Btn>
              </View>
            );
          })}
          {error ? <Notice testId='change-error'>{error}</Notice> : null}
        </Card>
      )}
    </View>
  );
}
