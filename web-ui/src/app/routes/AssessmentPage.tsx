// The organization admin's self-assessment page.
import { SelfAssessment } from '@/features/assessments/components/SelfAssessment';
import { useI18n } from '@/lib/i18n';
import { useSession } from '@/lib/session';

export function AssessmentPage() {
  const { t } = useI18n();
  const organizationId = useSession()?.account.organization_id;
  if (!organizationId) return <p className="notice">{t('org.none')}</p>;
  return (
    <div className="page">
      <h1>{t('assessment.title')}</h1>
      <SelfAssessment organizationId={organizationId} />
    </div>
  );
}
