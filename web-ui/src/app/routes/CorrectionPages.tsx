// Correction requests: a person's own page (to follow them, newest first,
// and to file one), the ward's or the city's queue, and one request to
// handle, where a removal that revoked the person's codes leads to the
// ward's print list for a new card.
import { Link } from 'react-router';
import { ErrorNotice } from '@/components/ErrorNotice';
import { CorrectionDetail } from '@/features/corrections/components/CorrectionDetail';
import { CorrectionForm } from '@/features/corrections/components/CorrectionForm';
import { CorrectionQueue } from '@/features/corrections/components/CorrectionQueue';
import { PersonCorrections } from '@/features/corrections/components/PersonCorrections';
import { PortalExport } from '@/features/corrections/components/PortalExport';
import { usePerson } from '@/features/people/api/people';
import { AddToPrintBatch } from '@/features/wards/components/AddToPrintBatch';
import { useI18n } from '@/lib/i18n';
import { useSession } from '@/lib/session';

export function PersonCorrectionsPage({ personId }: { personId: string }) {
  const { t } = useI18n();
  const current = useSession();
  const person = usePerson(personId);
  const own = current?.account.person_id === personId;
  const office = current?.account.role === 'ward_officer' || current?.account.role === 'city_admin';
  if (person.error) return <ErrorNotice error={person.error} />;
  return (
    <div className="page">
      <h1>{t('correction.title')}</h1>
      {person.data && !own && (
        <p className="lead">
          <Link to={`/people/${personId}`}>{person.data.full_name}</Link> <span className="muted">{person.data.document_number_masked}</span>
        </p>
      )}
      <p>{t('correction.intro')}</p>
      <section aria-labelledby="corrections-mine">
        <h2 id="corrections-mine">{t('correction.list')}</h2>
        <PersonCorrections personId={personId} linkToQueue={office} />
      </section>
      <section aria-labelledby="corrections-new">
        <h2 id="corrections-new">{t('correction.new')}</h2>
        <CorrectionForm personId={personId} />
      </section>
      <p>
        <Link to={own ? '/me' : `/people/${personId}`}>{own ? t('me.title') : t('correction.backToPerson')}</Link>
      </p>
    </div>
  );
}

export function CorrectionQueuePage() {
  const { t } = useI18n();
  const current = useSession();
  const city = current?.account.role === 'city_admin';
  return (
    <div className="page">
      <h1>{t('queue.title')}</h1>
      <p>{city ? t('queue.introCity') : t('queue.introWard')}</p>
      <CorrectionQueue />
      {city && (
        <section aria-labelledby="corrections-export">
          <h2 id="corrections-export">{t('export.title')}</h2>
          <PortalExport />
        </section>
      )}
    </div>
  );
}

export function CorrectionPage({ id }: { id: string }) {
  const { t } = useI18n();
  const current = useSession();
  if (!current) return null;
  return (
    <div className="page">
      <h1>{t('correction.one')}</h1>
      <CorrectionDetail
        id={id}
        account={current.account}
        reprint={(correction) => (
          <AddToPrintBatch personId={correction.person_id} name={correction.person_full_name} document={correction.person_document_number_masked} />
        )}
      />
      <p>
        <Link to="/corrections">{t('queue.back')}</Link>
      </p>
    </div>
  );
}
