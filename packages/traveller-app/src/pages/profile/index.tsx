import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { MeDocument } from '@deeptravel/client';
import { gql } from '../../api/client';
import { TabBar } from '../../components/tab-bar';
import { Card, Chip } from '../../components/ui';
import { setLang, useT } from '../../i18n';
import { useAsync } from '../../lib/use-async';
import { ROUTES } from '../../routes';

/** Profile: language, saved passengers, messages. */
export default function ProfilePage() {
  const { t, lang } = useT();
  const me = useAsync(() => gql(MeDocument), []);
  return (
    <View className='page page--tabs'>
      <Card>
        <Text className='offer__name'>{me.data?.me.nickname ?? `${t('appName')} #${me.data?.me.id ?? '…'}`}</Text>
      </Card>
      <Card title={t('language')}>
        <View className='chips'>
          <Chip active={lang === 'zh'} onClick={() => setLang('zh')} testId='lang-zh'>简体中文</Chip>
          <Chip active={lang === 'en'} onClick={() => setLang('en')} testId='lang-en'>English</Chip>
        </View>
      </Card>
      <Card>
        <View className='list-item' onClick={() => Taro.navigateTo({ url: ROUTES.passengers })} data-testid='to-passengers'>
          <Text className='list-item__main'>{t('savedPassengers')} ›</Text>
        </View>
        <View className='list-item' onClick={() => Taro.navigateTo({ url: ROUTES.messages })}>
          <Text className='list-item__main'>{t('messages')} ›</Text>
        </View>
      </Card>
      <TabBar active={ROUTES.profile} />
    </View>
  );
}
