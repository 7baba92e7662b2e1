// One person: for a ward officer their records, a recovery to record and
// their card to print; for a resident, someone they declared for.
import { Link } from 'react-router';
import { ErrorNotice } from '@/components/ErrorNotice';
import { HealthRecords } from '@/features/people/components/HealthRecords';
import { IdentityDetails } from '@/features/people/components/IdentityDetails';
import { PersonalQr } from '@/features/people/components/PersonalQr';
import { RecoveryForm } from '@/features/people/components/RecoveryForm';
import { usePerson } from '@/features/people/api/people';
import { useI18n } from '@/lib/i18n';
import { useSession } from '@/lib/session';

export function PersonPage({ personId }: { personId: string }) {
  const { t } = useI18n();
  const current = useSession();
  const person = usePerson(personId);
  const role = current?.account.role;
  const records = role === 'ward_officer' || role === 'city_admin';

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
      </p>
      <section aria-labelledby="person-details">
        <h2 id="person-details">{t('me.details')}</h2>
        <IdentityDetails person={person.data} />
      </section>
      <section aria-labelledby="person-records">
        <h2 id="person-records">{t('me.records')}</h2>
        <HealthRecords personId={personId} />
      </section>
      {records && (
        <section aria-labelledby="person-recovery">
          <h2 id="person-recovery">{t('recovery.title')}</h2>
          <RecoveryForm personId={personId} />
        </section>
      )}
    </div>
  );
}
