// An organization's registration details and its code.
import { useI18n } from '@/lib/i18n';
import type { Organization } from '../api/organizations';

export function OrganizationDetails({ organization }: { organization: Organization }) {
  const { t } = useI18n();
  return (
    <dl className="details">
      <dt>{t('org.code')}</dt>
      <dd>
        <code>{organization.code}</code>
      </dd>
      <dt>{t('org.taxCode')}</dt>
      <dd>{organization.tax_code}</dd>
      <dt>{t('org.address')}</dt>
      <dd>{organization.address}</dd>
      <dt>{t('org.sector')}</dt>
      <dd>{organization.sector}</dd>
      <dt>{t('org.phone')}</dt>
      <dd>{organization.contact_phone}</dd>
    </dl>
  );
}
