// One person: for a ward officer their records, a recovery to record, their
// card to print (alone or with others), a card link to text them, their
// correction requests and who read their data; for a resident, someone they
// declared for.
import { useState } from 'react';
import { Link } from 'react-router';
import { ErrorNotice } from '@/components/ErrorNotice';
import { AddToPrintBatch } from '@/features/wards/components/AddToPrintBatch';
import { AccessLog } from '@/features/people/components/AccessLog';
import { CardLinks } from '@/features/people/components/CardLinks';
import { HealthRecords } from '@/features/people/components/HealthRecords';
import { IdentityDetails } from '@/features/people/components/IdentityDetails';
import { PersonalQr } from '@/features/people/components/PersonalQr';
import { RecoveryForm } from '@/features/people/components/RecoveryForm';
import { usePerson } from '@/features/people/api/people';
import { useI18n } from '@/lib/i18n';
import { useSession } from '@/lib/session';

/** Who read the person's data, loaded only when opened. */
function Ledger({ personId }: { personId: string }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  return (
    <details className="panel" onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>{t('ledger.show')}</summary>
      <p>{t('ledger.introOther')}</p>
      {open && <AccessLog personId={personId} own={false} />}
    </details>
  );
}

export function PersonPage({ personId }: { personId: string }) {
  const { t } = useI18n();
  const current = useSession();
  const person = usePerson(personId);
  const role = current?.account.role;
  const office = role === 'ward_officer' || role === 'city_admin';
  const readsLedger = office || role === 'resident';

  if (person.error) return <ErrorNotice error={person.error} />;
  if (!person.data) return <p aria-busy="true">{t('common.loading')}</p>;
  return (
    <div className="page">
      <h1>{person.data.full_name}</h1>
      <PersonalQr personId={personId} />
      <p className="actions">
        <Link className="button" to={`/people/${personId}/card`}>
          {t('card.open')}
        </Link>
        {role !== 'health_officer' && (
          <Link className="button" to={`/people/${personId}/corrections`}>
            {t('correction.open')}
          </Link>
        )}
      </p>
      {office && <AddToPrintBatch personId={personId} name={person.data.full_name} document={person.data.document_number_masked} />}
      <section aria-labelledby="person-details">
        <h2 id="person-details">{t('me.details')}</h2>
        <IdentityDetails person={person.data} />
      </section>
      <section aria-labelledby="person-records">
        <h2 id="person-records">{t('me.records')}</h2>
        <HealthRecords personId={personId} />
      </section>
      {office && (
        <section aria-labelledby="person-recovery">
          <h2 id="person-recovery">{t('recovery.title')}</h2>
          <RecoveryForm personId={personId} />
        </section>
      )}
      {office && (
        <section aria-labelledby="person-card-link">
          <h2 id="person-card-link">{t('cardLinks.title')}</h2>
          <CardLinks person={person.data} />
        </section>
      )}
      {readsLedger && (
        <section aria-labelledby="person-ledger">
          <h2 id="person-ledger">{t('ledger.titleOther')}</h2>
          <Ledger personId={personId} />
        </section>
      )}
    </div>
  );
}
