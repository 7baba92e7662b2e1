// Why the officer is reading people's data, stated once per login and sent
// as the `X-Access-Purpose` header on every read of person data. The person
// sees it in their access ledger. Kept in sessionStorage beside the login,
// and forgotten when the login ends.
import { useSyncExternalStore } from 'react';
import { session } from './session';

const KEY = 'antoan.purpose';
const listeners = new Set<() => void>();
let current: string | null = read();

function read(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/** A purpose as the API takes it: whitespace collapsed, 3 to 300 characters. */
export function normalPurpose(text: string): string {
  return text.split(/\s+/).filter(Boolean).join(' ');
}

export const PURPOSE_MIN = 3;
export const PURPOSE_MAX = 300;

export const purpose = {
  get: (): string | null => current,
  set(next: string | null): void {
    const text = next === null ? null : normalPurpose(next) || null;
    if (text === current) return;
    current = text;
    if (text) {
      sessionStorage.setItem(KEY, text);
    } else {
      sessionStorage.removeItem(KEY);
    }
    listeners.forEach((listener) => listener());
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

// A logout (or a spent refresh token) ends the stated purpose too.
session.subscribe(() => {
  if (!session.get()) purpose.set(null);
});

export function usePurpose(): string | null {
  return useSyncExternalStore(purpose.subscribe, purpose.get);
}

/** The header parameter for the typed client: empty when no purpose is stated. */
export function purposeHeader(text: string | null = current): { 'X-Access-Purpose'?: string } {
  return text ? { 'X-Access-Purpose': encodeURIComponent(text) } : {};
}
