import Taro, { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { CancelOrderDocument, describeError, OrderDetailDocument, type OrderDetailQuery } from '@deeptravel/client';
import { useEffect } from 'react';
import { gql } from '../../api/client';
import { useOrderLive } from '../../api/live';
import { cacheGet, cachePut, isOfflineError } from '../../api/offline';
import { Btn, Card, Loading, Notice, Row } from '../../components/ui';
import { useT } from '../../i18n';
import { dateTime, dayLabel, hhmm, money } from '../../lib/format';
import { useAsync, useInterval } from '../../lib/use-async';
import { routeTo } from '../../routes';

type OrderData = OrderDetailQuery['order'];

/** The order from the server, or the last copy kept on the device when there is no network. */
async function loadOrder(id: string): Promise<{ order: OrderData; offline: boolean }> {
  try {
    const r = await gql(OrderDetailDocument, { id });
    cachePut(`order.${id}`, r.order);
    return { order: r.order, offline: false };
  } catch (err) {
    const cached = cacheGet<OrderData>(`order.${id}`);
    if (isOfflineError(err) && cached) return { order: cached.value, offline: true };
    throw err;
  }
}

/** Order detail: status followed until the tickets appear, tickets, price lines, passengers, refunds. */
export default function OrderPage() {
  const { t, lang } = useT();
  const id = useRouter().params.id ?? '';
  const { data, error, loading, reload, setData } = useAsync(() => loadOrder(id), [id]);
  const order = data?.order;
  const refunding = order?.refunds.some((r) => r.status === 'REQUESTED' || r.status === 'PROCESSING');
  const issuing = order && (order.status === 'PAID' && order.tickets.length === 0);
  // Follows the order live over graphql-ws (each change arrives as the whole order); on (re)connecting
  // it reloads once to catch up. Without a live connection it polls while something is on its way.
  const { live } = useOrderLive(
    id,
    (o) => {
      cachePut(`order.${id}`, o);
      setData({ order: o, offline: false });
    },
    () => void reload(),
  );
  useInterval(() => void reload(), 2000, Boolean((issuing || refunding) && !live));

  useEffect(() => {
    if (order?.status === 'PENDING') void Taro.setNavigationBarTitle({ title: t('status_PENDING') });
  }, [order?.status]);

  if (loading && !order) return <View className='page'><Loading text={t('loading')} /></View>;
  if (!order) return <View className='page'><Notice>{describeError(error, lang)}</Notice><Btn kind='secondary' onClick={() => void reload()}>{t('retry')}</Btn></View>;

  const activeTickets = order.tickets.filter((x) => x.status === 'ACTIVE');
  const statusText =
    order.status === 'CANCELLED' && order.cancelReason ? `${t('status_CANCELLED')} · ${t(`cancel_${order.cancelReason}` as 'cancel_EXPIRED')}` : t(`status_${order.status}` as 'status_PAID');

  return (
    <View className='page'>
      {data?.offline ? <Notice kind='warn'>{t('walletOffline')}</Notice> : null}
      <Card>
        <View className='status-row'>
          <Text className={`status ${order.status === 'CANCELLED' ? 'status--off' : ''}`} data-testid='order-status'>{statusText}</Text>
          {live ? <Text className='live' data-testid='live'>{t('liveOn')}</Text> : null}
        </View>
        {issuing ? <Notice kind='info' testId='issuing'>{t('issuing')}</Notice> : null}
        {order.tickets.length && order.status !== 'CANCELLED' ? <Notice kind='success'>{t('issued')}</Notice> : null}
        <Row label={t('orderNo')} value={order.orderNo} />
        {order.status === 'PENDING' ? <Btn onClick={() => Taro.navigateTo({ url: routeTo('pay', { orderId: order.id }) })}>{t('goPay')}</Btn> : null}
      </Card>
      {order.tickets.length ? (
        <Card title={t('tickets')} extra={order.qr ? <Text className='link' onClick={() => Taro.navigateTo({ url: routeTo('ticket', { orderId: order.id, mode: 'order' }) })}>{t('orderQr')}</Text> : null}>
          {order.tickets.map((tk) => (
            <View key={tk.code} className='list-item' data-testid={`ticket-${tk.code}`} onClick={() => Taro.navigateTo({ url: routeTo('ticket', { code: tk.code, orderId: order.id }) })}>
              <Text className='list-item__main'>
                {tk.passengerName ?? (tk.shared ? t('shared') : '')} · {tk.productName}
              </Text>
              <Text className='list-item__sub'>
                {t(`ticket_${tk.status}` as 'ticket_ACTIVE')} · {tk.trip ? `${dayLabel(tk.travelDate, lang)} ${hhmm(tk.trip.departureAt)}` : dayLabel(tk.travelDate, lang)} · {tk.code}
              </Text>
              {tk.changeable ? (
                <Text
                  className='link list-item__action'
                  data-testid={`change-${tk.code}`}
                  onClick={(e) => {
                    e.stopPropagation();
                    void Taro.navigateTo({ url: routeTo('change', { code: tk.code, orderId: order.id }) });
                  }}
                >
                  {t('changeTicket')} ›
                </Text>
              ) : null}
            </View>
          ))}
          {activeTickets.length ? <Btn onClick={() => Taro.navigateTo({ url: routeTo('ticket', { code: activeTickets[0].code, orderId: order.id }) })} testId='show-qr'>{t('showQr')}</Btn> : null}
        </Card>
      ) : null}
      <Card title={t('priceDetails')}>
        {order.lines.map((l) => (
          <Row key={l.id} label={`${l.productName} · ${t(l.passengerType)} ${money(l.unitPrice)} × ${l.qty}`} value={money(l.subtotal)} />
        ))}
        {order.discountAmount ? <Row label={t('discount')} value={`−${money(order.discountAmount)}`} /> : null}
        <Row strong label={t('total')} value={money(order.totalAmount)} />
      </Card>
      <Card title={t('passengersList')}>
        {order.passengers.map((p) => (
          <Row key={p.id} label={`${p.name} · ${t(p.passengerType)}`} value={p.phoneMasked ?? ''} />
        ))}
      </Card>
      {order.refunds.length ? (
        <Card title={t('refunds')}>
          {order.refunds.map((r) => (
            <View key={r.id} className='list-item' data-testid={`refund-${r.status}`}>
              <Text className='list-item__main'>{t(`refund_${r.status}` as 'refund_SUCCEEDED')}{r.kind === 'CHANGE_DIFFERENCE' ? ` · ${t('changeBack')}` : ''}</Text>
              <Text className='list-item__sub'>{t('refundAmountBack', { amount: money(r.amount), fee: money(r.fee) })} · {dateTime(r.createdAt)}</Text>
            </View>
          ))}
        </Card>
      ) : null}
      {activeTickets.length && !refunding ? (
        <Btn kind='danger' onClick={() => Taro.navigateTo({ url: routeTo('refund', { orderId: order.id }) })} testId='refund-button'>{t('requestRefund')}</Btn>
      ) : null}
      {order.status === 'PENDING' ? (
        <Btn kind='ghost' onClick={async () => {
          // Asks first, as the pay page and the orders list do; a refusal is said, not swallowed.
          const { confirm } = await Taro.showModal({ title: t('cancelOrder'), content: t('cancelConfirm'), confirmText: t('ok'), cancelText: t('cancel') });
          if (!confirm) return;
          try {
            await gql(CancelOrderDocument, { orderId: order.id });
          } catch (err) {
            void Taro.showToast({ title: describeError(err, lang), icon: 'none' });
          }
          void reload();
        }}>{t('cancelOrder')}</Btn>
      ) : null}
    </View>
  );
}
