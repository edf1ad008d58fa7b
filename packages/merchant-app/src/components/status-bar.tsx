import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { useEffect, useState } from 'react';
import { connectivity } from '../api/connectivity';
import { deviceStore, sessionStore } from '../api/device';
import { offlineStore } from '../api/offline';
import { ageText } from '../lib/format';
import { setLang, t, useLang } from '../lib/i18n';
import { useStore } from '../lib/store';
import { ROUTES } from '../routes';

/**
 * Always on top: which terminal this is and who is logged in on it, online or offline, how old the
 * offline data is and how many scans wait to be sent. `nav` adds the links to the other sections
 * (each a fresh page stack: a gate app has no "back").
 */
export function StatusBar({ nav = false }: { nav?: boolean }) {
  const device = useStore(deviceStore);
  const session = useStore(sessionStore);
  const net = useStore(connectivity);
  const off = useStore(offlineStore);
  const lang = useLang();
  useEffect(() => {
    void Promise.resolve(Taro.setNavigationBarTitle?.({ title: t('深旅 · 商户核销', 'DeepTravel · Merchant') })).catch(() => undefined);
  }, [lang]);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(t);
  }, []);
  const waiting = off.queue.length + off.refusals.length;
  const staff = session?.staff;
  const stale = off.fetchedAt !== null && now - off.fetchedAt > 30 * 60_000;
  return (
    <View className='status' data-testid='status-bar'>
      <View className='status__who'>
        <Text className='status__terminal' data-testid='status-terminal'>{device ? `${device.terminalCode}` : t('未激活设备', 'Terminal not enrolled')}</Text>
        <Text className='status__staff' data-testid='status-staff'>
          {staff ? `${staff.role === 'MANAGER' ? t('店长', 'Manager') : t('核销员', 'Staff')}${t('：', ': ')}${staff.username}` : t('未登录', 'Not logged in')}
        </Text>
        <Text className='lang-switch' data-testid='lang-switch' onClick={() => setLang(lang === 'en' ? 'zh' : 'en')}>{lang === 'en' ? '中文' : 'EN'}</Text>
      </View>
      <Text className='status__staff' data-testid='status-merchant'>{device ? device.terminalName : ''}</Text>
      <View className='status__net'>
        <Text className={`pill ${net.online ? 'pill--online' : 'pill--offline'}`} data-testid='net-state'>{net.online ? t('在线', 'Online') : t('离线模式', 'Offline')}</Text>
        <Text className={`pill ${stale || off.badBundle ? 'pill--bad' : 'pill--info'}`} data-testid='data-age'>
          {off.badBundle ? t('离线数据签名错误', 'Offline data: bad signature') : `${t('离线数据：', 'Offline data: ')}${ageText(off.fetchedAt, now)}`}
        </Text>
        <Text className={`pill ${waiting ? 'pill--offline' : 'pill--info'}`} data-testid='queue-size'>{off.syncing ? t('正在上传…', 'Sending…') : t(`待上传 ${waiting}`, `To send: ${waiting}`)}</Text>
      </View>
      {nav && staff ? (
        <View className='status__links'>
          <View className='status__link' data-testid='nav-scan' onClick={() => void Taro.reLaunch({ url: ROUTES.scan })}>{t('扫码', 'Scan')}</View>
          <View className='status__link' data-testid='nav-log' onClick={() => void Taro.reLaunch({ url: ROUTES.log })}>{t('记录', 'Log')}</View>
          {staff.role === 'MANAGER' ? <View className='status__link' data-testid='nav-manage' onClick={() => void Taro.reLaunch({ url: ROUTES.manage })}>{t('管理', 'Manage')}</View> : null}
        </View>
      ) : null}
    </View>
  );
}
