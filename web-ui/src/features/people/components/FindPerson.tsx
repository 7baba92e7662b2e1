// A ward officer finds a resident by document number, stating why: the
// purpose is kept for the login, so a queue of residents needs it once.
import { zodResolver } from '@hookform/resolvers/zod';
import { Controller, useForm } from 'react-hook-form';
import { z } from 'zod';
import { ApiProblem } from '@/api/problem';
import { ErrorNotice } from '@/components/ErrorNotice';
import { TextField } from '@/components/Field';
import { PurposeField, wardPurposes } from '@/components/PurposeField';
import { showFieldErrors } from '@/lib/forms';
import { isMessageKey, useI18n } from '@/lib/i18n';
import { normalPurpose, purpose, PURPOSE_MAX, PURPOSE_MIN } from '@/lib/purpose';
import { useSearchPerson, type Person } from '../api/people';

const schema = z.object({
  document_number: z
    .string()
    .trim()
    .min(1, 'validation.required')
    .regex(/^[A-Za-z0-9\s]{6,24}$/, 'validation.documentShape'),
  purpose: z
    .string()
    .transform(normalPurpose)
    .pipe(z.string().min(PURPOSE_MIN, 'validation.purpose').max(PURPOSE_MAX, 'validation.purpose')),
});

type Input = z.input<typeof schema>;
type Output = z.output<typeof schema>;

export function FindPerson({ onFound }: { onFound: (person: Person) => void }) {
  const { t } = useI18n();
  const search = useSearchPerson();
  const form = useForm<Input, unknown, Output>({
    resolver: zodResolver(schema),
    defaultValues: { document_number: '', purpose: purpose.get() ?? '' },
  });
  const submit = form.handleSubmit((values) => {
    purpose.set(values.purpose);
    search.mutate(
      { documentNumber: values.document_number.replace(/\s/g, ''), purpose: values.purpose },
      {
        onSuccess: onFound,
        onError: (error) => {
          if (!(error instanceof ApiProblem)) return;
          // The API names the header as the failing field; it belongs beside the purpose.
          const stated = error.fieldErrors.find((fieldError) => fieldError.field === 'X-Access-Purpose');
          if (stated) {
            const key = `apiField.${stated.code}`;
            form.setError('purpose', { type: 'server', message: isMessageKey(key) ? key : stated.message });
          }
          showFieldErrors(error, form.setError, ['document_number']);
        },
      },
    );
  });
  const notFound = search.error instanceof ApiProblem && search.error.status === 404;
  const onField = search.error instanceof ApiProblem && search.error.fieldErrors.length > 0;
  return (
    <form onSubmit={submit} noValidate role="search" aria-label={t('ward.findTitle')}>
      <TextField
        id="search-document"
        label={t('person.document')}
        autoComplete="off"
        error={form.formState.errors.document_number?.message}
        {...form.register('document_number')}
      />
      <Controller
        control={form.control}
        name="purpose"
        render={({ field, fieldState }) => (
          <PurposeField id="search-purpose" presets={wardPurposes} value={field.value} onChange={field.onChange} error={fieldState.error?.message} />
        )}
      />
      {notFound ? (
        <p className="notice" role="status">
          {t('ward.notFound')}
        </p>
      ) : (
        !onField && <ErrorNotice error={search.error} />
      )}
      <button type="submit" className="primary" disabled={search.isPending}>
        {t('ward.find')}
      </button>
    </form>
  );
}
