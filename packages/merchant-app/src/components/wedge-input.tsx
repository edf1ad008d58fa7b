import { Input, Text, View } from '@tarojs/components';
import { useRef, useState } from 'react';
import { t } from '../lib/i18n';

/**
 * The keyboard-wedge field: a PDA's built-in scanner "types" the code and presses Enter; staff can
 * type a ticket code (TKT-…) the same way. It keeps the focus so the next scan lands here too.
 */
export function WedgeInput({ onScan, disabled }: { onScan: (text: string) => void; disabled?: boolean }) {
  const [value, setValue] = useState('');
  const last = useRef({ text: '', at: 0 });
  const submit = (typed?: string) => {
    const v = (typeof typed === 'string' && typed ? typed : value).trim();
    if (!v || disabled) return;
    // One Enter may arrive twice (key and confirm events): the same text within 300 ms counts once.
    if (last.current.text === v && Date.now() - last.current.at < 300) return;
    last.current = { text: v, at: Date.now() };
    setValue('');
    onScan(v);
  };
  // Scanners send Enter as a key: Taro's onConfirm fires for it (and for the soft keyboard's 完成).
  return (
    <View data-testid='wedge'>
      <Text className='label'>{t('扫码枪 / 手动输入票号（回车确认）', 'Scanner / type a ticket code (Enter)')}</Text>
      <Input
        className='input input--wedge'
        value={value}
        focus={!disabled}
        placeholder={t('对准扫码或输入 TKT-…', 'Scan, or type TKT-…')}
        confirmType='done'
        maxlength={4096}
        data-testid='wedge-input'
        onInput={(e) => setValue(e.detail.value)}
        onConfirm={(e) => submit(e?.detail?.value)}
      />
    </View>
  );
}
