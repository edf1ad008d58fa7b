import Taro from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import { describeError, MerchantEnrolTerminalDocument } from '@deeptravel/client';
import { useState } from 'react';
import { client, IS_WEAPP } from '../../api/client';
import { setDevice, setSession } from '../../api/device';
import { clearOffline } from '../../api/offline';
import { Btn, Card, Notice } from '../../components/ui';
import { StatusBar } from '../../components/status-bar';
import { ROUTES } from '../../routes';
import { t, useLang } from '../../lib/i18n';

/**
 * Enrols this device as a terminal, once: the code (or its QR, DTE1.…) comes from an administrator
 * or the merchant's manager; the terminal key it returns is kept on the device, never shown.
 */
export default function EnrolPage() {
  const lang = useLang();
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const enrol = async (raw: string) => {
    if (!raw.trim() || busy) return;
    setBusy(true);
    setError(null);
    try {
      const e = (await client.request(MerchantEnrolTerminalDocument, { code: raw.trim() })).enrolTerminal;
      setSession(null);
      clearOffline();
      setDevice({ ...e, enrolledAt: Date.now() });
      await Taro.reLaunch({ url: ROUTES.login });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <View className='page'>
      <StatusBar />
      <Card title={t('激活本设备为核销终端', 'Enrol this device as a terminal')}>
        <Text className='hint'>
          {t('请店长或平台管理员在后台为本终端生成“激活码”（15 分钟内有效，只能用一次），然后输入或扫描。',
            'Ask your manager or an administrator for an enrolment code for this terminal (valid 15 minutes, once), then type or scan it.')}
        </Text>
        <Text className='label'>{t('激活码', 'Enrolment code')}</Text>
        <Input
          className='input'
          value={code}
          placeholder='XXXX-XXXX-XXXX'
          data-testid='enrol-code'
          onInput={(e) => setCode(e.detail.value)}
          onConfirm={(e) => void enrol(e?.detail?.value || code)}
        />
        {error ? <Notice testId='enrol-error'>{describeError(error, lang)}</Notice> : null}
        <Btn testId='enrol-submit' disabled={busy || !code.trim()} onClick={() => void enrol(code)}>{busy ? t('正在激活…', 'Enrolling…') : t('激活', 'Enrol')}</Btn>
        {IS_WEAPP ? (
          <Btn kind='secondary' onClick={() => {
            Taro.scanCode({ onlyFromCamera: true, scanType: ['qrCode'] }).then((r) => void enrol(r.result)).catch(() => undefined);
          }}>{t('扫描激活二维码', 'Scan the enrolment QR')}</Btn>
        ) : null}
      </Card>
    </View>
  );
}
