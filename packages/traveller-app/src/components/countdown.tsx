import { Text, View } from '@tarojs/components';
import { useEffect, useState } from 'react';
import { client } from '../api/client';
import { useT } from '../i18n';
import { mmss } from '../lib/format';

/** Milliseconds left until `until`, by the server's clock (a phone's clock is often wrong); ticks every second. */
export function useRemaining(until: string | null | undefined): number {
  const calc = () => (until ? Date.parse(until) - client.serverNow() : 0);
  const [left, setLeft] = useState(calc);
  useEffect(() => {
    setLeft(calc());
    if (!until) return;
    const id = setInterval(() => setLeft(calc()), 1000);
    return () => clearInterval(id);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [until]);
  return left;
}

/** "Seats held for you: pay within 09:41". */
export function HoldCountdown({ left }: { left: number }) {
  const { t } = useT();
  const [before, after] = t('holdCountdown', { time: '\u0000' }).split('\u0000');
  return (
    <View className='notice notice--warn' data-testid='hold-countdown'>
      <Text className='countdown'>{before}</Text>
      <Text className='countdown__time'>{mmss(left)}</Text>
      <Text className='countdown'>{after}</Text>
    </View>
  );
}
