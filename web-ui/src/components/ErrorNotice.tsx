// What went wrong, in words: the API's problem detail, or that the network is down.
import { ApiProblem, isNetworkError } from '@/api/problem';
import { useI18n } from '@/lib/i18n';

export function errorText(error: unknown, t: ReturnType<typeof useI18n>['t']): string {
  if (error instanceof ApiProblem) {
    if (error.status === 403) return t('error.forbidden');
    if (error.status === 404) return t('error.notFound');
    if (error.status >= 500) return t('error.server');
    return error.message;
  }
  if (isNetworkError(error)) {
    return t('error.network');
  }
  return t('error.unknown');
}

export function ErrorNotice({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) return null;
  return (
    <p className="notice notice-error" role="alert">
      {errorText(error, t)}
    </p>
  );
}
