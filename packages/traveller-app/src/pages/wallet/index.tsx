import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { describeError, MyTicketsDocument, type TicketCardFragment } from '@deeptravel/client';
import { gql } from '../../api/client';
import { cacheGet, cachePut, isOfflineError } from '../../api/offline';
import { TabBar } from '../../components/tab-bar';
import { Btn, Card, Loading, Notice } from '../../components/ui';
import { useT } from '../../i18n';
import { dayLabel } from '../../lib/format';
import { useAsync } from '../../lib/use-async';
import { ROUTES, routeTo } from '../../routes';

/** Usable tickets first; the list and each ticket's last QR are kept on the device for use without signal. */
async function loadWallet(): Promise<{ tickets: TicketCardFragment[]; offline: boolean }> {
  try {
    const r = await gql(MyTicketsDocument, {});
    cachePut('wallet', r.myTickets);
    for (const tk of r.myTickets) {
      if (tk.qr) cachePut(`ticket.${tk.code}`, { title: tk.productName, payload: tk.qr.payload, refreshAt: tk.qr.refreshAt, ticket: tk, offline: false });
    }
    return { tickets: r.myTickets, offline: false };
  } catch (err) {
    const cached = cacheGet<TicketCardFragment[]>('wallet');
    if (isOfflineError(err) && cached) return { tickets: cached.value, offline: true };
    throw err;
  }
}

const ORDER = ['ACTIVE', 'CHANGING', 'REFUNDING', 'REDEEMED', 'CHANGED', 'REFUNDED', 'EXPIRED'];

/** The ticket wallet: every ticket, usable ones first, each opening its QR. */
export default function WalletPage() {
  const { t, lang } = useT();
  const { data, error, loading, reload } = useAsync(loadWallet, []);
  const tickets = [...(data?.tickets ?? [])].sort((a, b) => ORDER.indexOf(a.status) - ORDER.indexOf(b.status) || a.travelDate.localeCompare(b.travelDate));
  return (
    <View className='page page--tabs'>
      {data?.offline ? <Notice kind='warn' testId='wallet-offline'>{t('walletOffline')}</Notice> : null}
      {loading && !data ? <Loading text={t('loading')} /> : null}
      {error && !data ? (
        <View>
          <Notice>{describeError(error, lang)}</Notice>
          <Btn kind='secondary' onClick={() => void reload()}>{t('retry')}</Btn>
        </View>
      ) : null}
      {data && !tickets.length ? (
        <View>
          <Notice kind='info'>{t('walletEmpty')}</Notice>
          <Btn onClick={() => Taro.reLaunch({ url: ROUTES.search })}>{t('tabSearch')}</Btn>
        </View>
      ) : null}
      {tickets.map((tk) => (
        <Card key={tk.code}>
          <View className='list-item' data-testid={`wallet-${tk.code}`} onClick={() => Taro.navigateTo({ url: routeTo('ticket', { code: tk.code, orderId: tk.orderId }) })}>
            <Text className='list-item__main'>{tk.productName}</Text>
            <Text className='list-item__sub'>
              {tk.passengerName ?? t('shared')} · {dayLabel(tk.travelDate, lang)} · {t(`ticket_${tk.status}` as 'ticket_ACTIVE')}
            </Text>
          </View>
        </Card>
      ))}
      <TabBar active={ROUTES.wallet} />
    </View>
  );
}
