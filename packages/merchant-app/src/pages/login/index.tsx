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
import { t, useLang } from '../../lib/i18n';

/** Staff log in on this terminal with their own username and password (the terminal key is the device's). */
export default function LoginPage() {
  const device = useStore(deviceStore);
  const reason = useRouter().params.reason;
  const lang = useLang();
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
    const r = await Taro.showModal({
      title: t('解绑设备', 'Remove this device'),
      content: t('解绑后需要新的激活码才能再次使用本设备。确定？', 'This device will need a new enrolment code to be used again. Remove it?'),
      confirmText: t('确定', 'OK'), cancelText: t('取消', 'Cancel'),
    });
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
      <Card title={t(`登录终端 ${device.terminalCode}`, `Log in on ${device.terminalCode}`)}>
        {reason ? <Notice kind='warn' testId='login-reason'>{errorMessage(reason, lang)}</Notice> : null}
        <Text className='label'>{t('员工账号', 'Username')}</Text>
        <Input className='input' value={username} data-testid='login-username' placeholder={t('如 turbojet-staff', 'e.g. turbojet-staff')} onInput={(e) => setUsername(e.detail.value)} />
        <Text className='label'>{t('密码', 'Password')}</Text>
        <Input className='input' value={password} password data-testid='login-password' onInput={(e) => setPassword(e.detail.value)} onConfirm={() => void login()} />
        {error ? <Notice testId='login-error'>{describeError(error, lang)}</Notice> : null}
        <Btn testId='login-submit' disabled={busy || !username.trim() || !password} onClick={() => void login()}>{busy ? t('正在登录…', 'Logging in…') : t('登录', 'Log in')}</Btn>
      </Card>
      <View className='pad'>
        <Btn kind='secondary' small onClick={() => void forget()}>{t('解绑本设备', 'Remove this device')}</Btn>
      </View>
    </View>
  );
}
