import Taro, { useDidHide, useDidShow, useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { describeError, OrderDetailDocument, TicketByCodeDocument, type TicketCardFragment } from '@deeptravel/client';
import { useEffect, useRef, useState } from 'react';
import { client, gql, IS_WEAPP } from '../../api/client';
import { cacheGet, cachePut, isOfflineError } from '../../api/offline';
import { QrImage } from '../../components/qr-image';
import { Btn, Card, Chip, Loading, Notice, Row } from '../../components/ui';
import { useT } from '../../i18n';
import { dateTime, dayLabel } from '../../lib/format';

interface Shown {
  title: string;
  payload: string | null;
  refreshAt: string | null;
  ticket: TicketCardFragment | null;
  offline: boolean;
}

/** Loads what to show (a ticket, or the order's QR); falls back to the copy on the device without network. */
async function load(code: string | undefined, orderId: string | undefined, mode: 'ticket' | 'order'): Promise<Shown> {
  const key = mode === 'order' ? `orderqr.${orderId}` : `ticket.${code}`;
  try {
    let shown: Shown;
    if (mode === 'order') {
      const o = (await gql(OrderDetailDocument, { id: orderId! })).order;
      shown = { title: o.orderNo, payload: o.qr?.payload ?? null, refreshAt: o.qr?.refreshAt ?? null, ticket: null, offline: false };
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

/** The ticket wallet's code: the QR refreshed before its rotating part changes, per-line use, the order QR; works offline. */
export default function TicketPage() {
  const { t, lang } = useT();
  const params = useRouter().params;
  const [mode, setMode] = useState<'ticket' | 'order'>(params.mode === 'order' ? 'order' : 'ticket');
  const [shown, setShown] = useState<Shown | null>(null);
  const [error, setError] = useState<unknown>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const visible = useRef(true);

  const refresh = async () => {
    if (timer.current) clearTimeout(timer.current);
    try {
      const s = await load(params.code, params.orderId, mode);
      setShown(s);
      setError(null);
      // Fetch the next code just before the rotating part changes (by the server's clock); offline, try again in 15 s.
      const wait = s.offline || !s.refreshAt ? 15_000 : Math.max(1000, Date.parse(s.refreshAt) - client.serverNow() - 1500);
      if (visible.current && (s.payload || s.offline)) timer.current = setTimeout(() => void refresh(), wait);
    } catch (err) {
      setError(err);
    }
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

  if (!shown && !error) return <View className='page'><Loading text={t('loading')} /></View>;
  if (!shown) return <View className='page'><Notice>{describeError(error, lang)}</Notice><Btn kind='secondary' onClick={() => void refresh()}>{t('retry')}</Btn></View>;
  const tk = shown.ticket;

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
        {shown.offline ? <Notice kind='warn' testId='qr-offline'>{t('qrOffline')}</Notice> : null}
        {shown.payload ? (
          <View data-testid='qr' data-payload={shown.payload}>
            <QrImage payload={shown.payload} />
            <Text className='hint'>{t('qrHint')}</Text>
          </View>
        ) : (
          <Notice kind='info'>{tk ? t(`ticket_${tk.status}` as 'ticket_ACTIVE') : ''} {t('qrUnavailable')}</Notice>
        )}
        {tk ? <Text className='hint'>{t(`ticket_${tk.status}` as 'ticket_ACTIVE')} · {t('validUntil', { time: dateTime(tk.validUntil) })} · {tk.code}</Text> : null}
      </Card>
      {tk?.lines.length ? (
        <Card title={t('usage')} className='ticket-lines'>
          {tk.lines.map((l) => {
            const used = l.usesTotal - l.usesLeft;
            return (
              <Row
                key={l.id}
                label={`${l.name} · ${l.merchantName}`}
                value={l.usesLeft === 0 ? t('usedUp') : used > 0 ? t('usedOf', { used, total: l.usesTotal }) : t('toUse')}
              />
            );
          })}
        </Card>
      ) : null}
    </View>
  );
}
