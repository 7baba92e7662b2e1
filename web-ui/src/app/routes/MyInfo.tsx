// "Thông tin của tôi": a resident's own QR, details and records, the
// people they declared for, and the places they (and those people) visited.
import { Link } from 'react-router';
import { useNavigate } from 'react-router';
import { ErrorNotice } from '@/components/ErrorNotice';
import { AccessLog } from '@/features/people/components/AccessLog';
import { DeclaredPeople } from '@/features/people/components/DeclaredPeople';
import { HealthDeclarationForm } from '@/features/people/components/HealthDeclarationForm';
import { HealthRecords } from '@/features/people/components/HealthRecords';
import { IdentityDetails } from '@/features/people/components/IdentityDetails';
import { MyVisits } from '@/features/people/components/MyVisits';
import { PersonForm } from '@/features/people/components/PersonForm';
import { PersonalQr } from '@/features/people/components/PersonalQr';
import { usePerson } from '@/features/people/api/people';
import { useI18n } from '@/lib/i18n';
import { useSession } from '@/lib/session';

export function MyInfo() {
  const { t } = useI18n();
  const current = useSession();
  const navigate = useNavigate();
  const personId = current?.account.person_id ?? '';
  const person = usePerson(personId);

  if (!personId) return <p className="notice">{t('me.noPerson')}</p>;
  return (
    <div className="page">
      <h1>{t('me.title')}</h1>
      <PersonalQr personId={personId} />
      <p className="actions">
        <Link className="button" to={`/people/${personId}/card`}>
          {t('card.open')}
        </Link>
        <Link className="button" to="/me/access-log">
          {t('ledger.open')}
        </Link>
        <Link className="button" to={`/people/${personId}/corrections`}>
          {t('correction.open')}
        </Link>
      </p>
      <section aria-labelledby="me-details">
        <h2 id="me-details">{t('me.details')}</h2>
        <ErrorNotice error={person.error} />
        {person.data && <IdentityDetails person={person.data} />}
      </section>
      <section aria-labelledby="me-records">
        <h2 id="me-records">{t('me.records')}</h2>
        <HealthRecords personId={personId} />
      </section>
      <section aria-labelledby="me-declare">
        <h2 id="me-declare">{t('declaration.title')}</h2>
        <HealthDeclarationForm personId={personId} />
      </section>
      <section aria-labelledby="me-declared">
        <h2 id="me-declared">{t('declared.title')}</h2>
        <DeclaredPeople personId={personId} />
        <details className="panel">
          <summary>{t('declared.add')}</summary>
          <p>{t('declared.addIntro')}</p>
          <PersonForm onCreated={(created) => navigate(`/people/${created.id}`)} submitLabel={t('declared.submit')} />
        </details>
      </section>
      <section aria-labelledby="me-visits">
        <h2 id="me-visits">{t('myVisits.title')}</h2>
        <MyVisits />
      </section>
    </div>
  );
}

/** The resident's own access ledger. */
export function MyAccessLog() {
  const { t } = useI18n();
  const current = useSession();
  const personId = current?.account.person_id ?? '';
  if (!personId) return <p className="notice">{t('me.noPerson')}</p>;
  return (
    <div className="page">
      <h1>{t('ledger.title')}</h1>
      <p>{t('ledger.intro')}</p>
      <AccessLog personId={personId} />
      <p>
        <Link to="/me">{t('me.title')}</Link>
      </p>
    </div>
  );
}
