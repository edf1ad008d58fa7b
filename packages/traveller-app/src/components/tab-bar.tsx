import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { ROUTES } from '../routes';
import { useT } from '../i18n';

const TABS = [
  { route: ROUTES.search, key: 'tabSearch' },
  { route: ROUTES.wallet, key: 'tabWallet' },
  { route: ROUTES.orders, key: 'tabOrders' },
  { route: ROUTES.profile, key: 'tabProfile' },
] as const;

/** The bottom navigation of the four main pages (drawn by us: the same on weapp and H5). */
export function TabBar({ active }: { active: (typeof TABS)[number]['route'] }) {
  const { t } = useT();
  return (
    <View className='tab-bar'>
      {TABS.map((tab) => (
        <View
          key={tab.route}
          className={`tab-bar__item ${tab.route === active ? 'tab-bar__item--active' : ''}`}
          onClick={() => tab.route !== active && Taro.reLaunch({ url: tab.route })}
        >
          <Text className='tab-bar__label'>{t(tab.key)}</Text>
        </View>
      ))}
    </View>
  );
}
