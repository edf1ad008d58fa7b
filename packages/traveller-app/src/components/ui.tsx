import type { ReactNode } from 'react';
import { Text, View } from '@tarojs/components';

/** A large tap target (at least 48 px high): primary, secondary or danger. */
export function Btn(props: { children: ReactNode; onClick?: () => void; kind?: 'primary' | 'secondary' | 'danger' | 'ghost'; disabled?: boolean; testId?: string; small?: boolean }) {
  const { kind = 'primary', disabled, onClick, small } = props;
  return (
    <View
      className={`btn btn--${kind} ${small ? 'btn--small' : ''} ${disabled ? 'btn--disabled' : ''}`}
      data-testid={props.testId}
      onClick={() => {
        if (!disabled) onClick?.();
      }}
    >
      {props.children}
    </View>
  );
}

/** A message box: an error in a sentence, a warning or a note. */
export function Notice({ kind = 'error', children, testId }: { kind?: 'error' | 'warn' | 'info' | 'success'; children: ReactNode; testId?: string }) {
  return (
    <View className={`notice notice--${kind}`} data-testid={testId}>
      <Text>{children}</Text>
    </View>
  );
}

/** A white card section with an optional title. */
export function Card({ title, children, className, extra }: { title?: ReactNode; children: ReactNode; className?: string; extra?: ReactNode }) {
  return (
    <View className={`card ${className ?? ''}`}>
      {title ? (
        <View className='card__head'>
          <Text className='card__title'>{title}</Text>
          {extra}
        </View>
      ) : null}
      {children}
    </View>
  );
}

/** A label and a value on one row. */
export function Row({ label, value, strong }: { label: ReactNode; value: ReactNode; strong?: boolean }) {
  return (
    <View className={`row ${strong ? 'row--strong' : ''}`}>
      <Text className='row__label'>{label}</Text>
      <Text className='row__value'>{value}</Text>
    </View>
  );
}

/** A selectable chip (filters, dates, saved passengers). */
export function Chip({ active, children, onClick, disabled, testId }: { active?: boolean; children: ReactNode; onClick?: () => void; disabled?: boolean; testId?: string }) {
  return (
    <View
      className={`chip ${active ? 'chip--active' : ''} ${disabled ? 'chip--disabled' : ''}`}
      data-testid={testId}
      onClick={() => !disabled && onClick?.()}
    >
      {children}
    </View>
  );
}

/** − n + with large buttons. */
export function Stepper({ value, min, max, onChange, label, lessLabel, moreLabel }: { value: number; min: number; max: number; onChange: (v: number) => void; label: string; lessLabel: string; moreLabel: string }) {
  return (
    <View className='stepper' data-testid={`stepper-${label}`}>
      <View className={`stepper__btn ${value <= min ? 'stepper__btn--off' : ''}`} aria-label={`${lessLabel} ${label}`} onClick={() => value > min && onChange(value - 1)}>
        −
      </View>
      <Text className='stepper__value'>{value}</Text>
      <View className={`stepper__btn ${value >= max ? 'stepper__btn--off' : ''}`} aria-label={`${moreLabel} ${label}`} onClick={() => value < max && onChange(value + 1)}>
        +
      </View>
    </View>
  );
}

/** Loading text. */
export function Loading({ text }: { text: string }) {
  return (
    <View className='loading'>
      <Text>{text}</Text>
    </View>
  );
}
