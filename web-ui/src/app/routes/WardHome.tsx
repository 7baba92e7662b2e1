// A ward officer's desk: find a resident by document number, or register
// one; from here, too, the bulk work and the correction requests.
import { Link, useNavigate } from 'react-router';
import { FindPerson } from '@/features/people/components/FindPerson';
import { PersonForm } from '@/features/people/components/PersonForm';
import { useI18n } from '@/lib/i18n';
import { useSession } from '@/lib/session';

export function WardHome() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const current = useSession();
  const open = (person: { id: string }) => navigate(`/people/${person.id}`);
  return (
    <>
      <div className="page two-columns">
        <section aria-labelledby="ward-find">
          <h1 id="ward-find">{t('ward.findTitle')}</h1>
          <FindPerson onFound={open} />
        </section>
        <section aria-labelledby="ward-create">
          <h2 id="ward-create">{t('ward.createTitle')}</h2>
          <PersonForm wardCode={current?.account.ward_code} onCreated={open} />
        </section>
      </div>
      <nav className="actions ward-more" aria-label={t('ward.more')}>
        <Link className="button" to="/ward/import">
          {t('import.title')}
        </Link>
        <Link className="button" to="/ward/cards">
          {t('batch.title')}
        </Link>
        <Link className="button" to="/corrections">
          {t('queue.title')}
        </Link>
      </nav>
    </>
  );
}
