import { Input, Text, View } from '@tarojs/components';
import type { PassengerType } from '@deeptravel/client';
import { useT } from '../i18n';
import { checkName, checkPhone } from '../lib/validate';

/** One passenger of an order: typed in, or a saved passenger (常用旅客). */
export interface PassengerSlot {
  type: PassengerType;
  name: string;
  phone: string;
  savedId: string | null;
  savedLabel?: string;
  /** Show problems even if untouched (after a submit attempt). */
  touched: boolean;
  serverError?: string | null;
}

export function slotValid(s: PassengerSlot): boolean {
  return s.savedId !== null || (checkName(s.name) === null && checkPhone(s.phone) === null);
}

/** The form of one passenger, checked as typed. */
export function PassengerForm({ index, slot, onChange }: { index: number; slot: PassengerSlot; onChange: (s: PassengerSlot) => void }) {
  const { t } = useT();
  const nameProblem = slot.savedId ? null : checkName(slot.name);
  const phoneProblem = slot.savedId ? null : checkPhone(slot.phone);
  const showName = nameProblem && (slot.touched || slot.name.length > 0);
  return (
    <View className='pax-form' data-testid={`passenger-${index}`}>
      <View className='pax-form__head'>
        <Text className='pax-form__title'>{t('passengerN', { n: index + 1 })} · {t(slot.type)}</Text>
        {slot.savedId ? (
          <Text className='link' onClick={() => onChange({ ...slot, savedId: null, savedLabel: undefined, name: '', phone: '' })}>{t('change')}</Text>
        ) : null}
      </View>
      {slot.savedId ? (
        <Text className='hint'>{slot.savedLabel} （{t('savedTag')}）</Text>
      ) : (
        <View>
          <Text className='field__label'>{t('name')}</Text>
          <Input
            className={`input ${showName ? 'input--error' : ''}`}
            placeholder={t('namePlaceholder')}
            value={slot.name}
            maxlength={40}
            onInput={(e) => onChange({ ...slot, name: e.detail.value, serverError: null })}
            onBlur={() => onChange({ ...slot, touched: true })}
            data-testid={`passenger-${index}-name`}
          />
          {showName ? <Text className='field-error'>{t(nameProblem!)}</Text> : null}
          <Text className='field__label'>{t('phone')}</Text>
          <Input
            className={`input ${phoneProblem ? 'input--error' : ''}`}
            type='number'
            placeholder={t('phonePlaceholder')}
            value={slot.phone}
            maxlength={20}
            onInput={(e) => onChange({ ...slot, phone: e.detail.value, serverError: null })}
            data-testid={`passenger-${index}-phone`}
          />
          {phoneProblem ? <Text className='field-error'>{t(phoneProblem)}</Text> : null}
        </View>
      )}
      {slot.serverError ? <Text className='field-error'>{slot.serverError}</Text> : null}
    </View>
  );
}
