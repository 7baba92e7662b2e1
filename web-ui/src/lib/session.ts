// The login of this browser tab: tokens and the account, kept in
// sessionStorage so that a reload keeps the user logged in while closing the
// tab (a shared computer at a ward office) ends it.
import { useSyncExternalStore } from 'react';
import type { components } from '@/api/schema';

export type Account = components['schemas']['AccountView'];
export type Role = components['schemas']['Role'];

export interface Session {
  accessToken: string;
  refreshToken: string;
  account: Account;
}

const KEY = 'antoan.session';
const listeners = new Set<() => void>();
let current: Session | null = read();

function read(): Session | null {
  try {
    const text = sessionStorage.getItem(KEY);
    return text ? (JSON.parse(text) as Session) : null;
  } catch {
    return null;
  }
}

export const session = {
  get: (): Session | null => current,
  set(next: Session | null): void {
    current = next;
    if (next) {
      sessionStorage.setItem(KEY, JSON.stringify(next));
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

export function useSession(): Session | null {
  return useSyncExternalStore(session.subscribe, session.get);
}
