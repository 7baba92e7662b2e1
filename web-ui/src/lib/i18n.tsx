// Vietnamese first, English on request: one dictionary per language, the
// English one checked by the compiler to have every Vietnamese key.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { en, vi, type MessageKey } from './messages';

export type Lang = 'vi' | 'en';
const KEY = 'antoan.lang';
const dictionaries: Record<Lang, Record<MessageKey, string>> = { vi, en };

interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
  /** The API's reason in the reader's language. */
  reason: (view: { reason: string; reason_vi: string }) => string;
  dateTime: (iso: string) => string;
  date: (iso: string) => string;
}

const I18nContext = createContext<I18n | null>(null);

function initialLang(): Lang {
  try {
    return localStorage.getItem(KEY) === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

export function translate(lang: Lang, key: MessageKey, vars?: Record<string, string | number>): string {
  const text = dictionaries[lang][key];
  return vars ? text.replace(/\{(\w+)\}/g, (whole, name: string) => String(vars[name] ?? whole)) : text;
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(vi, key);
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const setLang = useCallback((next: Lang) => {
    localStorage.setItem(KEY, next);
    setLangState(next);
  }, []);

  const value = useMemo<I18n>(() => {
    const locale = lang === 'vi' ? 'vi-VN' : 'en-GB';
    // Times are shown on Ho Chi Minh City's clock, wherever the browser is.
    const day = { day: '2-digit', month: '2-digit', year: 'numeric' } as const;
    const dateTimeFormat = new Intl.DateTimeFormat(locale, {
      ...day,
      hour: '2-digit',
      minute: '2-digit',
      timeZone: 'Asia/Ho_Chi_Minh',
    });
    const dateFormat = new Intl.DateTimeFormat(locale, { ...day, timeZone: 'UTC' });
    return {
      lang,
      setLang,
      t: (key, vars) => translate(lang, key, vars),
      reason: (view) => (lang === 'vi' ? view.reason_vi : view.reason),
      dateTime: (iso) => dateTimeFormat.format(new Date(iso)),
      date: (iso) => dateFormat.format(new Date(`${iso}T00:00:00Z`)),
    };
  }, [lang, setLang]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) {
    throw new Error('useI18n outside I18nProvider');
  }
  return value;
}
