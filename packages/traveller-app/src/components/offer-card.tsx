import { Text, View } from '@tarojs/components';
import { useT } from '../i18n';
import { duration, hhmm, money } from '../lib/format';
import type { Offer } from '../state/booking';
import { Btn } from './ui';

/** One trip or package of the results: times, seats left (紧张 when few), the party's total and its breakdown, refund summary; details on their own page. */
export function OfferCard({ offer, onBook, onDetails }: { offer: Offer; onBook: () => void; onDetails: () => void }) {
  const { t, lang } = useT();
  const trip = offer.trip;
  const off = offer.unavailableReason !== null;
  const mode = trip ? trip.mode : 'PACKAGE';
  const partySize = offer.priceLines.reduce((s, l) => s + l.count, 0);
  return (
    <View className={`card offer ${off ? 'offer--off' : ''}`} data-testid={`offer-${offer.id}`}>
      {trip ? (
        <View>
          <View className='offer__times'>
            <Text className='offer__time'>{hhmm(trip.departureAt)}</Text>
            <Text className='offer__dur'>{duration(trip.departureAt, trip.arrivalAt, lang)} ⟶</Text>
            <Text className='offer__time'>{hhmm(trip.arrivalAt)}</Text>
          </View>
          <View className='offer__stations'>
            <Text>{trip.originStation}</Text>
            <Text>{trip.destinationStation}</Text>
          </View>
          <Text className='muted'>{offer.productName} · {trip.operatorName}</Text>
        </View>
      ) : (
        <View>
          <Text className='offer__name'>{offer.productName}</Text>
          {offer.validityDays ? <Text className='muted'>{t('validDays', { n: offer.validityDays })}</Text> : null}
        </View>
      )}
      <View className='offer__meta'>
        <View>
          <Text className='badge badge--mode'>{t(`mode${mode}` as 'modeBUS')}</Text>
          {off ? (
            <Text className='badge badge--off'>{t(offer.unavailableReason as 'SOLD_OUT')}</Text>
          ) : offer.lowStock ? (
            <Text className='badge badge--low' data-testid='low-stock'>{t('lowStock')}{offer.available !== null ? ` ${t('seatsLeft', { n: offer.available })}` : ''}</Text>
          ) : (
            <Text className='badge badge--ok'>{offer.available === null ? t('unlimited') : t('seatsLeft', { n: offer.available })}</Text>
          )}
        </View>
        <View className='offer__price'>
          <Text className='muted'>{t('partyTotal', { n: partySize })} </Text>
          <Text className='big-price'>{money(offer.totalPrice)}</Text>
          <Text className='offer__breakdown'>
            {offer.priceLines.map((l) => `${t(l.passengerType)} ${money(l.unitPrice)}×${l.count}`).join('  ')}
          </Text>
        </View>
      </View>
      <Text className='offer__refund'>{offer.refundSummary}</Text>
      <View className='offer__meta'>
        <Text className='link' onClick={onDetails} data-testid={`details-${offer.id}`}>{t('details')} ›</Text>
        <Btn small disabled={off} onClick={onBook} testId={`book-${offer.id}`}>{t('book')}</Btn>
      </View>
    </View>
  );
}
