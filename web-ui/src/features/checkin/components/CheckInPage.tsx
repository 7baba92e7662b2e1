// The page a location QR opens: which organization and area the poster
// belongs to, whether the code is still in force, and what the visitor does.
//
// Limitation: the API has no self check-in by location code yet, so this
// page tells a logged-in resident to show their personal QR to the staff at
// the area instead of recording the visit itself; the check-in button comes
// with the organizations work that adds the endpoint.
import { Link } from 'react-router';
import { ApiProblem } from '@/api/problem';
import { ErrorNotice } from '@/components/ErrorNotice';
import { useI18n } from '@/lib/i18n';
import type { Account } from '@/lib/session';
import { useLocationCode } from '../api/location';

export function CheckInPage({ code, account }: { code: string; account: Account | null }) {
  const { t } = useI18n();
  const location = useLocationCode(code);

  if (location.error instanceof ApiProblem && location.error.status === 404) {
    return (
      <section className="narrow">
        <h1>{t('checkin.title')}</h1>
        <p className="notice notice-error" role="alert">
          {t('checkin.unknown')}
        </p>
      </section>
    );
  }
  if (location.error) return <ErrorNotice error={location.error} />;
  if (!location.data) return <p aria-busy="true">{t('common.loading')}</p>;

  const place = location.data;
  return (
    <section className="narrow checkin" aria-labelledby="checkin-title">
      <h1 id="checkin-title">{t('checkin.title')}</h1>
      <p className="checkin-org">{place.organization_name}</p>
      <p className="checkin-area">{place.checkpoint_name}</p>
      {!place.active ? (
        <p className="notice notice-error" role="alert">
          {t('checkin.replaced')}
        </p>
      ) : account?.role === 'resident' ? (
        <>
          <p className="notice">{t('checkin.showQr')}</p>
          <Link className="button primary" to="/me">
            {t('checkin.myQr')}
          </Link>
        </>
      ) : account ? (
        <p className="notice">{t('checkin.residentsOnly')}</p>
      ) : (
        <>
          <p className="notice">{t('checkin.loginFirst')}</p>
          <Link className="button primary" to={`/login?next=${encodeURIComponent(`/check-in/${code}`)}`}>
            {t('login.submit')}
          </Link>
        </>
      )}
    </section>
  );
}
