// A health officer states the investigation's purpose once, before any page
// that reads visits or people loads; it is then sent on every such read and
// shown above the page, with a way to change it. Should the API still
// answer `purpose_required` (the tab's storage cleared under the page), the
// form comes back with the API's refusal beside the purpose.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { ApiProblem } from '@/api/problem';
import { useI18n } from '@/lib/i18n';
import { normalPurpose, purpose, PURPOSE_MAX, PURPOSE_MIN, usePurpose } from '@/lib/purpose';
import { useSession } from '@/lib/session';
import { healthPurposes, PurposeField } from './PurposeField';

export function PurposeGate({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const current = useSession();
  const stated = usePurpose();
  const [draft, setDraft] = useState(stated ?? '');
  const [error, setError] = useState<string | undefined>();
  const [changing, setChanging] = useState(false);
  const queryClient = useQueryClient();

  useEffect(
    () =>
      queryClient.getQueryCache().subscribe((event) => {
        const failure = event.query.state.error;
        if (event.type === 'updated' && failure instanceof ApiProblem && failure.code === 'purpose_required') {
          purpose.set(null);
          setError('apiField.purpose_required');
        }
      }),
    [queryClient],
  );

  if (current?.account.role !== 'health_officer') return <>{children}</>;

  if (stated && !changing) {
    return (
      <>
        <p className="notice purpose-bar" role="status">
          <span>{t('purpose.current', { purpose: stated })}</span>
          <button
            type="button"
            onClick={() => {
              setDraft(stated);
              setChanging(true);
            }}
          >
            {t('purpose.change')}
          </button>
        </p>
        {children}
      </>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const text = normalPurpose(draft);
    if (text.length < PURPOSE_MIN || text.length > PURPOSE_MAX) {
      setError('validation.purpose');
      return;
    }
    setError(undefined);
    purpose.set(text);
    setChanging(false);
  };

  return (
    <section className="narrow" aria-labelledby="purpose-title">
      <h1 id="purpose-title">{t('purpose.legend')}</h1>
      <p>{t('purpose.healthIntro')}</p>
      <form onSubmit={submit} noValidate aria-labelledby="purpose-title">
        <PurposeField id="investigation-purpose" presets={healthPurposes} value={draft} onChange={setDraft} error={error} />
        <p className="hint">{t('purpose.kept')}</p>
        <button type="submit" className="primary">
          {t('purpose.continue')}
        </button>
      </form>
    </section>
  );
}
