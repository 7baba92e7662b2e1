// The offline queue of a scanner: scans made while the network is down are
// kept in this browser and sent again, in order, with the idempotency key
// they were made with, so that a replay never records a visit twice.
//
// Limitation: a queued scan holds what the code holds (name, document
// number) in the browser's localStorage until it is sent; a device that
// never comes back online keeps it there, and clearing site data loses it.
import { useSyncExternalStore } from 'react';
import { ApiProblem, isNetworkError } from '@/api/problem';
import type { ScanAnswer, ScanRequest } from './api/scans';

export interface QueuedScan {
  checkpointId: string;
  body: ScanRequest & { idempotency_key: string; scanned_at: string };
}

export interface QueueState {
  pending: QueuedScan[];
  /** Scans the API refused on replay (a 4xx): kept out of the queue, counted for the guard. */
  rejected: number;
}

const KEY = 'antoan.scanQueue';
const listeners = new Set<() => void>();
let state: QueueState = load();

function load(): QueueState {
  try {
    const parsed = JSON.parse(localStorage.getItem(KEY) ?? 'null') as QueueState | null;
    return parsed && Array.isArray(parsed.pending) ? parsed : { pending: [], rejected: 0 };
  } catch {
    return { pending: [], rejected: 0 };
  }
}

function save(next: QueueState): void {
  state = next;
  localStorage.setItem(KEY, JSON.stringify(next));
  listeners.forEach((listener) => listener());
}

export const scanQueue = {
  get: (): QueueState => state,
  /** Re-reads storage: another tab of the same scanner may have changed it. */
  reload(): void {
    state = load();
    listeners.forEach((listener) => listener());
  },
  add(scan: QueuedScan): void {
    save({ ...state, pending: [...state.pending, scan] });
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

export function useScanQueue(): QueueState {
  return useSyncExternalStore(scanQueue.subscribe, scanQueue.get);
}

let replaying: Promise<number> | null = null;

/**
 * Sends the queued scans oldest first and stops at the first network
 * failure; returns how many the API recorded. One replay runs at a time.
 */
export function replayQueue(send: (checkpointId: string, body: ScanRequest) => Promise<ScanAnswer>): Promise<number> {
  replaying ??= (async () => {
    let sent = 0;
    for (;;) {
      const next = state.pending[0];
      if (!next) break;
      try {
        await send(next.checkpointId, next.body);
        sent += 1;
        save({ ...state, pending: state.pending.slice(1) });
      } catch (error) {
        if (isNetworkError(error)) break;
        if (error instanceof ApiProblem && (error.status === 401 || error.status >= 500)) break;
        save({ pending: state.pending.slice(1), rejected: state.rejected + 1 });
      }
    }
    return sent;
  })().finally(() => {
    replaying = null;
  });
  return replaying;
}
