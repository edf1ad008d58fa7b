import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { describeError, MyNotificationsDocument } from '@deeptravel/client';
import { gql } from '../../api/client';
import { Card, Loading, Notice } from '../../components/ui';
import { useT } from '../../i18n';
import { dateTime } from '../../lib/format';
import { useAsync } from '../../lib/use-async';
import { routeTo } from '../../routes';

/** Messages (`myNotifications`): what was sent, or would have been, about the traveller's orders, newest first. */
export default function MessagesPage() {
  const { t, lang } = useT();
  const { data, error, loading } = useAsync(() => gql(MyNotificationsDocument, { limit: 30, offset: 0 }), []);
  const messages = data?.myNotifications ?? [];
  return (
    <View className='page'>
      {loading && !data ? <Loading text={t('loading')} /> : null}
      {error ? <Notice>{describeError(error, lang)}</Notice> : null}
      {data && !messages.length ? <Notice kind='info'>{t('messagesEmpty')}</Notice> : null}
      {messages.map((m) => (
        <Card key={m.id} title={m.title}>
          <View onClick={() => m.orderId && Taro.navigateTo({ url: routeTo('order', { id: m.orderId }) })} data-testid={`message-${m.kind}`}>
            {m.fields.map((f) => (
              <View key={f.key} className='row'>
                <Text className='row__label'>{f.label}</Text>
                <Text className='row__value'>{f.value}</Text>
              </View>
            ))}
            <Text className='hint'>{dateTime(m.sentAt ?? m.createdAt)}</Text>
          </View>
        </Card>
      ))}
    </View>
  );
}
