// The ward office's list of residents whose cards are to be printed: filled
// from a resident's page or from an import, printed as one PDF of A4
// sheets. Kept in sessionStorage beside the login, so that it survives a
// reload and ends with the login or the tab (a shared office computer).
import { useSyncExternalStore } from 'react';
import { session } from '@/lib/session';

export interface BatchEntry {
  personId: string;
  name: string;
  /** The masked document number, when known. */
  document?: string | undefined;
}

/** The most cards one PDF prints (the API's limit). */
export const MAX_CARDS = 500;

const KEY = 'antoan.printBatch';
const listeners = new Set<() => void>();
let current: BatchEntry[] = read();

function read(): BatchEntry[] {
  try {
    const text = sessionStorage.getItem(KEY);
    return text ? (JSON.parse(text) as BatchEntry[]) : [];
  } catch {
    return [];
  }
}

function write(next: BatchEntry[]): void {
  current = next;
  if (next.length) {
    sessionStorage.setItem(KEY, JSON.stringify(next));
  } else {
    sessionStorage.removeItem(KEY);
  }
  listeners.forEach((listener) => listener());
}

export const printBatch = {
  get: (): BatchEntry[] => current,
  /** Adds the entries not yet listed, keeping the order, up to the limit. */
  add(entries: BatchEntry[]): void {
    const known = new Set(current.map((entry) => entry.personId));
    const fresh = entries.filter((entry) => !known.has(entry.personId) && known.add(entry.personId));
    write([...current, ...fresh].slice(0, MAX_CARDS));
  },
  remove(personIds: string[]): void {
    const gone = new Set(personIds);
    write(current.filter((entry) => !gone.has(entry.personId)));
  },
  clear: (): void => write([]),
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

// A logout ends the list too.
session.subscribe(() => {
  if (!session.get() && current.length) printBatch.clear();
});

export function usePrintBatch(): BatchEntry[] {
  return useSyncExternalStore(printBatch.subscribe, printBatch.get);
}
