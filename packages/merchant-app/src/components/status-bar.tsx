import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { useEffect, useState } from 'react';
import { connectivity } from '../api/connectivity';
import { deviceStore, sessionStore } from '../api/device';
import { offlineStore } from '../api/offline';
import { ageText } from '../lib/format';
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
        <Text className='status__terminal' data-testid='status-terminal'>{device ? `${device.terminalCode}` : '未激活设备'}</Text>
        <Text className='status__staff' data-testid='status-staff'>
          {staff ? `${staff.role === 'MANAGER' ? '店长' : '核销员'}：${staff.username}` : '未登录'}
        </Text>
      </View>
      <Text className='status__staff' data-testid='status-merchant'>{device ? device.terminalName : ''}</Text>
      <View className='status__net'>
        <Text className={`pill ${net.online ? 'pill--online' : 'pill--offline'}`} data-testid='net-state'>{net.online ? '在线' : '离线模式'}</Text>
        <Text className={`pill ${stale || off.badBundle ? 'pill--bad' : 'pill--info'}`} data-testid='data-age'>
          {off.badBundle ? '离线数据签名错误' : `离线数据：${ageText(off.fetchedAt, now)}`}
        </Text>
        <Text className={`pill ${waiting ? 'pill--offline' : 'pill--info'}`} data-testid='queue-size'>{off.syncing ? '正在上传…' : `待上传 ${waiting}`}</Text>
      </View>
      {nav && staff ? (
        <View className='status__links'>
          <View className='status__link' data-testid='nav-scan' onClick={() => void Taro.reLaunch({ url: ROUTES.scan })}>扫码</View>
          <View className='status__link' data-testid='nav-log' onClick={() => void Taro.reLaunch({ url: ROUTES.log })}>记录</View>
          {staff.role === 'MANAGER' ? <View className='status__link' data-testid='nav-manage' onClick={() => void Taro.reLaunch({ url: ROUTES.manage })}>管理</View> : null}
        </View>
      ) : null}
    </View>
  );
}
