// A ward officer records a recovery certificate ("F0 khỏi bệnh").
import { zodResolver } from '@hookform/resolvers/zod';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { ErrorNotice } from '@/components/ErrorNotice';
import { TextField } from '@/components/Field';
import { showFieldErrors } from '@/lib/forms';
import { useI18n } from '@/lib/i18n';
import { useAddRecovery } from '../api/people';

const isoDate = /^\d{4}-\d{2}-\d{2}$/;
const schema = z
  .object({
    positive_on: z.string().regex(isoDate, 'validation.date'),
    recovered_on: z.string().regex(isoDate, 'validation.date'),
    certificate_number: z.string().trim().max(64, 'validation.tooLong'),
  })
  .refine((value) => value.recovered_on >= value.positive_on, {
    path: ['recovered_on'],
    message: 'validation.recoveryOrder',
  });
type Form = z.infer<typeof schema>;
const fields = ['positive_on', 'recovered_on', 'certificate_number'] as const;

export function RecoveryForm({ personId }: { personId: string }) {
  const { t } = useI18n();
  const add = useAddRecovery(personId);
  const form = useForm<Form>({
    resolver: zodResolver(schema),
    defaultValues: { positive_on: '', recovered_on: '', certificate_number: '' },
  });
  const errors = form.formState.errors;
  const submit = form.handleSubmit((values) =>
    add.mutate(
      { ...values, certificate_number: values.certificate_number || null },
      {
        onSuccess: () => form.reset(),
        onError: (error) => showFieldErrors(error, form.setError, fields),
      },
    ),
  );
  return (
    <form onSubmit={submit} noValidate aria-label={t('recovery.title')}>
      <TextField id="positive_on" type="date" label={t('recovery.positiveOn')} error={errors.positive_on?.message} {...form.register('positive_on')} />
      <TextField id="recovered_on" type="date" label={t('recovery.recoveredOn')} error={errors.recovered_on?.message} {...form.register('recovered_on')} />
      <TextField
        id="certificate_number"
        label={t('recovery.certificate')}
        hint={t('common.optional')}
        error={errors.certificate_number?.message}
        {...form.register('certificate_number')}
      />
      {add.isSuccess && (
        <p className="notice notice-ok" role="status">
          {t('recovery.saved')}
        </p>
      )}
      {add.error && !Object.keys(errors).length ? <ErrorNotice error={add.error} /> : null}
      <button type="submit" className="primary" disabled={add.isPending}>
        {t('recovery.submit')}
      </button>
    </form>
  );
}
