import Taro from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import { ClientError, CreateOrderDocument, describeError, MySavedPassengersDocument, type MySavedPassengersQuery } from '@deeptravel/client';
import { useEffect, useRef, useState } from 'react';
import { gql } from '../../api/client';
import { PassengerForm, slotValid, type PassengerSlot } from '../../components/passenger-form';
import { Btn, Card, Chip, Notice, Row } from '../../components/ui';
import { useT } from '../../i18n';
import { dayLabel, hhmm, money, randomKey } from '../../lib/format';
import { routeTo } from '../../routes';
import { chosenOffer, passengerSlots } from '../../state/booking';

type Saved = MySavedPassengersQuery['mySavedPassengers'][number];

/** Confirm: passengers (typed or saved), promotion code, price lines, and one order per tap. */
export default function ConfirmPage() {
  const { t, lang } = useT();
  const chosen = useRef(chosenOffer()).current;
  const [slots, setSlots] = useState<PassengerSlot[]>(() =>
    chosen ? passengerSlots(chosen.params).map((type) => ({ type, name: '', phone: '', savedId: null, touched: false })) : [],
  );
  const [saved, setSaved] = useState<Saved[]>([]);
  const [promo, setPromo] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  // One key per visit of this page: a double tap (or a retry after a lost answer) makes one order.
  const idempotencyKey = useRef(randomKey('app-'));
  const inFlight = useRef(false);

  useEffect(() => {
    gql(MySavedPassengersDocument).then((r) => setSaved(r.mySavedPassengers)).catch(() => undefined);
  }, []);

  if (!chosen) {
    return (
      <View className='page'>
        <Notice>{t('offerGone')}</Notice>
        <Btn onClick={() => Taro.reLaunch({ url: routeTo('search') })}>{t('searchAgain')}</Btn>
      </View>
    );
  }
  const { offer } = chosen;

  const useSaved = (p: Saved) => {
    const i = slots.findIndex((s) => s.type === p.passengerType && !s.savedId && !s.name);
    const j = i >= 0 ? i : slots.findIndex((s) => s.type === p.passengerType && !s.savedId);
    if (j < 0 || slots.some((s) => s.savedId === p.id)) return;
    setSlots(slots.map((s, k) => (k === j ? { ...s, savedId: p.id, savedLabel: `${p.name}${p.phoneMasked ? ` ${p.phoneMasked}` : ''}`, serverError: null } : s)));
  };

  const submit = async () => {
    if (inFlight.current) return;
    setError(null);
    if (!slots.every(slotValid)) {
      setSlots(slots.map((s) => ({ ...s, touched: true })));
      setError(t('fixErrors'));
      return;
    }
    inFlight.current = true;
    setSubmitting(true);
    try {
      const res = await gql(CreateOrderDocument, {
        input: {
          items: [{ productId: offer.productId, tripId: offer.trip?.tripId ?? null, travelDate: offer.trip ? null : offer.travelDate }],
          passengers: slots.map((s) => (s.savedId ? { savedPassengerId: s.savedId } : { name: s.name.trim(), type: s.type, phone: s.phone.trim() || null })),
          promotionCode: promo.trim() || null,
          idempotencyKey: idempotencyKey.current,
        },
      });
      void Taro.redirectTo({ url: routeTo('pay', { orderId: res.createOrder.id }) });
    } catch (err) {
      const sentence = describeError(err, lang);
      const field = err instanceof ClientError ? String(err.details.field ?? '') : '';
      const m = /^passengers\[(\d+)\]/.exec(field);
      if (m) setSlots((list) => list.map((s, k) => (k === Number(m[1]) ? { ...s, serverError: sentence } : s)));
      setError(sentence);
      inFlight.current = false;
      setSubmitting(false);
    }
  };

  return (
    <View className='page page--bar'>
      <Card>
        <Text className='offer__name'>{offer.productName}</Text>
        <Text className='muted'>
          {dayLabel(offer.travelDate, lang)}
          {offer.trip ? ` · ${hhmm(offer.trip.departureAt)} ${offer.trip.originStation} → ${hhmm(offer.trip.arrivalAt)} ${offer.trip.destinationStation}` : ''}
        </Text>
        <Text className='offer__refund'>{offer.refundSummary}</Text>
      </Card>
      <Card title={t('confirmTitle')}>
        {saved.length ? (
          <View>
            <Text className='field__label'>{t('fromSaved')}</Text>
            <View className='chips'>
              {saved.map((p) => (
                <Chip key={p.id} active={slots.some((s) => s.savedId === p.id)} disabled={!slots.some((s) => s.type === p.passengerType)} onClick={() => useSaved(p)}>
                  {p.name} · {t(p.passengerType)}
                </Chip>
              ))}
            </View>
          </View>
        ) : null}
        {slots.map((s, i) => (
          <PassengerForm key={i} index={i} slot={s} onChange={(next) => setSlots(slots.map((x, k) => (k === i ? next : x)))} />
        ))}
      </Card>
      <Card title={t('promoCode')}>
        <Input className='input' placeholder={t('promoPlaceholder')} value={promo} onInput={(e) => setPromo(e.detail.value)} data-testid='promo' />
      </Card>
      <Card title={t('priceDetails')}>
        {offer.priceLines.map((l) => (
          <Row key={l.passengerType} label={`${t(l.passengerType)} ${money(l.unitPrice)} × ${l.count}`} value={money(l.subtotal)} />
        ))}
        <Row strong label={t('total')} value={money(offer.totalPrice)} />
      </Card>
      <View className='bottom-bar'>
        {/* The error sits above the button, where the traveller's eyes are after the tap. */}
        {error ? <Notice testId='confirm-error'>{error}</Notice> : null}
        <View className='bottom-bar__row'>
          <View>
            <Text className='muted'>{t('total')} </Text>
            <Text className='big-price' data-testid='confirm-total'>{money(offer.totalPrice)}</Text>
          </View>
          <Btn onClick={() => void submit()} disabled={submitting} testId='submit-order'>
            {submitting ? t('submitting') : t('submitOrder')}
          </Btn>
        </View>
      </View>
    </View>
  );
}
