// On a resident's page: put them on the ward office's print list, so that
// the cards of a queue of residents print together on A4 sheets.
import { Link } from 'react-router';
import { useI18n } from '@/lib/i18n';
import { MAX_CARDS, printBatch, usePrintBatch } from '../printBatch';

export function AddToPrintBatch({ personId, name, document }: { personId: string; name: string; document: string }) {
  const { t } = useI18n();
  const batch = usePrintBatch();
  const listed = batch.some((entry) => entry.personId === personId);
  return (
    <p className="actions" role="group" aria-label={t('batch.title')}>
      {listed ? (
        <>
          <span>{t('batch.listed')}</span>
          <button type="button" onClick={() => printBatch.remove([personId])}>
            {t('batch.remove')}
          </button>
        </>
      ) : (
        <button type="button" disabled={batch.length >= MAX_CARDS} onClick={() => printBatch.add([{ personId, name, document }])}>
          {t('batch.add')}
        </button>
      )}
      <Link to="/ward/cards">{t('batch.open', { count: batch.length })}</Link>
    </p>
  );
}
