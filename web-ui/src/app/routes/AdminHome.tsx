// The city administrator's and health officers' home: every organization,
// and for the administrator, new officer accounts.
import { Link } from 'react-router';
import { ErrorNotice } from '@/components/ErrorNotice';
import { OfficerAccountForm } from '@/features/accounts/components/OfficerAccountForm';
import { useOrganizations } from '@/features/organizations/api/organizations';
import { useI18n } from '@/lib/i18n';
import { useSession } from '@/lib/session';

export function AdminHome() {
  const { t } = useI18n();
  const current = useSession();
  const organizations = useOrganizations();
  return (
    <div className="page">
      <h1>{current?.account.role === 'city_admin' ? t('admin.title') : t('health.title')}</h1>
      <section aria-labelledby="admin-orgs">
        <h2 id="admin-orgs">{t('admin.organizations')}</h2>
        <ErrorNotice error={organizations.error} />
        {organizations.data?.items.length === 0 && <p className="empty">{t('admin.noOrganizations')}</p>}
        <ul className="link-list">
          {organizations.data?.items.map((organization) => (
            <li key={organization.id}>
              <Link to={`/organizations/${organization.id}`}>{organization.name}</Link>{' '}
              <span className="muted">{organization.code}</span>
            </li>
          ))}
        </ul>
      </section>
      {current?.account.role === 'city_admin' && (
        <section aria-labelledby="admin-accounts">
          <h2 id="admin-accounts">{t('admin.newAccount')}</h2>
          <OfficerAccountForm />
        </section>
      )}
    </div>
  );
}
