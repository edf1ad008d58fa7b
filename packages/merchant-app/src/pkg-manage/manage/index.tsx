import { useDidShow } from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import {
  describeError, MerchantConflictsDocument, MerchantCreateEnrolmentCodeDocument, type MerchantCreateEnrolmentCodeMutation, MerchantResolveConflictDocument, MerchantTerminalListDocument,
  type MerchantConflictFragment, type MerchantTerminalListQuery,
} from '@deeptravel/client';
import { useState } from 'react';
import { gql } from '../../api/client';
import { QrImage } from '../../components/qr-image';
import { StatusBar } from '../../components/status-bar';
import { Btn, Card, Notice } from '../../components/ui';
import { dateTimeHk } from '../../lib/format';
import { reasonWords } from '../../lib/verdict';
import { t, useLang } from '../../lib/i18n';

const conflictWords = (reason: string) =>
  reason === 'ALREADY_REDEEMED'
    ? t('同一项目在两台终端离线使用（按扫码时间先到者有效）', 'The same item was used offline on two terminals (the earlier scan counts)')
    : reasonWords(reason);

/** Managers: every terminal of the merchant, and offline conflicts to resolve with a note. */
export default function ManagePage() {
  const lang = useLang();
  const [terminals, setTerminals] = useState<MerchantTerminalListQuery['merchantTerminals']>([]);
  const [conflicts, setConflicts] = useState<MerchantConflictFragment[]>([]);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [enrolment, setEnrolment] = useState<MerchantCreateEnrolmentCodeMutation['createTerminalEnrolmentCode'] | null>(null);

  const load = async () => {
    try {
      const [list, c] = await Promise.all([gql(MerchantTerminalListDocument), gql(MerchantConflictsDocument, { status: 'OPEN' })]);
      setTerminals(list.merchantTerminals);
      setConflicts(c.redemptionConflicts);
      setError(null);
    } catch (err) {
      setError(err);
    }
  };
  useDidShow(() => void load());

  const resolve = async (id: string) => {
    try {
      await gql(MerchantResolveConflictDocument, { id, note: notes[id] ?? '' });
      await load();
    } catch (err) {
      setError(err);
    }
  };

  const makeCode = async (terminalId: string) => {
    try {
      setEnrolment((await gql(MerchantCreateEnrolmentCodeDocument, { terminalId })).createTerminalEnrolmentCode);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <View className='page'>
      <StatusBar nav />
      {error ? <View className='pad'><Notice>{describeError(error, lang)}</Notice></View> : null}
      <Card title={t(`离线冲突（待处理 ${conflicts.length}）`, `Offline conflicts (${conflicts.length} open)`)} testId='conflicts'>
        {conflicts.length ? conflicts.map((c) => (
          <View className='conflict' key={c.id} data-testid={`conflict-${c.id}`}>
            <Text className='entry__main'>{c.lineName} · {c.ticketCode}{c.passengerName ? ` · ${c.passengerName}` : ''}</Text>
            <Text className='hint'>{conflictWords(c.reason)}</Text>
            <Text className='hint'>{t(`本次：${dateTimeHk(c.scannedAt)} 在 ${c.terminalCode}（${c.staffUsername}）`, `This scan: ${dateTimeHk(c.scannedAt)} on ${c.terminalCode} (${c.staffUsername})`)}</Text>
            {c.winnerAt ? <Text className='hint'>{t(`已计入：${dateTimeHk(c.winnerAt)} 在 ${c.winnerTerminalCode}`, `Counted: ${dateTimeHk(c.winnerAt)} on ${c.winnerTerminalCode}`)}</Text> : null}
            <Input className='input input--note' placeholder={t('处理说明（必填）', 'Note (required)')} value={notes[c.id] ?? ''} data-testid={`conflict-note-${c.id}`} onInput={(e) => setNotes((n) => ({ ...n, [c.id]: e.detail.value }))} />
            <Btn small testId={`conflict-resolve-${c.id}`} disabled={!(notes[c.id] ?? '').trim()} onClick={() => void resolve(c.id)}>{t('标记已处理', 'Mark resolved')}</Btn>
          </View>
        )) : <Text className='muted' data-testid='no-conflicts'>{t('没有待处理的冲突', 'No open conflicts')}</Text>}
      </Card>
      <Card title={t('本商户终端', 'Terminals of this merchant')}>
        {terminals.map((term) => (
          <View className='count' key={term.id}>
            <Text style={{ flex: 1 }}>{term.code}</Text>
            <Text className={`pill ${term.enabled ? 'pill--online' : 'pill--bad'}`}>{term.enabled ? t('启用', 'Enabled') : t('已停用', 'Disabled')}</Text>
            {term.enabled ? <Text className='link' data-testid={`enrol-code-${term.code}`} onClick={() => void makeCode(term.id)}>{t('激活码', 'Enrolment code')}</Text> : null}
          </View>
        ))}
        {enrolment ? (
          <View data-testid='enrolment-code'>
            <Text className='hint'>
              {t(`在新设备上输入或扫描（${enrolment.terminalCode}，${dateTimeHk(enrolment.expiresAt)} 前有效，只能用一次）：`,
                `Type or scan on the new device (${enrolment.terminalCode}, valid until ${dateTimeHk(enrolment.expiresAt)}, once):`)}
            </Text>
            <Text className='big-code'>{enrolment.code}</Text>
            <QrImage payload={enrolment.qrPayload} />
          </View>
        ) : null}
      </Card>
    </View>
  );
}
