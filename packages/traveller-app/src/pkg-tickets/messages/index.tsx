import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { describeError, MyOrdersDocument } from '@deeptravel/client';
import { gql } from '../../api/client';
import { Card, Loading, Notice } from '../../components/ui';
import { useT } from '../../i18n';
import { dateTime, money } from '../../lib/format';
import { useAsync } from '../../lib/use-async';
import { routeTo } from '../../routes';

/**
 * Messages: what happened to the traveller's orders (issued, expired, refunded), newest first.
 * Built from the orders until the server's notification feed (`myNotifications`) is in the schema.
 */
export default function MessagesPage() {
  const { t, lang } = useT();
  const { data, error, loading } = useAsync(() => gql(MyOrdersDocument, { limit: 30, offset: 0 }), []);
  const messages = (data?.myOrders ?? []).flatMap((o) => {
    if (o.status === 'PAID' || o.status === 'COMPLETED') return [{ id: o.id, at: o.paidAt ?? o.createdAt, text: t('msgIssued', { no: o.orderNo }) }];
    if (o.status === 'CANCELLED' && o.cancelReason === 'EXPIRED') return [{ id: o.id, at: o.cancelledAt ?? o.createdAt, text: t('msgExpired', { no: o.orderNo }) }];
    if (o.status === 'CANCELLED' && o.cancelReason === 'REFUNDED') return [{ id: o.id, at: o.cancelledAt ?? o.createdAt, text: t('msgRefunded', { no: o.orderNo, amount: money(o.totalAmount) }) }];
    if (o.status === 'PENDING') return [{ id: o.id, at: o.createdAt, text: t('msgPending', { no: o.orderNo }) }];
    return [];
  });
  return (
    <View className='page'>
      {loading && !data ? <Loading text={t('loading')} /> : null}
      {error ? <Notice>{describeError(error, lang)}</Notice> : null}
      {data && !messages.length ? <Notice kind='info'>{t('messagesEmpty')}</Notice> : null}
      {messages.length ? (
        <Card>
          {messages.map((m) => (
            <View key={m.id} className='list-item' onClick={() => Taro.navigateTo({ url: routeTo('order', { id: m.id }) })}>
              <Text className='list-item__main'>{m.text}</Text>
              <Text className='list-item__sub'>{dateTime(m.at)}</Text>
            </View>
          ))}
        </Card>
      ) : null}
    </View>
  );
}
