import Taro from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import { AddSavedPassengerDocument, DeleteSavedPassengerDocument, describeError, MySavedPassengersDocument, UpdateSavedPassengerDocument, type PassengerType } from '@deeptravel/client';
import { useState } from 'react';
import { gql } from '../../api/client';
import { Btn, Card, Chip, Loading, Notice } from '../../components/ui';
import { useT } from '../../i18n';
import { checkName, checkPhone } from '../../lib/validate';
import { useAsync } from '../../lib/use-async';

const TYPES: PassengerType[] = ['ADULT', 'CHILD', 'SENIOR'];

interface Draft {
  id: string | null;
  name: string;
  type: PassengerType;
  phone: string;
}

/** Saved passengers (常用旅客): name, type and an optional phone, shown masked. No identity documents. */
export default function PassengersPage() {
  const { t, lang } = useT();
  const list = useAsync(() => gql(MySavedPassengersDocument), []);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [error, setError] = useState<string | null>(null);
  const nameProblem = draft ? checkName(draft.name) : null;
  const phoneProblem = draft ? checkPhone(draft.phone) : null;

  const save = async () => {
    if (!draft || nameProblem || phoneProblem) return;
    setError(null);
    try {
      const input = { name: draft.name.trim(), type: draft.type, ...(draft.phone.trim() ? { phone: draft.phone.trim() } : draft.id ? {} : { phone: null }) };
      if (draft.id) await gql(UpdateSavedPassengerDocument, { id: draft.id, input });
      else await gql(AddSavedPassengerDocument, { input });
      setDraft(null);
      void list.reload();
    } catch (err) {
      setError(describeError(err, lang));
    }
  };
  const remove = async (id: string) => {
    const { confirm } = await Taro.showModal({ title: t('delete'), content: t('deleteConfirm'), confirmText: t('ok'), cancelText: t('cancel') });
    if (!confirm) return;
    try {
      await gql(DeleteSavedPassengerDocument, { id });
    } catch (err) {
      setError(describeError(err, lang));
    }
    void list.reload();
  };

  const saved = list.data?.mySavedPassengers ?? [];
  return (
    <View className='page'>
      {list.loading && !list.data ? <Loading text={t('loading')} /> : null}
      {error ? <Notice>{error}</Notice> : null}
      <Card title={t('savedPassengers')}>
        {list.data && !saved.length ? <Text className='hint'>{t('noSavedPassengers')}</Text> : null}
        {saved.map((p) => (
          <View key={p.id} className='list-item' data-testid={`saved-${p.name}`}>
            <Text className='list-item__main'>{p.name} · {t(p.passengerType)}</Text>
            <Text className='list-item__sub'>{p.phoneMasked ?? ''}</Text>
            <View className='chips'>
              <Chip onClick={() => setDraft({ id: p.id, name: p.name, type: p.passengerType, phone: '' })}>{t('edit')}</Chip>
              <Chip onClick={() => void remove(p.id)}>{t('delete')}</Chip>
            </View>
          </View>
        ))}
      </Card>
      {draft ? (
        <Card title={draft.id ? t('edit') : t('addPassenger')}>
          <Text className='field__label'>{t('name')}</Text>
          <Input className={`input ${draft.name && nameProblem ? 'input--error' : ''}`} value={draft.name} maxlength={40} onInput={(e) => setDraft({ ...draft, name: e.detail.value })} data-testid='saved-name' />
          {draft.name && nameProblem ? <Text className='field-error'>{t(nameProblem)}</Text> : null}
          <Text className='field__label'>{t('type')}</Text>
          <View className='chips'>
            {TYPES.map((ty) => (
              <Chip key={ty} active={draft.type === ty} onClick={() => setDraft({ ...draft, type: ty })}>{t(ty)}</Chip>
            ))}
          </View>
          <Text className='field__label'>{t('phone')}</Text>
          <Input className={`input ${phoneProblem ? 'input--error' : ''}`} type='number' value={draft.phone} maxlength={20} onInput={(e) => setDraft({ ...draft, phone: e.detail.value })} />
          {phoneProblem ? <Text className='field-error'>{t(phoneProblem)}</Text> : null}
          <Btn onClick={() => void save()} disabled={Boolean(nameProblem || phoneProblem)} testId='saved-save'>{t('save')}</Btn>
          <Btn kind='ghost' onClick={() => setDraft(null)}>{t('cancel')}</Btn>
        </Card>
      ) : (
        <Btn onClick={() => setDraft({ id: null, name: '', type: 'ADULT', phone: '' })} testId='saved-add'>{t('addPassenger')}</Btn>
      )}
    </View>
  );
}
