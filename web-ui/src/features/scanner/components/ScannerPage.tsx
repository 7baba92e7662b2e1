// The checkpoint scanner: the camera, a USB scanner that types the code and
// Enter into the focused field, and manual entry by document number. Each
// scan gets its idempotency key when it is made; scans that cannot reach
// the API wait in the offline queue and are replayed when it answers again.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiProblem, isNetworkError } from '@/api/problem';
import { errorText } from '@/components/ErrorNotice';
import { useI18n } from '@/lib/i18n';
import { newIdempotencyKey } from '@/lib/ids';
import type { Account } from '@/lib/session';
import { fetchQrKeys, fetchQrRevocations, sendScan, useScanCheckpoints, type ScanRequest } from '../api/scans';
import { saveKeys, saveRevocations, savedKeys, savedRevocations, verifyOffline } from '../offline';
import { replayQueue, scanQueue, useScanQueue } from '../queue';
import { Camera } from './Camera';
import { ScanResult, type Outcome } from './ScanResult';

const CHECKPOINT_KEY = 'antoan.scanner.checkpoint';
/** How long a code must be out of the camera's sight before it counts again. */
const SAME_CODE_PAUSE_MS = 4000;
/** How long an answer stays on screen when nobody dismisses it. */
const ANSWER_MS = 6000;
/** How often a non-empty queue is retried while the browser believes it is online. */
const RETRY_MS = 20_000;
/** How often the keys and the revocation list are fetched again: the list's own max-age. */
const REFRESH_KEYS_MS = 300_000;

/**
 * The public keys and the revocation list, kept for deciding signed codes
 * while offline. What cannot be fetched leaves the copy saved last in place.
 */
function refreshOfflineChecks() {
  fetchQrKeys()
    .then(saveKeys)
    .catch(() => undefined);
  fetchQrRevocations()
    .then(saveRevocations)
    .catch(() => undefined);
}

/**
 * Runs `task` now, when the browser comes back online, and every `everyMs`
 * while it believes it is online: the queue is replayed, and the keys and
 * the revocation list are refreshed on a page that stays open for hours.
 */
function useWhileOnline(task: () => void, everyMs: number) {
  useEffect(() => {
    task();
    window.addEventListener('online', task);
    const timer = window.setInterval(() => {
      if (navigator.onLine) task();
    }, everyMs);
    return () => {
      window.removeEventListener('online', task);
      window.clearInterval(timer);
    };
  }, [task, everyMs]);
}

function CheckpointPicker({ account, value, onChange }: { account: Account; value: string; onChange: (id: string) => void }) {
  const { t } = useI18n();
  const checkpoints = useScanCheckpoints(account.organization_id);
  if (account.checkpoint_id) {
    const name = checkpoints.data?.find((checkpoint) => checkpoint.id === account.checkpoint_id)?.name;
    return <p className="scanner-checkpoint">{t('scanner.atCheckpoint', { name: name ?? '' })}</p>;
  }
  return (
    <div className="field">
      <label htmlFor="scanner-checkpoint">{t('scanner.checkpoint')}</label>
      <select id="scanner-checkpoint" value={value} onChange={(event) => onChange(event.target.value)}>
        <option value="">{t('scanner.chooseCheckpoint')}</option>
        {checkpoints.data?.map((checkpoint) => (
          <option key={checkpoint.id} value={checkpoint.id}>
            {checkpoint.name}
          </option>
        ))}
      </select>
    </div>
  );
}

export function ScannerPage({ account }: { account: Account }) {
  const { t } = useI18n();
  const queue = useScanQueue();
  const [chosen, setChosen] = useState(() => localStorage.getItem(CHECKPOINT_KEY) ?? '');
  const checkpointId = account.checkpoint_id ?? chosen;
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [camera, setCamera] = useState(false);
  const [code, setCode] = useState('');
  const [documentNumber, setDocumentNumber] = useState('');
  const wedge = useRef<HTMLInputElement>(null);
  const lastCamera = useRef<{ text: string; at: number } | null>(null);

  const chooseCheckpoint = (id: string) => {
    localStorage.setItem(CHECKPOINT_KEY, id);
    setChosen(id);
  };

  const replay = useCallback(() => {
    if (scanQueue.get().pending.length > 0) void replayQueue(sendScan);
  }, []);

  useWhileOnline(refreshOfflineChecks, REFRESH_KEYS_MS);
  useWhileOnline(replay, RETRY_MS);

  // A USB scanner types wherever the focus is: when it is on no field (the
  // guard just pressed a button), the first character brings it back to the
  // scan field, which then receives the rest. Space stays with buttons.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target instanceof HTMLElement ? event.target : null;
      if (target?.closest('input, select, textarea, [contenteditable="true"]')) return;
      if (event.key.length !== 1 || event.key === ' ' || event.ctrlKey || event.metaKey || event.altKey) return;
      wedge.current?.focus();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);

  useEffect(() => {
    if (!outcome) return;
    const timer = window.setTimeout(() => setOutcome(null), ANSWER_MS);
    return () => window.clearTimeout(timer);
  }, [outcome]);

  const scan = useCallback(
    async (request: Pick<ScanRequest, 'payload' | 'document_number'>) => {
      if (!checkpointId) return;
      const body = { ...request, idempotency_key: newIdempotencyKey() };
      // The time of the scan travels only with a replay: a live scan takes
      // the server's clock, which a guard's phone may disagree with.
      const scannedAt = new Date().toISOString();
      try {
        const answer = await sendScan(checkpointId, body);
        setOutcome({ kind: 'answer', answer });
        replay();
      } catch (error) {
        if (isNetworkError(error) || (error instanceof ApiProblem && error.status >= 500)) {
          scanQueue.add({ checkpointId, body: { ...body, scanned_at: scannedAt } });
          const verdict = request.payload ? await verifyOffline(request.payload, savedKeys(), new Date(), savedRevocations()) : null;
          setOutcome({ kind: 'queued', verdict });
        } else {
          setOutcome({ kind: 'refused', message: errorText(error, t) });
        }
      } finally {
        wedge.current?.focus();
      }
    },
    [checkpointId, replay, t],
  );

  const onCameraCode = useCallback(
    (text: string) => {
      // A card held in front of the camera is one scan: the same code counts
      // again only after it has been out of sight for a pause.
      const now = Date.now();
      const last = lastCamera.current;
      lastCamera.current = { text, at: now };
      if (last && last.text === text && now - last.at < SAME_CODE_PAUSE_MS) return;
      void scan({ payload: text });
    },
    [scan],
  );

  const submitCode = (event: FormEvent) => {
    event.preventDefault();
    const text = code.trim();
    setCode('');
    if (text) void scan({ payload: text });
  };

  const submitDocument = (event: FormEvent) => {
    event.preventDefault();
    const number = documentNumber.replace(/\s/g, '');
    setDocumentNumber('');
    if (number) void scan({ document_number: number });
  };

  const dismiss = useCallback(() => {
    setOutcome(null);
    wedge.current?.focus();
  }, []);

  return (
    <section className="scanner" aria-labelledby="scanner-title">
      <h1 id="scanner-title">{t('scanner.title')}</h1>
      <CheckpointPicker account={account} value={chosen} onChange={chooseCheckpoint} />
      <p className="scanner-queue" role="status" aria-live="polite">
        {queue.pending.length > 0 ? t('scanner.queueWaiting', { count: queue.pending.length }) : t('scanner.queueEmpty')}
        {queue.rejected > 0 && ` ${t('scanner.queueRejected', { count: queue.rejected })}`}
        {queue.pending.length > 0 && (
          <button type="button" onClick={replay}>
            {t('scanner.sendNow')}
          </button>
        )}
      </p>
      {!checkpointId ? (
        <p className="notice">{t('scanner.needCheckpoint')}</p>
      ) : (
        <>
          <form onSubmit={submitCode} className="scanner-wedge" autoComplete="off">
            <label htmlFor="scan-code">{t('scanner.wedgeLabel')}</label>
            <p className="hint" id="scan-code-hint">
              {t('scanner.wedgeHint')}
            </p>
            <input
              id="scan-code"
              ref={wedge}
              autoFocus
              value={code}
              aria-describedby="scan-code-hint"
              spellCheck={false}
              autoCapitalize="none"
              onChange={(event) => setCode(event.target.value)}
            />
          </form>
          <div className="scanner-camera">
            <button type="button" className="primary" aria-pressed={camera} onClick={() => setCamera((on) => !on)}>
              {camera ? t('scanner.cameraOff') : t('scanner.cameraOn')}
            </button>
            {camera && <Camera onCode={onCameraCode} />}
          </div>
          <form onSubmit={submitDocument} className="scanner-manual" autoComplete="off">
            <label htmlFor="scan-document">{t('scanner.manualLabel')}</label>
            <input id="scan-document" value={documentNumber} inputMode="text" onChange={(event) => setDocumentNumber(event.target.value)} />
            <button type="submit">{t('scanner.manualSubmit')}</button>
          </form>
        </>
      )}
      {outcome && <ScanResult outcome={outcome} onDismiss={dismiss} />}
    </section>
  );
}
