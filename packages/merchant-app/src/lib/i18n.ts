import type { Lang } from '@deeptravel/client';
import { createStore, useStore } from './store';
import { load, save } from './storage';

/**
 * The app's language: Simplified Chinese by default, English as a switch (kept on the device).
 * Fixed text is written in place as `t('中文', 'English')`, so both stay side by side in the code.
 */
export const langStore = createStore<Lang>(load<Lang>('lang') === 'en' ? 'en' : 'zh');

export function setLang(lang: Lang): void {
  save('lang', lang);
  langStore.set(lang);
}

/** The current language's text. */
export function t(zh: string, en: string): string {
  return langStore.get() === 'en' ? en : zh;
}

/** The current language; a component calling it re-renders when staff switch. */
export function useLang(): Lang {
  return useStore(langStore);
}
