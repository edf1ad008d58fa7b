import Taro, { useDidHide, useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { describeError, MerchantRedemptionLogsCsvDocument } from '@deeptravel/client';
import { useState } from 'react';
import { gql, IS_WEAPP, serverNow } from '../../api/client';
import { sessionStore } from '../../api/device';
import { countsOf, liveStore, startLive, stopLive } from '../../api/live';
import { StatusBar } from '../../components/status-bar';
import { Btn, Card, Notice } from '../../components/ui';
import { dayHk, startOfDayHk, timeHk } from '../../lib/format';
import { useStore } from '../../lib/store';
import { t, useLang } from '../../lib/i18n';

const STATUS_WORDS: Record<string, [string, string]> = {
  connecting: ['连接中…', 'Connecting…'], live: ['● 实时', '● Live'], reconnecting: ['重连中…（恢复后自动补齐）', 'Reconnecting… (catches up after)'], stopped: ['已停止', 'Stopped'],
};
const KIND_WORDS: Record<string, [string, string]> = { 产品: ['产品', 'Product'], 项目: ['项目', 'Item'], 终端: ['终端', 'Terminal'] };

/** Today's redemptions, live (graphql-ws, reconnect with back-off, catch-up from the log), counts and CSV. */
export default function LogPage() {
  const session = useStore(sessionStore);
  const live = useStore(liveStore);
  const lang = useLang();
  const [error, setError] = useState<unknown>(null);
  const [exported, setExported] = useState<string | null>(null);

  useDidShow(() => startLive(null));
  useDidHide(() => stopLive());

  const exportCsv = async () => {
    setError(null);
    try {
      const csv = (await gql(MerchantRedemptionLogsCsvDocument, { filter: { from: startOfDayHk(serverNow()).toISOString() } })).redemptionLogsCsv;
      const name = `核销记录-${session?.staff.terminalCode ?? ''}-${dayHk(serverNow())}.csv`;
      if (IS_WEAPP) {
        // The mini-program cannot save a file for a spreadsheet: the text goes to the clipboard.
        await Taro.setClipboardData({ data: csv });
        setExported(t('已复制到剪贴板（CSV）', 'Copied to the clipboard (CSV)'));
        return;
      }
      const blob = new Blob([csv], { type: 'text/csv;charset=utf-8' });
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
      setExported(t(`已导出 ${name}`, `Exported ${name}`));
    } catch (err) {
      setError(err);
    }
  };

  const counts = countsOf(live.entries);
  return (
    <View className='page'>
      <StatusBar nav />
      <Card
        title={session?.staff.role === 'MANAGER'
          ? t('今日核销（全部终端）', "Today's redemptions (all terminals)")
          : t(`今日核销（${session?.staff.terminalCode ?? ''}）`, `Today's redemptions (${session?.staff.terminalCode ?? ''})`)}
        testId='live-card'
      >
        <Text className={`pill ${live.status === 'live' ? 'pill--online' : 'pill--offline'}`} data-testid='live-status'>{t(...STATUS_WORDS[live.status])}</Text>
        <Text className='total' data-testid='live-total'>{counts.total}</Text>
        {live.error ? <Notice>{live.error}</Notice> : null}
        <View className='row-btns'>
          <Btn kind='secondary' small testId='export-csv' onClick={() => void exportCsv()}>{t('导出 CSV（对账）', 'Export CSV (reconciliation)')}</Btn>
        </View>
        {exported ? <Notice kind='success' testId='export-done'>{exported}</Notice> : null}
        {error ? <Notice>{describeError(error, lang)}</Notice> : null}
      </Card>
      <Card title={t('按产品 / 项目 / 终端', 'By product / item / terminal')}>
        {[...counts.byProduct.map(([k, n]) => ['产品', k, n] as const), ...counts.byLine.map(([k, n]) => ['项目', k, n] as const), ...counts.byTerminal.map(([k, n]) => ['终端', k, n] as const)].map(([kind, k, n]) => (
          <View className='count' key={`${kind}${k}`} data-testid={`count-${kind}-${k}`}>
            <Text>{t(...(KIND_WORDS[kind] ?? [kind, kind]))} · {k}</Text>
            <Text className='count__n'>{n}</Text>
          </View>
        ))}
      </Card>
      <Card title={t('明细', 'Entries')}>
        {live.entries.length ? live.entries.slice(0, 200).map((e) => (
          <View className={`entry ${e.fresh ? 'entry--fresh' : ''}`} key={e.id} data-testid={`entry-${e.id}`}>
            <View>
              <Text className='entry__main'>{e.lineName}</Text>
              <Text className='hint'>{e.ticketCode} · {e.productName}{e.passengerName ? ` · ${e.passengerName}` : ''}</Text>
            </View>
            <View>
              <Text className='entry__main'>{timeHk(e.at)}</Text>
              <Text className='hint'>{e.terminalCode}</Text>
            </View>
          </View>
        )) : <Text className='muted' data-testid='live-empty'>{t('今天还没有核销', 'No redemptions yet today')}</Text>}
      </Card>
    </View>
  );
}
