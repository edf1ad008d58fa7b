import Taro, { useRouter } from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import { describeError, errorMessage, MerchantStaffLoginDocument } from '@deeptravel/client';
import { useEffect, useState } from 'react';
import { client } from '../../api/client';
import { deviceStore, setDevice, setSession } from '../../api/device';
import { clearOffline, offlineStore } from '../../api/offline';
import { Btn, Card, Notice } from '../../components/ui';
import { StatusBar } from '../../components/status-bar';
import { useStore } from '../../lib/store';
import { ROUTES } from '../../routes';

/** Staff log in on this terminal with their own username and password (the terminal key is the device's). */
export default function LoginPage() {
  const device = useStore(deviceStore);
  const reason = useRouter().params.reason;
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (!device) void Taro.reLaunch({ url: ROUTES.enrol });
  }, [device]);

  const login = async () => {
    if (!device || busy) return;
    setBusy(true);
    setError(null);
    try {
      const s = (await client.request(MerchantStaffLoginDocument, {
        input: { terminalCode: device.terminalCode, terminalKey: device.terminalKey, username: username.trim(), password },
      })).staffLogin;
      // Another merchant's data never stays on the device.
      const held = offlineStore.get().state;
      if (held && String(held.merchantId) !== String(s.staff.merchantId)) clearOffline();
      setSession({ token: s.token, expiresAt: Date.parse(s.expiresAt), staff: s.staff });
      setPassword('');
      await Taro.reLaunch({ url: ROUTES.scan });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const forget = async () => {
    const r = await Taro.showModal({ title: '解绑设备', content: '解绑后需要新的激活码才能再次使用本设备。确定？' });
    if (!r.confirm) return;
    setSession(null);
    clearOffline();
    setDevice(null);
    await Taro.reLaunch({ url: ROUTES.enrol });
  };

  if (!device) return <View className='page' />;
  return (
    <View className='page'>
      <StatusBar />
      <Card title={`登录终端 ${device.terminalCode}`}>
        {reason ? <Notice kind='warn' testId='login-reason'>{errorMessage(reason)}</Notice> : null}
        <Text className='label'>员工账号</Text>
        <Input className='input' value={username} data-testid='login-username' placeholder='如 turbojet-staff' onInput={(e) => setUsername(e.detail.value)} />
        <Text className='label'>密码</Text>
        <Input className='input' value={password} password data-testid='login-password' onInput={(e) => setPassword(e.detail.value)} onConfirm={() => void login()} />
        {error ? <Notice testId='login-error'>{describeError(error)}</Notice> : null}
        <Btn testId='login-submit' disabled={busy || !username.trim() || !password} onClick={() => void login()}>{busy ? '正在登录…' : '登录'}</Btn>
      </Card>
      <View className='pad'>
        <Btn kind='secondary' small onClick={() => void forget()}>解绑本设备</Btn>
      </View>
    </View>
  );
}
