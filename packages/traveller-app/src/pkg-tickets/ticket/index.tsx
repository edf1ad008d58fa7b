import Taro, { useDidHide, useDidShow, useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { describeError, OrderDetailDocument, TicketByCodeDocument, type TicketCardFragment } from '@deeptravel/client';
import { useEffect, useRef, useState } from 'react';
import { client, gql, IS_WEAPP } from '../../api/client';
import { useOrderLive } from '../../api/live';
import { routeTo } from '../../routes';
import { cacheGet, cachePut, isOfflineError } from '../../api/offline';
import { walletNow, walletQrCode } from '../../api/wallet-qr';
import { QrImage } from '../../components/qr-image';
import { Btn, Card, Chip, Loading, Notice } from '../../components/ui';
import { useT } from '../../i18n';
import { dateTime, dayLabel, hhmm } from '../../lib/format';

interface Shown {
  title: string;
  payload: string | null;
  refreshAt: string | null;
  ticket: TicketCardFragment | null;
  /** The order QR's offline material (a ticket's is `ticket.offlineQr`). */
  orderOfflineQr?: { base: string; secret: string } | null;
  offline: boolean;
}

/**
 * The offline material of what is shown: the code is computed from it on the device, online or not.
 * None for a ticket no longer ACTIVE (used up, refunded, changed), even if an older copy had some.
 */
function materialOf(s: Shown): { base: string; secret: string } | null {
  if (s.ticket) return s.ticket.status === 'ACTIVE' ? (s.ticket.offlineQr ?? null) : null;
  return s.orderOfflineQr ?? null;
}

/** Loads what to show (a ticket, or the order's QR); falls back to the copy on the device without network. */
async function load(code: string | undefined, orderId: string | undefined, mode: 'ticket' | 'order'): Promise<Shown> {
  const key = mode === 'order' ? `orderqr.${orderId}` : `ticket.${code}`;
  try {
    let shown: Shown;
    if (mode === 'order') {
      const o = (await gql(OrderDetailDocument, { id: orderId! })).order;
      shown = { title: o.orderNo, payload: o.qr?.payload ?? null, refreshAt: o.qr?.refreshAt ?? null, ticket: null, orderOfflineQr: o.offlineQr, offline: false };
    } else {
      const tk = (await gql(TicketByCodeDocument, { code: code! })).ticket;
      shown = { title: tk.productName, payload: tk.qr?.payload ?? null, refreshAt: tk.qr?.refreshAt ?? null, ticket: tk, offline: false };
    }
    cachePut(key, shown);
    return shown;
  } catch (err) {
    const cached = cacheGet<Shown>(key);
    if (isOfflineError(err) && cached) return { ...cached.value, offline: true };
    throw err;
  }
}

/**
 * The ticket wallet's code: computed on the device from the ticket's offline material (signed static
 * part + rotating secret) by the server's clock, so it rotates every 30 s with or without network;
 * per-line use, the order QR.
 */
export default function TicketPage() {
  const { t, lang } = useT();
  const params = useRouter().params;
  const [mode, setMode] = useState<'ticket' | 'order'>(params.mode === 'order' ? 'order' : 'ticket');
  const [shown, setShown] = useState<Shown | null>(null);
  const [error, setError] = useState<unknown>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const visible = useRef(true);

  const [, setTick] = useState(0);
  const steps = useRef(0);

  const refresh = async () => {
    if (timer.current) clearTimeout(timer.current);
    try {
      const s = await load(params.code, params.orderId, mode);
      setShown(s);
      setError(null);
      schedule(s);
    } catch (err) {
      setError(err);
    }
  };

  /**
   * With offline material the code is recomputed on the device just after each step boundary (by the
   * server's clock), and the server is asked again every 4th step (every step while offline, to notice
   * the network coming back). Without it (an older cache), the next code is fetched before `refreshAt`.
   */
  const schedule = (s: Shown) => {
    if (timer.current) clearTimeout(timer.current);
    if (!visible.current) return;
    const local = walletQrCode(materialOf(s));
    if (local) {
      timer.current = setTimeout(() => {
        steps.current += 1;
        if (s.offline || steps.current % 4 === 0) void refresh();
        else {
          setTick((x) => x + 1);
          schedule(s);
        }
      }, Math.max(200, local.nextAt - walletNow() + 100));
      return;
    }
    const wait = s.offline || !s.refreshAt ? 15_000 : Math.max(1000, Date.parse(s.refreshAt) - client.serverNow() - 1500);
    if (s.payload || s.offline) timer.current = setTimeout(() => void refresh(), wait);
  };

  useEffect(() => {
    setShown(null);
    void refresh();
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [mode]);

  // On weapp the screen brightens while a code is shown, and goes back when the page is left.
  const brightness = useRef<number | null>(null);
  useDidShow(() => {
    visible.current = true;
    if (shown) void refresh();
    if (IS_WEAPP) {
      Taro.getScreenBrightness().then((r) => {
        brightness.current = r.value;
        return Taro.setScreenBrightness({ value: 1 });
      }).catch(() => undefined);
    }
  });
  useDidHide(() => {
    visible.current = false;
    if (timer.current) clearTimeout(timer.current);
    if (IS_WEAPP && brightness.current !== null) void Taro.setScreenBrightness({ value: brightness.current }).catch(() => undefined);
  });

  // Live: the order's updates carry this ticket's lines (each use, when and where) and status; a new
  // status (used up, refunded, changed) also means a new QR or none, so the code is fetched again.
  const followed = params.orderId ?? shown?.ticket?.orderId ?? null;
  useOrderLive(followed, (o) => {
    if (mode !== 'ticket') {
      if (o.qr?.payload !== shown?.payload) void refresh();
      return;
    }
    const next = o.tickets.find((x) => x.code === params.code);
    if (!next) return;
    setShown((s) => {
      if (!s?.ticket) return s;
      if (next.status !== s.ticket.status) void refresh();
      const offlineQr = next.status === 'ACTIVE' ? (next.offlineQr ?? s.ticket.offlineQr) : null;
      const updated = { ...s, ticket: { ...s.ticket, ...next, qr: next.status === 'ACTIVE' ? s.ticket.qr : null, offlineQr } };
      cachePut(`ticket.${params.code}`, updated);
      return updated;
    });
  });

  if (!shown && !error) return <View className='page'><Loading text={t('loading')} /></View>;
  if (!shown) return <View className='page'><Notice>{describeError(error, lang)}</Notice><Btn kind='secondary' onClick={() => void refresh()}>{t('retry')}</Btn></View>;
  const tk = shown.ticket;
  // A pass with some lines used and some left is "部分已使用", not "待使用" (its lines below say which).
  const partlyUsed = tk?.status === 'ACTIVE' && tk.lines.some((l) => l.usesLeft < l.usesTotal);
  const statusText = tk ? (partlyUsed ? t('ticketPartlyUsed') : t(`ticket_${tk.status}` as 'ticket_ACTIVE')) : '';
  // The code for this moment, from the device (the server's last payload only without offline material).
  const local = walletQrCode(materialOf(shown));
  const payload = local?.payload ?? (tk && tk.status !== 'ACTIVE' ? null : shown.payload);

  return (
    <View className='page'>
      {params.orderId && params.code ? (
        <View className='switch'>
          <Chip active={mode === 'ticket'} onClick={() => setMode('ticket')}>{t('ticketQr')}</Chip>
          <Chip active={mode === 'order'} onClick={() => setMode('order')} testId='order-qr-switch'>{t('orderQr')}</Chip>
        </View>
      ) : null}
      <Card className='ticket-head'>
        <Text className='offer__name'>{shown.title}</Text>
        {tk ? (
          <Text className='muted'>
            {tk.passengerName ?? t('shared')} · {t((tk.passengerType ?? 'ADULT') as 'ADULT')} · {dayLabel(tk.travelDate, lang)}
          </Text>
        ) : null}
        {shown.offline ? <Notice kind='warn' testId='qr-offline'>{t(local ? 'qrOfflineLive' : 'qrOffline')}</Notice> : null}
        {payload ? (
          <View data-testid='qr' data-payload={payload} data-local={local ? '1' : '0'}>
            <QrImage payload={payload} />
            <Text className='hint'>{t('qrHint')}</Text>
          </View>
        ) : (
          <Notice kind='info'>{statusText} {t('qrUnavailable')}</Notice>
        )}
        {tk ? <Text className='hint' data-testid='ticket-status'>{statusText} · {t('validUntil', { time: dateTime(tk.validUntil) })} · {tk.code}</Text> : null}
      </Card>
      {tk?.lines.length ? (
        <Card title={t('usage')} className='ticket-lines'>
          {tk.lines.map((l) => {
            const used = l.usesTotal - l.usesLeft;
            // "轮渡 · 已使用 09:12 · 蛇口码头" / "巴士 · 待使用"; a line of several uses also counts them.
            const when = l.lastUsedAt ? (l.lastUsedPlace ? t('lineUsedAtPlace', { time: hhmm(l.lastUsedAt), place: l.lastUsedPlace }) : t('lineUsedAt', { time: hhmm(l.lastUsedAt) })) : null;
            const state = used === 0 ? t('toUse') : l.usesTotal > 1 ? `${t('usedOf', { used, total: l.usesTotal })}${when ? ` · ${when}` : ''}` : when ?? t('usedUp');
            return (
              <View key={l.id} className='line-use' data-testid={`line-${l.id}`}>
                <View>
                  <Text className='line-use__name'>{l.name}</Text>
                  <Text className='trip-pick__sub'>{l.merchantName}</Text>
                </View>
                <Text className={`line-use__state ${used > 0 ? 'line-use__state--used' : ''}`}>{state}</Text>
              </View>
            );
          })}
        </Card>
      ) : null}
      {tk?.changeable && params.orderId ? (
        <Btn kind='secondary' onClick={() => Taro.navigateTo({ url: routeTo('change', { code: tk.code, orderId: params.orderId }) })} testId='ticket-change'>
          {t('changeTicket')}
        </Btn>
      ) : null}
    </View>
  );
}
