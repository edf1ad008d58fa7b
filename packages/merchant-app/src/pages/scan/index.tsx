import Taro, { useDidHide, useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { describeError } from '@deeptravel/client';
import { useEffect, useRef, useState } from 'react';
import { deviceStore, sessionStore, setSession } from '../../api/device';
import { boardsDepartures, chooseDeparture, departureStore, followDeparture, refreshDeparture, stopFollowing } from '../../api/departures';
import { DepartureBar, DeparturePicker } from '../../components/departure-picker';
import { t, useLang } from '../../lib/i18n';
import { offlineStore } from '../../api/offline';
import { redeemLines, scanInput, type LineOutcome } from '../../api/scan';
import { CameraScanner } from '../../components/camera-scanner';
import { ResultView } from '../../components/result-view';
import { StatusBar } from '../../components/status-bar';
import { Btn, Card, Notice } from '../../components/ui';
import { WedgeInput } from '../../components/wedge-input';
import { keepScreenOn, signal } from '../../lib/feedback';
import { useStore } from '../../lib/store';
import type { ScanView } from '../../lib/verdict';
import { ROUTES } from '../../routes';

/**
 * The gate: scan (camera, scanner or typed code), see the verdict filling the screen, tick lines and
 * confirm once. Works offline from the bundle when the network is gone.
 */
export default function ScanPage() {
  const device = useStore(deviceStore);
  const session = useStore(sessionStore);
  const off = useStore(offlineStore);
  const lang = useLang();
  const dep = useStore(departureStore);
  const boarding = boardsDepartures(session);
  const [picking, setPicking] = useState(false);
  const [view, setView] = useState<ScanView | null>(null);
  const [outcomes, setOutcomes] = useState<LineOutcome[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const scanning = useRef(false);

  useEffect(() => {
    if (!device) void Taro.reLaunch({ url: ROUTES.enrol });
    else if (!session) void Taro.reLaunch({ url: ROUTES.login });
  }, [device, session]);
  useDidShow(() => void keepScreenOn(true));
  useDidHide(() => void keepScreenOn(false));
  // A ferry or bus gate follows its departure's count live while this page is open.
  const chosenId = dep.chosen ? String(dep.chosen.tripId) : null;
  useEffect(() => {
    if (!boarding || !chosenId || !session) return undefined;
    followDeparture(chosenId);
    void refreshDeparture();
    return () => stopFollowing();
  }, [boarding, chosenId, session?.token]);

  const onScan = async (text: string) => {
    if (scanning.current) return;
    scanning.current = true;
    setBusy(true);
    setError(null);
    try {
      const v = await scanInput(text);
      setOutcomes([]);
      setView(v);
      signal(v.verdict);
    } catch (err) {
      setError(err);
    } finally {
      scanning.current = false;
      setBusy(false);
    }
  };

  const onRedeem = async (picks: Array<{ ticketId: string; lineId: string }>) => {
    if (!view || !picks.length) return;
    const names = picks.map((p) => view.tickets.find((t) => t.id === p.ticketId)?.lines.find((l) => l.id === p.lineId)?.name ?? '').join('、');
    const ok = await Taro.showModal({
      title: t(`确认核销 ${picks.length} 项？`, `Redeem ${picks.length} item${picks.length === 1 ? '' : 's'}?`), content: names,
      confirmText: t('确认核销', 'Redeem'), cancelText: t('取消', 'Cancel'),
    });
    if (!ok.confirm) return;
    setBusy(true);
    try {
      const res = await redeemLines(view, picks);
      setOutcomes((o) => [...o, ...res]);
      signal(res.every((r) => r.ok) ? 'GREEN' : 'RED');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const logout = async () => {
    const waiting = offlineStore.get().queue.length;
    const r = await Taro.showModal({
      title: t('退出登录', 'Log out'),
      content: waiting
        ? t(`还有 ${waiting} 项离线核销待上传，下次登录后会自动上传。确定退出？`, `${waiting} offline redemptions wait to be sent; they are sent after the next login. Log out?`)
        : t('确定退出登录？', 'Log out now?'),
      confirmText: t('确定', 'OK'), cancelText: t('取消', 'Cancel'),
    });
    if (!r.confirm) return;
    // The next shift picks its own departure.
    chooseDeparture(null);
    setSession(null);
    await Taro.reLaunch({ url: ROUTES.login });
  };

  if (!device || !session) return <View className='page' />;
  if (boarding && picking) {
    return (
      <View className='page' data-lang={lang}>
        <StatusBar nav />
        <DeparturePicker onPicked={() => setPicking(false)} />
        <View className='pad'>
          {dep.chosen ? (
            <Btn kind='secondary' small testId='departure-clear' onClick={() => { chooseDeparture(null); setPicking(false); }}>
              {t('不按班次核对', 'Do not check the departure')}
            </Btn>
          ) : null}
          <Btn kind='secondary' small testId='departure-back' onClick={() => setPicking(false)}>{t('返回扫码', 'Back to scanning')}</Btn>
        </View>
      </View>
    );
  }
  return (
    <View className='page' data-lang={lang}>
      <StatusBar nav />
      {boarding ? <DepartureBar onChange={() => setPicking(true)} /> : null}
      <View className='scan-box' data-testid='scan-box'>
        <WedgeInput onScan={(t) => void onScan(t)} disabled={busy} />
        <CameraScanner onScan={(t) => void onScan(t)} paused={busy} />
        {error ? <Notice testId='scan-error'>{describeError(error, lang)}</Notice> : null}
        {off.state?.truncated ? (
          <Notice kind='warn'>{t('离线数据不完整（票太多），离线时部分票只能联网核验。', 'The offline data is incomplete (too many tickets): some tickets can only be checked online.')}</Notice>
        ) : null}
      </View>
      {view ? (
        <ResultView key={view.at} view={view} outcomes={outcomes} busy={busy} onRedeem={(p) => void onRedeem(p)} onNext={() => setView(null)} />
      ) : null}
      <Card>
        <Text className='muted'>
          {session.staff.merchantName} · {t('今天和明天的票可离线核验；网络断开时自动切换，恢复后自动上传。', "Today's and tomorrow's tickets can be checked offline; the app switches by itself when the network drops and sends what it did when it returns.")}
        </Text>
        <Btn kind='secondary' small testId='logout' onClick={() => void logout()}>{t('退出登录', 'Log out')}（{session.staff.username}）</Btn>
      </Card>
    </View>
  );
}
