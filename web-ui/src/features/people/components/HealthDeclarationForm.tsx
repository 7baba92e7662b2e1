// A health declaration ("khai báo y tế"): symptoms, contact with a case and
// travel, now.
import { useForm } from 'react-hook-form';
import { ErrorNotice } from '@/components/ErrorNotice';
import { useI18n } from '@/lib/i18n';
import { useAddHealthDeclaration } from '../api/people';

const symptoms = ['fever', 'cough', 'short_breath', 'loss_of_taste', 'sore_throat'] as const;

interface Form {
  symptoms: string[];
  contact_with_case: boolean;
  recent_travel: boolean;
}

export function HealthDeclarationForm({ personId }: { personId: string }) {
  const { t } = useI18n();
  const add = useAddHealthDeclaration(personId);
  const form = useForm<Form>({ defaultValues: { symptoms: [], contact_with_case: false, recent_travel: false } });
  const submit = form.handleSubmit((values) => add.mutate(values, { onSuccess: () => form.reset() }));
  return (
    <form onSubmit={submit} aria-label={t('declaration.title')}>
      <fieldset>
        <legend>{t('declaration.symptoms')}</legend>
        {symptoms.map((symptom) => (
          <label key={symptom} className="check">
            <input type="checkbox" value={symptom} {...form.register('symptoms')} />
            {t(`declaration.symptom.${symptom}`)}
          </label>
        ))}
      </fieldset>
      <label className="check">
        <input type="checkbox" {...form.register('contact_with_case')} />
        {t('declaration.contact')}
      </label>
      <label className="check">
        <input type="checkbox" {...form.register('recent_travel')} />
        {t('declaration.travel')}
      </label>
      {add.isSuccess && (
        <p className="notice notice-ok" role="status">
          {t('declaration.saved')}
        </p>
      )}
      <ErrorNotice error={add.error} />
      <button type="submit" className="primary" disabled={add.isPending}>
        {t('declaration.submit')}
      </button>
    </form>
  );
}
