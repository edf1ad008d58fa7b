import Taro from '@tarojs/taro';
import { useEffect, useState } from 'react';
import type { Lang } from '@deeptravel/client';
import { STRINGS, type StringKey } from './strings';

const KEY = 'dt.lang';
let current: Lang = readLang();

function readLang(): Lang {
  try {
    return Taro.getStorageSync(KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

/** The language now (Simplified Chinese unless the traveller switched). */
export function getLang(): Lang {
  return current;
}

/** Switches the language everywhere at once and keeps it. */
export function setLang(lang: Lang): void {
  current = lang;
  Taro.setStorageSync(KEY, lang);
  Taro.eventCenter.trigger('dt:lang', lang);
}

/** A text in a language, with `{name}` filled. */
export function translate(lang: Lang, key: StringKey, vars: Record<string, string | number> = {}): string {
  return STRINGS[key][lang].replace(/\{(\w+)\}/g, (m, k: string) => (vars[k] === undefined ? m : String(vars[k])));
}

/** The language and a `t` bound to it; re-renders when the language changes. */
export function useT() {
  const [lang, setState] = useState<Lang>(current);
  useEffect(() => {
    const on = (l: Lang) => setState(l);
    Taro.eventCenter.on('dt:lang', on);
    return () => {
      Taro.eventCenter.off('dt:lang', on);
    };
  }, []);
  const t = (key: StringKey, vars?: Record<string, string | number>) => translate(lang, key, vars);
  return { lang, t };
}
