import { Text, View } from '@tarojs/components';
import { useMemo, useState } from 'react';
import type { LineOutcome } from '../api/scan';
import { dateTimeHk } from '../lib/format';
import { t, t as tr } from '../lib/i18n';
import { passengerWords, reasonWords, type ResultLine, type ResultTicket, type ScanView } from '../lib/verdict';
import { Btn } from './ui';

/** The state of one line in words (with when and where it was used). */
function lineState(l: ResultLine, outcome: LineOutcome | undefined, departureAt: string | null): { text: string; cls: string } {
  if (outcome) return { text: outcome.message, cls: outcome.ok ? 'done' : 'no' };
  if (!l.own) return { text: t(`由「${l.merchantName}」核销`, `Redeemed by ${l.merchantName}`), cls: 'other' };
  const uses = l.usesTotal && l.usesTotal > 1 ? t(`（剩 ${l.usesLeft}/${l.usesTotal} 次）`, ` (${l.usesLeft}/${l.usesTotal} left)`) : '';
  if (l.redeemable) return { text: `${t('可核销', 'Can redeem')}${uses}`, cls: 'ok' };
  if (l.reason === 'ALREADY_REDEEMED') {
    const terminal = l.lastRedeemedTerminal ?? t('本机', 'this terminal');
    const where = l.lastRedeemedAt ? t(`：${dateTimeHk(l.lastRedeemedAt)} 在 ${terminal}`, `: ${dateTimeHk(l.lastRedeemedAt)} on ${terminal}`) : '';
    return { text: `${t('已使用', 'Already used')}${where}`, cls: 'used' };
  }
  return { text: reasonWords(l.reason, departureAt), cls: 'no' };
}

/** The box in front of a line: tickable (empty or ticked), done, used, refused, or another merchant's. */
function mark(can: boolean, on: boolean, cls: string): 'on' | 'off' | 'done' | 'used' | 'no' | 'other' {
  if (can) return on ? 'on' : 'off';
  return cls === 'done' ? 'done' : cls === 'used' ? 'used' : cls === 'other' ? 'other' : 'no';
}
const MARKS = { on: '✓', off: '', done: '✓', used: '!', no: '✕', other: '–' } as const;

function TicketBlock({ t, picked, toggle, outcomes }: { t: ResultTicket; picked: Set<string>; toggle: (k: string) => void; outcomes: Map<string, LineOutcome> }) {
  const type = t.passengerType ?? (t.shared ? 'SHARED' : null);
  return (
    <View className='ticket' data-testid={`ticket-${t.code}`}>
      <View className='ticket__head'>
        <Text className='ticket__name'>{t.passengerName ?? (t.shared ? tr('全单共用', 'Whole order') : '—')}</Text>
        {type ? <Text className={`ticket__type ticket__type--${type}`}>{type === 'SHARED' ? tr('共用', 'Shared') : passengerWords(type)}</Text> : null}
      </View>
      <Text className='ticket__product'>{t.productName} · {t.code}</Text>
      {t.lines.map((l) => {
        const key = `${t.id}:${l.id}`;
        const outcome = outcomes.get(key);
        const can = l.own && l.redeemable && !outcome;
        const on = can && picked.has(key);
        const st = lineState(l, outcome, t.departureAt);
        return (
          <View key={l.id} className='line' data-testid={`line-${l.name}`} onClick={() => can && toggle(key)}>
            <View className={`line__check line__check--${mark(can, on, st.cls)}`}>{MARKS[mark(can, on, st.cls)]}</View>
            <View className='line__body'>
              <Text className='line__name'>{l.name}</Text>
              <Text className={`line__state line__state--${st.cls}`}>{st.text}</Text>
            </View>
          </View>
        );
      })}
    </View>
  );
}

/**
 * The result of a scan, filling the screen: green (something to redeem), yellow (already used, when
 * and where) or red (the reason in words); a child or senior ticket says so in a big banner. Staff
 * tick the lines (all redeemable ones are ticked at first) and confirm once.
 */
export function ResultView({ view, onRedeem, busy, outcomes, onNext }: {
  view: ScanView;
  onRedeem: (picks: Array<{ ticketId: string; lineId: string }>) => void;
  busy?: boolean;
  outcomes?: LineOutcome[];
  onNext: () => void;
}) {
  const redeemable = useMemo(
    () => view.tickets.flatMap((t) => t.lines.filter((l) => l.own && l.redeemable).map((l) => `${t.id}:${l.id}`)),
    [view],
  );
  const [picked, setPicked] = useState<Set<string>>(() => new Set(redeemable));
  const done = new Map((outcomes ?? []).map((o) => [`${o.ticketId}:${o.lineId}`, o]));
  const open = redeemable.filter((k) => !done.has(k));
  const chosen = open.filter((k) => picked.has(k));
  const toggle = (k: string) => setPicked((p) => {
    const n = new Set(p);
    if (n.has(k)) n.delete(k);
    else n.add(k);
    return n;
  });
  const toPicks = (keys: string[]) => keys.map((k) => ({ ticketId: k.split(':')[0], lineId: k.split(':')[1] }));
  const allDone = outcomes && outcomes.length > 0 && open.length === 0;
  const verdict = allDone ? (outcomes!.every((o) => o.ok) ? 'GREEN' : 'RED') : view.verdict;
  const title = allDone
    ? (outcomes!.every((o) => o.ok) ? (outcomes!.some((o) => o.queued) ? t('已离线核销', 'Redeemed offline') : t('核销成功', 'Redeemed')) : t('部分未核销', 'Partly refused'))
    : view.title;
  const doneCount = (outcomes ?? []).filter((o) => o.ok).length;
  const queued = (outcomes ?? []).some((o) => o.queued);

  return (
    <View className={`result result--${verdict}`} data-testid='result' data-verdict={verdict}>
      <Text className='result__title' data-testid='result-title'>{title}</Text>
      <Text className='result__detail' data-testid='result-detail'>
        {allDone
          ? t(`${doneCount} 项已核销${queued ? '，联网后自动上传' : ''}`, `${doneCount} redeemed${queued ? '; sent when the network returns' : ''}`)
          : view.detail}
      </Text>
      <Text className='result__source'>
        {view.source === 'offline' ? t('离线核验（按本机数据）', 'Checked offline (this terminal’s data)') : view.kind === 'ORDER' ? t(`订单码 · ${view.tickets.length} 张票`, `Order code · ${view.tickets.length} tickets`) : ''}
      </Text>
      {view.concessions.map((c) => (
        <Text key={c} className='concession' data-testid={`concession-${c}`}>{c === 'CHILD' ? t('⚠ 儿童票 请核对身高/年龄', '⚠ CHILD ticket: check height / age') : t('⚠ 长者票 请核对证件', '⚠ SENIOR ticket: check the ID')}</Text>
      ))}
      {view.tickets.map((t) => <TicketBlock key={t.id} t={t} picked={picked} toggle={toggle} outcomes={done} />)}
      {open.length ? (
        <View className='row-btns'>
          <Btn kind='go' testId='redeem-selected' disabled={busy || !chosen.length} onClick={() => onRedeem(toPicks(chosen))}>
            {t(`确认核销 ${chosen.length} 项`, `Redeem ${chosen.length}`)}
          </Btn>
          {open.length > 1 ? (
            <Btn kind='secondary' testId='redeem-all' disabled={busy} onClick={() => onRedeem(toPicks(open))}>{t(`全部 ${open.length} 项`, `All ${open.length}`)}</Btn>
          ) : null}
        </View>
      ) : null}
      <Btn kind='secondary' testId='next-scan' onClick={onNext}>{t('继续扫码', 'Next scan')}</Btn>
    </View>
  );
}
