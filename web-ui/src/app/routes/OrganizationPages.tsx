// An organization as its admin manages it, or as the city and health
// officers look at it: details, checkpoints and posters, staff, visits.
import { Link } from 'react-router';
import { ErrorNotice } from '@/components/ErrorNotice';
import { useOrganization } from '@/features/organizations/api/organizations';
import { Checkpoints } from '@/features/organizations/components/Checkpoints';
import { OrganizationDetails } from '@/features/organizations/components/OrganizationDetails';
import { Staff } from '@/features/organizations/components/Staff';
import { StaffPeople } from '@/features/organizations/components/StaffPeople';
import { Visitors } from '@/features/organizations/components/Visitors';
import { Visits } from '@/features/organizations/components/Visits';
import { useI18n } from '@/lib/i18n';
import { useSession } from '@/lib/session';

export function OrganizationView({ organizationId }: { organizationId: string }) {
  const { t } = useI18n();
  const current = useSession();
  const organization = useOrganization(organizationId);
  const role = current?.account.role;
  const admin = role === 'organization_admin';

  if (organization.error) return <ErrorNotice error={organization.error} />;
  if (!organization.data) return <p aria-busy="true">{t('common.loading')}</p>;
  return (
    <div className="page">
      <h1>{organization.data.name}</h1>
      {admin && (
        <p className="actions">
          <Link className="button primary" to="/scan">
            {t('nav.scan')}
          </Link>{' '}
          <Link className="button" to="/organization/assessment">
            {t('assessment.open')}
          </Link>
        </p>
      )}
      <section aria-labelledby="org-details">
        <h2 id="org-details">{t('org.details')}</h2>
        <OrganizationDetails organization={organization.data} />
      </section>
      <section aria-labelledby="org-checkpoints">
        <h2 id="org-checkpoints">{t('checkpoints.title')}</h2>
        <Checkpoints organizationId={organizationId} canManage={admin || role === 'city_admin'} />
      </section>
      {admin && current && (
        <section aria-labelledby="org-staff">
          <h2 id="org-staff">{t('staff.title')}</h2>
          <Staff organizationId={organizationId} currentAccountId={current.account.id} />
        </section>
      )}
      <section aria-labelledby="org-visits">
        <h2 id="org-visits">{t('visits.title')}</h2>
        <Visits organizationId={organizationId} />
      </section>
      {/* Visitor and staff lists with status (ui4): the API lets the organization's admin and the city admin read them. */}
      {(admin || role === 'city_admin') && (
        <>
          <section aria-labelledby="org-visitors">
            <h2 id="org-visitors">{t('lists.visitors')}</h2>
            <Visitors organizationId={organizationId} />
          </section>
          <section aria-labelledby="org-staff-people">
            <h2 id="org-staff-people">{t('lists.staff')}</h2>
            <StaffPeople organizationId={organizationId} canLink={admin} />
          </section>
        </>
      )}
    </div>
  );
}

export function OrganizationHome() {
  const { t } = useI18n();
  const current = useSession();
  const organizationId = current?.account.organization_id;
  if (!organizationId) return <p className="notice">{t('org.none')}</p>;
  return <OrganizationView organizationId={organizationId} />;
}
