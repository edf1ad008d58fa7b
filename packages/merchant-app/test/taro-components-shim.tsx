/**
 * Taro's components as plain HTML for component tests: the props our code uses, with Taro's event
 * shapes (`onInput` gives `{ detail: { value } }`).
 */
import { createElement, type ReactNode } from 'react';

type Props = Record<string, any> & { children?: ReactNode };

function passthrough(tag: string) {
  return function TaroShim({ children, className, ...rest }: Props) {
    const attrs: Record<string, unknown> = { className };
    for (const [k, v] of Object.entries(rest)) {
      if (k === 'onClick' || k.startsWith('data-') || k.startsWith('aria-') || k === 'style' || k === 'src') attrs[k] = v;
    }
    return createElement(tag, attrs, children);
  };
}

export const View = passthrough('div');
export const Text = passthrough('span');
export const ScrollView = passthrough('div');
export const Image = passthrough('img');

export function Input({ value, onInput, onBlur, onConfirm, placeholder, className, maxlength, type, password, ...rest }: Props) {
  const data = Object.fromEntries(Object.entries(rest).filter(([k]) => k.startsWith('data-')));
  return createElement('input', {
    className,
    value: value ?? '',
    placeholder,
    maxLength: maxlength,
    type: password ? 'password' : type === 'number' ? 'tel' : 'text',
    onKeyDown: (e: { key: string; target: { value: string } }) => {
      if (e.key === 'Enter') onConfirm?.({ detail: { value: e.target.value } });
    },
    onChange: (e: { target: { value: string } }) => onInput?.({ detail: { value: e.target.value } }),
    onBlur: () => onBlur?.({ detail: {} }),
    ...data,
  });
}
