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

const CONFLICT_WORDS: Record<string, string> = { ALREADY_REDEEMED: '同一项目在两台终端离线使用（按扫码时间先到者有效）' };

/** Managers: every terminal of the merchant, and offline conflicts to resolve with a note. */
export default function ManagePage() {
  const [terminals, setTerminals] = useState<MerchantTerminalListQuery['merchantTerminals']>([]);
  const [conflicts, setConflicts] = useState<MerchantConflictFragment[]>([]);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [enrolment, setEnrolment] = useState<MerchantCreateEnrolmentCodeMutation['createTerminalEnrolmentCode'] | null>(null);

  const load = async () => {
    try {
      const [t, c] = await Promise.all([gql(MerchantTerminalListDocument), gql(MerchantConflictsDocument, { status: 'OPEN' })]);
      setTerminals(t.merchantTerminals);
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
      {error ? <View className='pad'><Notice>{describeError(error)}</Notice></View> : null}
      <Card title={`离线冲突（待处理 ${conflicts.length}）`} testId='conflicts'>
        {conflicts.length ? conflicts.map((c) => (
          <View className='conflict' key={c.id} data-testid={`conflict-${c.id}`}>
            <Text className='entry__main'>{c.lineName} · {c.ticketCode}{c.passengerName ? ` · ${c.passengerName}` : ''}</Text>
            <Text className='hint'>{CONFLICT_WORDS[c.reason] ?? reasonWords(c.reason)}</Text>
            <Text className='hint'>本次：{dateTimeHk(c.scannedAt)} 在 {c.terminalCode}（{c.staffUsername}）</Text>
            {c.winnerAt ? <Text className='hint'>已计入：{dateTimeHk(c.winnerAt)} 在 {c.winnerTerminalCode}</Text> : null}
            <Input className='input input--note' placeholder='处理说明（必填）' value={notes[c.id] ?? ''} data-testid={`conflict-note-${c.id}`} onInput={(e) => setNotes((n) => ({ ...n, [c.id]: e.detail.value }))} />
            <Btn small testId={`conflict-resolve-${c.id}`} disabled={!(notes[c.id] ?? '').trim()} onClick={() => void resolve(c.id)}>标记已处理</Btn>
          </View>
        )) : <Text className='muted' data-testid='no-conflicts'>没有待处理的冲突</Text>}
      </Card>
      <Card title='本商户终端'>
        {terminals.map((t) => (
          <View className='count' key={t.id}>
            <Text style={{ flex: 1 }}>{t.code}</Text>
            <Text className={`pill ${t.enabled ? 'pill--online' : 'pill--bad'}`}>{t.enabled ? '启用' : '已停用'}</Text>
            {t.enabled ? <Text className='link' data-testid={`enrol-code-${t.code}`} onClick={() => void makeCode(t.id)}>激活码</Text> : null}
          </View>
        ))}
        {enrolment ? (
          <View data-testid='enrolment-code'>
            <Text className='hint'>在新设备上输入或扫描（{enrolment.terminalCode}，{dateTimeHk(enrolment.expiresAt)} 前有效，只能用一次）：</Text>
            <Text className='big-code'>{enrolment.code}</Text>
            <QrImage payload={enrolment.qrPayload} />
          </View>
        ) : null}
      </Card>
    </View>
  );
}
