// The guard's answer, full screen: green or black with the folded name,
// the masked number and the reason; or that the scan was queued offline
// (with the colour a signed code vouches for, or that its code was revoked),
// or why it was refused. It never blocks the next scan: the camera and the
// USB scanner's field stay live underneath, and a new scan replaces it.
import { useEffect } from 'react';
import { useI18n } from '@/lib/i18n';
import type { ScanAnswer } from '../api/scans';
import type { OfflineVerdict } from '../offline';

export type Outcome =
  | { kind: 'answer'; answer: ScanAnswer }
  /** Sent later; a signed code's own verdict when it has one. */
  | { kind: 'queued'; verdict: OfflineVerdict | null }
  | { kind: 'refused'; message: string };

/** What the guard reads under an online answer whose code was not simply valid. */
function signatureNote(signature: string) {
  switch (signature) {
    case 'manual':
      return 'scanner.signature.manual';
    case 'masked':
      return 'scanner.signature.masked';
    case 'revoked':
      return 'scanner.signature.revoked';
    default:
      return 'scanner.signature.unsigned';
  }
}

interface Props {
  outcome: Outcome;
  onDismiss: () => void;
}

export function ScanResult({ outcome, onDismiss }: Props) {
  const { t, reason } = useI18n();

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onDismiss();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onDismiss]);

  let className = 'scan-result result-refused';
  let body;
  if (outcome.kind === 'answer') {
    const { answer } = outcome;
    const green = answer.colour === 'green';
    className = `scan-result ${green ? 'result-green' : 'result-black'}`;
    body = (
      <>
        <p className="result-colour">{green ? t('scanner.green') : t('scanner.black')}</p>
        <p className="result-name">{answer.folded_name}</p>
        <p className="result-document">{answer.document_masked}</p>
        <p className="result-reason">{reason(answer)}</p>
        {answer.signature !== 'valid' && <p className="result-note">{t(signatureNote(answer.signature))}</p>}
        {!answer.person_known && <p className="result-note">{t('scanner.unknownPerson')}</p>}
        {answer.replayed && <p className="result-note">{t('scanner.replayed')}</p>}
      </>
    );
  } else if (outcome.kind === 'queued' && outcome.verdict?.colour === 'revoked') {
    // Never green: the code predates a correction of its holder's records.
    const { verdict } = outcome;
    className = 'scan-result result-offline result-revoked';
    body = (
      <>
        <p className="result-colour">{t('scanner.revoked')}</p>
        <p className="result-name">{verdict.foldedName}</p>
        <p className="result-document">{verdict.documentMasked}</p>
        <p className="result-reason">{t('scanner.revokedOffline')}</p>
        <p className="result-note">{t('scanner.queuedNote')}</p>
      </>
    );
  } else if (outcome.kind === 'queued' && outcome.verdict) {
    const { verdict } = outcome;
    className = `scan-result result-offline ${verdict.colour === 'green' ? 'result-green' : 'result-black'}`;
    body = (
      <>
        <p className="result-colour">{verdict.colour === 'green' ? t('scanner.green') : t('scanner.black')}</p>
        <p className="result-name">{verdict.foldedName}</p>
        <p className="result-document">{verdict.documentMasked}</p>
        <p className="result-note">{t('scanner.offlineVerdict')}</p>
      </>
    );
  } else if (outcome.kind === 'queued') {
    className = 'scan-result result-queued';
    body = (
      <>
        <p className="result-colour">{t('scanner.queuedTitle')}</p>
        <p className="result-reason">{t('scanner.queuedBody')}</p>
      </>
    );
  } else {
    body = (
      <>
        <p className="result-colour">{t('scanner.refusedTitle')}</p>
        <p className="result-reason">{outcome.message}</p>
      </>
    );
  }

  return (
    <div className={className} role="alert" data-testid="scan-result" onClick={onDismiss}>
      {body}
      <button type="button" className="result-next" onClick={onDismiss}>
        {t('scanner.next')}
      </button>
    </div>
  );
}
