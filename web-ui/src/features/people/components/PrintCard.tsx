// A personal QR card for paper or plastic: the QR at 5 × 5 cm (print CSS),
// the name and the masked document number, printed with the browser.
import type { ReactNode } from 'react';
import { ErrorNotice } from '@/components/ErrorNotice';
import { QrImage } from '@/components/QrImage';
import { useI18n } from '@/lib/i18n';
import { usePerson } from '../api/people';

/** The card as it prints: the code, and beside it who it belongs to. */
export function CardFace({ qr, name, document, ward }: { qr: ReactNode; name: string; document: string; ward?: string }) {
  const { t } = useI18n();
  return (
    <article className="print-card" aria-label={t('card.title')}>
      {qr}
      <div className="card-text">
        <strong>{name}</strong>
        <span>{document}</span>
        {ward && <span>{ward}</span>}
        <span className="card-brand">{t('app.name')}</span>
      </div>
    </article>
  );
}

/** How to print, and the button that does. */
export function PrintIntro() {
  const { t } = useI18n();
  return (
    <div className="no-print">
      <p>{t('card.intro')}</p>
      <button type="button" className="primary" onClick={() => window.print()}>
        {t('card.print')}
      </button>
    </div>
  );
}

export function PrintCard({ personId }: { personId: string }) {
  const { t } = useI18n();
  const person = usePerson(personId);
  if (person.error) return <ErrorNotice error={person.error} />;
  if (!person.data) return <p aria-busy="true">{t('common.loading')}</p>;
  return (
    <>
      <PrintIntro />
      <CardFace
        qr={<QrImage path={`/api/v1/people/${personId}/qr.png?size=600`} alt={t('qr.alt')} className="card-qr" />}
        name={person.data.folded_name}
        document={person.data.document_number_masked}
      />
    </>
  );
}
