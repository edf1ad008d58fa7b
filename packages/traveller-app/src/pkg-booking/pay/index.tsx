import Taro, { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { CancelOrderDocument, describeError, OrderDetailDocument } from '@deeptravel/client';
import { useEffect, useState } from 'react';
import { gql, IS_WEAPP } from '../../api/client';
import { loadSubscribeTemplates, payOrder } from '../../api/payment';
import { HoldCountdown, useRemaining } from '../../components/countdown';
import { Btn, Card, Loading, Notice, Row } from '../../components/ui';
import { useT } from '../../i18n';
import { money } from '../../lib/format';
import { useAsync } from '../../lib/use-async';
import { routeTo } from '../../routes';

/** Pay: the seat-hold countdown by the server's clock; WeChat Pay on weapp, 模拟支付 on H5 with the mock gateway. */
export default function PayPage() {
  const { t, lang } = useT();
  const orderId = useRouter().params.orderId ?? '';
  const { data, error, loading, reload } = useAsync(() => gql(OrderDetailDocument, { id: orderId }), [orderId]);
  const order = data?.order;
  const left = useRemaining(order?.status === 'PENDING' ? order.lockExpireAt : null);
  const [paying, setPaying] = useState(false);
  const [payError, setPayError] = useState<string | null>(null);

  useEffect(() => {
    if (IS_WEAPP) void loadSubscribeTemplates();
  }, []);

  const paid = order && (order.status === 'PAID' || order.status === 'COMPLETED');
  useEffect(() => {
    if (paid) void Taro.redirectTo({ url: routeTo('order', { id: orderId }) });
  }, [paid, orderId]);

  if (loading && !order) return <View className='page'><Loading text={t('loading')} /></View>;
  if (!order) return <View className='page'><Notice>{describeError(error, lang)}</Notice><Btn kind='secondary' onClick={() => void reload()}>{t('retry')}</Btn></View>;

  const expired = (order.status === 'PENDING' && left <= 0) || (order.status === 'CANCELLED' && order.cancelReason === 'EXPIRED');
  const pay = async () => {
    if (paying) return;
    setPaying(true);
    setPayError(null);
    try {
      await payOrder(order);
      void Taro.redirectTo({ url: routeTo('order', { id: order.id }) });
    } catch (err) {
      setPayError(describeError(err, lang));
      void reload();
    } finally {
      setPaying(false);
    }
  };
  const cancel = async () => {
    const { confirm } = await Taro.showModal({ title: t('cancelOrder'), content: t('cancelConfirm'), confirmText: t('ok'), cancelText: t('cancel') });
    if (!confirm) return;
    try {
      await gql(CancelOrderDocument, { orderId: order.id });
    } catch (err) {
      setPayError(describeError(err, lang));
    }
    void reload();
  };

  return (
    <View className='page'>
      {expired ? (
        <View data-testid='hold-expired'>
          <Notice kind='warn'>{t('holdExpired')}</Notice>
          <Btn onClick={() => Taro.reLaunch({ url: routeTo('search') })}>{t('searchAgain')}</Btn>
        </View>
      ) : order.status === 'PENDING' ? (
        <HoldCountdown left={left} />
      ) : (
        <Notice kind='info'>{t(`status_${order.status}` as 'status_PAID')}</Notice>
      )}
      <Card>
        <Row label={t('orderNo')} value={order.orderNo} />
        {order.lines.map((l) => (
          <Row key={l.id} label={`${l.productName} · ${t(l.passengerType)} × ${l.qty}`} value={money(l.subtotal)} />
        ))}
        {order.discountAmount ? <Row label={`${t('discount')}${order.promotionCode ? ` (${order.promotionCode})` : ''}`} value={`−${money(order.discountAmount)}`} /> : null}
        <Row strong label={t('total')} value={money(order.totalAmount)} />
      </Card>
      {payError ? <Notice testId='pay-error'>{payError}</Notice> : null}
      {order.status === 'PENDING' && !expired ? (
        <View>
          <Btn onClick={() => void pay()} disabled={paying} testId='pay-button'>
            {paying ? t('paying') : IS_WEAPP ? t('payWechat', { amount: money(order.totalAmount) }) : t('payMock', { amount: money(order.totalAmount) })}
          </Btn>
          {!IS_WEAPP ? <Text className='hint'>{t('mockNote')}</Text> : null}
          <Btn kind='ghost' onClick={() => void cancel()}>{t('cancelOrder')}</Btn>
        </View>
      ) : null}
    </View>
  );
}
