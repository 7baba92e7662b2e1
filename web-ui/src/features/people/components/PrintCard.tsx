// A personal QR card for paper or plastic: the QR at 5 × 5 cm (print CSS),
// the name and the masked document number, printed with the browser.
import { ErrorNotice } from '@/components/ErrorNotice';
import { QrImage } from '@/components/QrImage';
import { useI18n } from '@/lib/i18n';
import { usePerson } from '../api/people';

export function PrintCard({ personId }: { personId: string }) {
  const { t } = useI18n();
  const person = usePerson(personId);
  if (person.error) return <ErrorNotice error={person.error} />;
  if (!person.data) return <p aria-busy="true">{t('common.loading')}</p>;
  return (
    <>
      <div className="no-print">
        <p>{t('card.intro')}</p>
        <button type="button" className="primary" onClick={() => window.print()}>
          {t('card.print')}
        </button>
      </div>
      <article className="print-card" aria-label={t('card.title')}>
        <QrImage path={`/api/v1/people/${personId}/qr.png?size=600`} alt={t('qr.alt')} className="card-qr" />
        <div className="card-text">
          <strong>{person.data.folded_name}</strong>
          <span>{person.data.document_number_masked}</span>
          <span className="card-brand">{t('app.name')}</span>
        </div>
      </article>
    </>
  );
}
