import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { describeError, ProductRulesDocument, type ProductRulesQuery } from '@deeptravel/client';
import { gql } from '../../api/client';
import { Btn, Card, Loading, Notice, Row } from '../../components/ui';
import { useT } from '../../i18n';
import type { StringKey } from '../../i18n/strings';
import { dayLabel, duration, hhmm, money } from '../../lib/format';
import { useAsync } from '../../lib/use-async';
import { routeTo } from '../../routes';
import { chooseOffer, offerForDetail, paramsToQuery } from '../../state/booking';

type Rules = ProductRulesQuery['productRules'];

/** The refund tiers in plain words, largest first, then where refunds stop. */
function refundLines(rules: Rules, isPass: boolean, t: (k: StringKey, v?: Record<string, string | number>) => string): string[] {
  const tiers = [...rules.refundTiers].sort((a, b) => b.minHoursBefore - a.minHoursBefore);
  const lines = tiers.map((tier) => {
    if (tier.minHoursBefore <= 0) return tier.feePercent === 0 ? t('refundTierFreeAny') : isPass ? t('refundTierFeeAny', { percent: tier.feePercent }) : t('refundTierFee', { hours: 0, percent: tier.feePercent });
    return tier.feePercent === 0 ? t('refundTierFree', { hours: tier.minHoursBefore }) : t('refundTierFee', { hours: tier.minHoursBefore, percent: tier.feePercent });
  });
  const last = tiers.at(-1);
  if (last && last.minHoursBefore > 0) lines.push(t('refundTierLast', { hours: last.minHoursBefore }));
  if (isPass) lines.push(t('usedRedeemedNote'));
  return lines;
}

/**
 * Product detail, from the results: what is included (each entitlement, its merchant, per passenger
 * or shared, how many uses), validity, and the refund and change rules in plain words (the product's
 * current rules from the server); book from here too.
 */
export default function ProductPage() {
  const { t, lang } = useT();
  const chosen = offerForDetail();
  const offer = chosen?.offer;
  const rules = useAsync(() => (offer ? gql(ProductRulesDocument, { productId: offer.productId }) : Promise.resolve(null)), [offer?.productId], { refetchOnShow: false });
  if (!chosen || !offer) return <View className='page'><Notice>{t('offerGone')}</Notice></View>;
  const trip = offer.trip;
  const r = rules.data?.productRules;
  const off = offer.unavailableReason !== null;

  return (
    <View className='page' data-testid='product-page'>
      <Card>
        <Text className='offer__name'>{offer.productName}</Text>
        {trip ? (
          <View>
            <Text className='list-item__sub'>
              {dayLabel(offer.travelDate, lang)} {hhmm(trip.departureAt)} → {hhmm(trip.arrivalAt)} · {duration(trip.departureAt, trip.arrivalAt, lang)}
            </Text>
            <Text className='list-item__sub'>{trip.originStation} → {trip.destinationStation} · {trip.operatorName}</Text>
          </View>
        ) : null}
        {offer.description ? <Text className='hint'>{offer.description}</Text> : null}
        <Row strong label={t('partyTotal', { n: offer.priceLines.reduce((s, l) => s + l.count, 0) })} value={money(offer.totalPrice)} />
      </Card>
      <Card title={t('productIncludes')}>
        {offer.entitlements.length ? (
          offer.entitlements.map((e) => (
            <View key={e.id} className='list-item' data-testid={`includes-${e.id}`}>
              <Text className='list-item__main'>{e.name}</Text>
              <Text className='list-item__sub'>
                {t('productMerchant', { name: e.merchantName })} · {e.scope === 'SHARED' ? t('shared') : t('perPassenger')} · {t('usesTimes', { n: e.uses })}
              </Text>
            </View>
          ))
        ) : trip ? (
          <View className='list-item'>
            <Text className='list-item__main'>{t(`mode${trip.mode}` as 'modeBUS')} · {trip.originStation} → {trip.destinationStation}</Text>
            <Text className='list-item__sub'>{t('productMerchant', { name: trip.operatorName })} · {t('perPassenger')} · {t('usesTimes', { n: 1 })}</Text>
          </View>
        ) : null}
      </Card>
      <Card title={t('productValidity')}>
        <Text className='rule-line'>
          {trip ? t('validTripDay', { day: dayLabel(offer.travelDate, lang) }) : t('validPass', { n: offer.validityDays ?? 1, day: dayLabel(offer.travelDate, lang) })}
        </Text>
      </Card>
      <Card title={t('productRefund')}>
        {rules.loading && !r ? <Loading text={t('loading')} /> : null}
        {rules.error ? <Notice>{describeError(rules.error, lang)}</Notice> : null}
        {r ? (
          <View data-testid='refund-rules'>
            {refundLines(r, !trip, t).map((line) => <Text key={line} className='rule-line'>· {line}</Text>)}
          </View>
        ) : null}
      </Card>
      <Card title={t('productChange')}>
        {r ? <Text className='rule-line' data-testid='change-rules'>{r.changeAllowed ? t('changeRuleYes', { hours: r.changeMinHoursBefore }) : t('changeRuleNo')}</Text> : null}
        {r && lang === 'en' ? <Text className='hint'>{t('ruleSummary')}: {r.summaryZh}</Text> : null}
      </Card>
      <Btn
        disabled={off}
        testId='product-book'
        onClick={() => {
          chooseOffer(offer, chosen.params);
          void Taro.navigateTo({ url: routeTo('confirm', paramsToQuery(chosen.params)) });
        }}
      >
        {t('book')} {money(offer.totalPrice)}
      </Btn>
    </View>
  );
}
