// The ward office prints the cards of the residents on its print list (or
// those of them it ticks): one PDF of A4 sheets, twelve 5 × 5 cm cards a
// sheet, opened in the browser's viewer or saved.
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { ApiProblem } from '@/api/problem';
import { ErrorNotice } from '@/components/ErrorNotice';
import { useI18n } from '@/lib/i18n';
import { usePrintCards } from '../api/wards';
import { printBatch, usePrintBatch } from '../printBatch';

/** An object URL for the PDF, let go when the next one comes or the page closes. */
function usePdfUrl(pdf: Blob | undefined): string | null {
  const url = useMemo(() => (pdf ? URL.createObjectURL(pdf) : null), [pdf]);
  useEffect(() => () => {
    if (url) URL.revokeObjectURL(url);
  }, [url]);
  return url;
}

export function PrintCards({ wardCode }: { wardCode: string }) {
  const { t } = useI18n();
  const batch = usePrintBatch();
  const print = usePrintCards(wardCode);
  // Ticked by default: a person unticked stays on the list for another time.
  const [unticked, setUnticked] = useState<Set<string>>(new Set());
  const selected = batch.filter((entry) => !unticked.has(entry.personId));
  const url = usePdfUrl(print.data);
  const fileName = `the-qr-${new Date().toISOString().slice(0, 10)}.pdf`;

  // The API names each unknown id by its place in the request.
  const sent = print.variables ?? [];
  const unknown = new Set(
    print.error instanceof ApiProblem
      ? print.error.fieldErrors.flatMap((error) => {
          const index = /^person_ids\.(\d+)$/.exec(error.field)?.[1];
          return index === undefined ? [] : [sent[Number(index)] ?? ''];
        })
      : [],
  );

  const toggle = (personId: string) => {
    const next = new Set(unticked);
    if (next.has(personId)) next.delete(personId);
    else next.add(personId);
    setUnticked(next);
  };

  if (batch.length === 0) {
    return <p className="empty">{t('batch.empty')}</p>;
  }
  return (
    <>
      <fieldset>
        <legend>{t('batch.legend', { count: batch.length })}</legend>
        <ul className="batch">
          {batch.map((entry) => (
            <li key={entry.personId}>
              <label className="check">
                <input type="checkbox" checked={!unticked.has(entry.personId)} onChange={() => toggle(entry.personId)} />
                <span>
                  {entry.name} {entry.document && <span className="muted">{entry.document}</span>}
                </span>
              </label>
              {unknown.has(entry.personId) && <p className="field-error">{t('batch.notInWard')}</p>}
              <span className="batch-actions">
                <Link to={`/people/${entry.personId}`}>{t('batch.openRecord')}</Link>
                <button type="button" onClick={() => printBatch.remove([entry.personId])} aria-label={t('batch.removeOne', { name: entry.name })}>
                  {t('batch.remove')}
                </button>
              </span>
            </li>
          ))}
        </ul>
      </fieldset>
      <p className="actions">
        <button type="button" className="primary" disabled={print.isPending || selected.length === 0} onClick={() => print.mutate(selected.map((entry) => entry.personId))}>
          {print.isPending ? t('batch.making') : t('batch.print', { count: selected.length })}
        </button>
        <button type="button" onClick={() => printBatch.clear()}>
          {t('batch.clear')}
        </button>
      </p>
      {selected.length === 0 && <p className="hint">{t('batch.noneTicked')}</p>}
      {url && print.variables && (
        <div className="notice notice-ok" role="status">
          <p>{t('batch.ready', { count: print.variables.length })}</p>
          <p className="actions">
            <a className="button primary" href={url} target="_blank" rel="noopener" type="application/pdf">
              {t('batch.openPdf')}
            </a>
            <a className="button" href={url} download={fileName}>
              {t('batch.download')}
            </a>
            <button type="button" onClick={() => printBatch.remove(print.variables ?? [])}>
              {t('batch.removePrinted')}
            </button>
          </p>
        </div>
      )}
      {unknown.size > 0 ? (
        <p className="notice notice-error" role="alert">
          {t('batch.someNotInWard')}
        </p>
      ) : (
        <ErrorNotice error={print.error} />
      )}
    </>
  );
}
