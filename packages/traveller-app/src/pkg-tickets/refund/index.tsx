import Taro, { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { describeError, OrderDetailDocument, RefundQuoteDocument, RequestRefundDocument, type RequestRefundMutation } from '@deeptravel/client';
import { useState } from 'react';
import { gql } from '../../api/client';
import { Btn, Card, Loading, Notice, Row } from '../../components/ui';
import { useT } from '../../i18n';
import { dateTime, money } from '../../lib/format';
import { useAsync, useInterval } from '../../lib/use-async';
import { routeTo } from '../../routes';

type Refund = RequestRefundMutation['requestRefund'];

/** Refund: the quote first (fee and amount back now), then confirm, then the status until the result lands. */
export default function RefundPage() {
  const { t, lang } = useT();
  const orderId = useRouter().params.orderId ?? '';
  const quote = useAsync(
    async () => {
      const [q, o] = await Promise.all([gql(RefundQuoteDocument, { orderId }), gql(OrderDetailDocument, { id: orderId })]);
      return { ...q, tickets: new Map(o.order.tickets.map((tk) => [tk.code, tk])) };
    },
    [orderId],
    { refetchOnShow: false },
  );
  const [refund, setRefund] = useState<Refund | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const pending = refund && (refund.status === 'REQUESTED' || refund.status === 'PROCESSING');

  // Follow the refund until the gateway's answer lands.
  useInterval(async () => {
    if (!refund) return;
    try {
      const o = (await gql(OrderDetailDocument, { id: orderId })).order;
      const r = o.refunds.find((x) => x.id === refund.id);
      if (r) setRefund({ ...refund, ...r });
    } catch {
      /* keep polling */
    }
  }, 1500, Boolean(pending));

  const q = quote.data?.refundQuote;
  if (quote.loading && !q) return <View className='page'><Loading text={t('loading')} /></View>;
  if (!q) return <View className='page'><Notice>{describeError(quote.error, lang)}</Notice></View>;
  const refundable = q.items.filter((i) => i.refundable);
  // When the fee next rises: the earliest step of the tickets being refunded, with the total fee from then on.
  const steps = refundable.filter((i) => i.nextFeeAt).sort((a, b) => Date.parse(a.nextFeeAt!) - Date.parse(b.nextFeeAt!));
  const step = steps[0];
  const nextTotalFee = step ? refundable.reduce((sum, i) => sum + (i.nextFeeAt === step.nextFeeAt ? i.nextFee ?? i.price : i.fee), 0) : 0;
  const nextText = !step
    ? null
    : step.nextFeePercent === null
      ? t('nextFeeClose', { hours: step.nextFeeHoursBefore ?? 0, time: dateTime(step.nextFeeAt!) })
      : t('nextFeeRise', { hours: step.nextFeeHoursBefore ?? 0, time: dateTime(step.nextFeeAt!), fee: money(nextTotalFee) });

  const confirm = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const r = (await gql(RequestRefundDocument, { orderId, ticketCodes: refundable.map((i) => i.ticketCode) })).requestRefund;
      setRefund(r);
    } catch (err) {
      setError(describeError(err, lang));
      void quote.reload();
    } finally {
      setBusy(false);
    }
  };

  return (
    <View className='page'>
      <Card title={t('refundQuote')}>
        {q.items.map((i) => (
          <View key={i.ticketCode} className='list-item' data-testid={`quote-${i.ticketCode}`}>
            <Text className='list-item__main'>
              {quote.data?.tickets.get(i.ticketCode)?.passengerName ?? t('shared')} · {quote.data?.tickets.get(i.ticketCode)?.productName} · {money(i.price)}
            </Text>
            <Text className='list-item__sub'>
              {i.refundable
                ? `${t('refundFee', { percent: i.feePercent ?? 0 })} ${money(i.fee)} · ${t('refundBack')} ${money(i.amount)}`
                : t(`reason_${i.reason ?? 'INVALID_TRANSITION'}` as 'reason_TOO_LATE')}
            </Text>
          </View>
        ))}
        <Row label={t('feeTotal')} value={money(q.totalFee)} />
        <Row strong label={t('refundBack')} value={money(q.totalAmount)} />
        {nextText && !refund ? <Text className='next-fee' data-testid='next-fee'>{nextText}</Text> : null}
      </Card>
      {error ? <Notice testId='refund-error'>{error}</Notice> : null}
      {refund ? (
        <View data-testid={`refund-status-${refund.status}`}>
          {pending ? <Notice kind='info'>{t('refundSubmitted')}</Notice> : null}
          {refund.status === 'SUCCEEDED' ? <Notice kind='success'>{t('refundDone', { amount: money(refund.amount) })}</Notice> : null}
          {refund.status === 'FAILED' ? <Notice>{t('refundFailedMsg')}</Notice> : null}
          <Btn kind='secondary' onClick={() => Taro.redirectTo({ url: routeTo('order', { id: orderId }) })} testId='back-to-order'>{t('backToOrder')}</Btn>
        </View>
      ) : refundable.length ? (
        <Btn kind='danger' onClick={() => void confirm()} disabled={busy} testId='confirm-refund'>{t('confirmRefund', { amount: money(q.totalAmount) })}</Btn>
      ) : (
        <Notice kind='info'>{t('nothingRefundable')}</Notice>
      )}
    </View>
  );
}
