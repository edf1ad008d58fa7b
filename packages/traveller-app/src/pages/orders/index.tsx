import Taro, { useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { CancelOrderDocument, describeError, MyOrdersDocument, type MyOrdersQuery } from '@deeptravel/client';
import { useEffect, useRef, useState } from 'react';
import { gql } from '../../api/client';
import { TabBar } from '../../components/tab-bar';
import { Btn, Card, Chip, Notice } from '../../components/ui';
import { useT } from '../../i18n';
import { dateTime, hhmm, money } from '../../lib/format';
import { ROUTES, routeTo } from '../../routes';

type OrderRow = MyOrdersQuery['myOrders'][number];
const PAGE = 10;
const STATUSES = [null, 'PENDING', 'PAID', 'COMPLETED', 'CANCELLED'] as const;

/** An unpaid order whose seats are still held: it can be paid or cancelled from the list. */
function unpaidAndHeld(o: OrderRow): boolean {
  return o.status === 'PENDING' && new Date(o.lockExpireAt).getTime() > Date.now();
}

/** Orders by status, newest first, ten at a time; an unpaid one can be paid or cancelled right here. */
export default function OrdersPage() {
  const { t, lang } = useT();
  const [status, setStatus] = useState<(typeof STATUSES)[number]>(null);
  const [orders, setOrders] = useState<OrderRow[]>([]);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);

  const load = async (reset: boolean) => {
    setLoading(true);
    try {
      const offset = reset ? 0 : orders.length;
      const r = await gql(MyOrdersDocument, { limit: PAGE, offset, status });
      setOrders(reset ? r.myOrders : [...orders, ...r.myOrders]);
      setDone(r.myOrders.length < PAGE);
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    void load(true);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [status]);
  /**
   * Cancels an unpaid order from the list (after a confirm): its seats are released at once. The
   * list is reloaded either way, so a hold that ended meanwhile shows as cancelled.
   */
  const cancel = async (order: OrderRow) => {
    const { confirm } = await Taro.showModal({ title: t('cancelOrder'), content: t('cancelConfirm'), confirmText: t('ok'), cancelText: t('cancel') });
    if (!confirm) return;
    try {
      await gql(CancelOrderDocument, { orderId: order.id });
      void Taro.showToast({ title: t('orderCancelled'), icon: 'none' });
    } catch (err) {
      setError(err);
    }
    void load(true);
  };
  const shownOnce = useRef(false);
  useDidShow(() => {
    if (shownOnce.current) void load(true);
    shownOnce.current = true;
  });

  return (
    <View className='page page--tabs'>
      <View className='chips'>
        {STATUSES.map((s) => (
          <Chip key={s ?? 'ALL'} active={status === s} onClick={() => setStatus(s)}>
            {s ? t(`status_${s}` as 'status_PAID') : t('filterAll')}
          </Chip>
        ))}
      </View>
      {error ? <Notice>{describeError(error, lang)}</Notice> : null}
      {!loading && !orders.length && !error ? <Notice kind='info'>{t('ordersEmpty')}</Notice> : null}
      {orders.map((o) => (
        <Card key={o.id}>
          <View className='list-item' data-testid={`order-${o.orderNo}`} onClick={() => Taro.navigateTo({ url: routeTo(o.status === 'PENDING' ? 'pay' : 'order', o.status === 'PENDING' ? { orderId: o.id } : { id: o.id }) })}>
            <Text className='list-item__main'>{o.lines[0]?.productName ?? o.orderNo}</Text>
            <Text className='list-item__sub'>
              {o.status === 'PENDING' && !unpaidAndHeld(o) ? t('holdEnded') : t(`status_${o.status}` as 'status_PAID')} · {money(o.totalAmount)} · {dateTime(o.createdAt)}
            </Text>
            {unpaidAndHeld(o) ? <Text className='list-item__sub'>{t('payBefore', { time: hhmm(o.lockExpireAt) })}</Text> : null}
          </View>
          {unpaidAndHeld(o) ? (
            <View className='row-actions'>
              <Btn small kind='ghost' testId={`cancel-${o.orderNo}`} onClick={() => void cancel(o)}>{t('cancelOrder')}</Btn>
              <Btn small testId={`pay-${o.orderNo}`} onClick={() => Taro.navigateTo({ url: routeTo('pay', { orderId: o.id }) })}>{t('goPay')}</Btn>
            </View>
          ) : null}
        </Card>
      ))}
      {orders.length && !done ? <Btn kind='secondary' onClick={() => void load(false)} disabled={loading}>{t('loadMore')}</Btn> : null}
      {orders.length && done ? <Text className='hint'>{t('noMore')}</Text> : null}
      <TabBar active={ROUTES.orders} />
    </View>
  );
}
