import type { ReactNode } from 'react';
import { Text, View } from '@tarojs/components';

/** A large tap target (112 px high). */
export function Btn(props: { children: ReactNode; onClick?: () => void; kind?: 'primary' | 'go' | 'secondary' | 'danger'; disabled?: boolean; testId?: string; small?: boolean }) {
  const { kind = 'primary', disabled, onClick, small } = props;
  return (
    <View
      className={`btn btn--${kind} ${small ? 'btn--small' : ''} ${disabled ? 'btn--disabled' : ''}`}
      data-testid={props.testId}
      aria-disabled={disabled ? 'true' : undefined}
      onClick={() => {
        if (!disabled) onClick?.();
      }}
    >
      {props.children}
    </View>
  );
}

export function Notice({ kind = 'error', children, testId }: { kind?: 'error' | 'warn' | 'info' | 'success'; children: ReactNode; testId?: string }) {
  return (
    <View className={`notice notice--${kind}`} data-testid={testId}>
      <Text>{children}</Text>
    </View>
  );
}

export function Card({ title, children, testId }: { title?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <View className='card' data-testid={testId}>
      {title ? <Text className='card__title'>{title}</Text> : null}
      {children}
    </View>
  );
}
