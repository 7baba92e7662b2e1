// A ward officer finds a resident by document number.
import { zodResolver } from '@hookform/resolvers/zod';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { ApiProblem } from '@/api/problem';
import { ErrorNotice } from '@/components/ErrorNotice';
import { TextField } from '@/components/Field';
import { useI18n } from '@/lib/i18n';
import { useSearchPerson, type Person } from '../api/people';

const schema = z.object({
  document_number: z
    .string()
    .trim()
    .min(1, 'validation.required')
    .regex(/^[A-Za-z0-9\s]{6,24}$/, 'validation.documentShape'),
});

export function FindPerson({ onFound }: { onFound: (person: Person) => void }) {
  const { t } = useI18n();
  const search = useSearchPerson();
  const form = useForm<z.infer<typeof schema>>({ resolver: zodResolver(schema), defaultValues: { document_number: '' } });
  const submit = form.handleSubmit(({ document_number }) =>
    search.mutate(document_number.replace(/\s/g, ''), { onSuccess: onFound }),
  );
  const notFound = search.error instanceof ApiProblem && search.error.status === 404;
  return (
    <form onSubmit={submit} noValidate role="search" aria-label={t('ward.findTitle')}>
      <TextField
        id="search-document"
        label={t('person.document')}
        autoComplete="off"
        error={form.formState.errors.document_number?.message}
        {...form.register('document_number')}
      />
      {notFound ? (
        <p className="notice" role="status">
          {t('ward.notFound')}
        </p>
      ) : (
        <ErrorNotice error={search.error} />
      )}
      <button type="submit" className="primary" disabled={search.isPending}>
        {t('ward.find')}
      </button>
    </form>
  );
}
