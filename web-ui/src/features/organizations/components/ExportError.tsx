// Why a list's download failed: a list too long for an XLSX file gets its
// own advice (narrow the filter, or take the CSV, which has no limit).
import { ApiProblem } from '@/api/problem';
import { ErrorNotice } from '@/components/ErrorNotice';
import { useI18n } from '@/lib/i18n';

export function ExportError({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (error instanceof ApiProblem && error.code === 'export_too_large') {
    return (
      <p className="notice notice-error" role="alert">
        {t('lists.exportTooLarge')}
      </p>
    );
  }
  return <ErrorNotice error={error} />;
}
