// Creating a person: a ward officer registers a resident of their ward, a
// resident declares a relative. Checked before sending; the API's field
// errors land beside the fields.
import { zodResolver } from '@hookform/resolvers/zod';
import { useForm } from 'react-hook-form';
import { ErrorNotice } from '@/components/ErrorNotice';
import { showFieldErrors } from '@/lib/forms';
import { useI18n } from '@/lib/i18n';
import { useCreatePerson, useWards, type Person } from '../api/people';
import { PersonFieldset } from './PersonFieldset';
import { emptyPerson, personFields, personSchema, toPersonInput, type PersonForm as Form } from './personSchema';

interface Props {
  /** A ward officer's ward: fixed. Without it the person picks a ward. */
  wardCode?: string | null | undefined;
  onCreated: (person: Person) => void;
  submitLabel?: string;
}

export function PersonForm({ wardCode, onCreated, submitLabel }: Props) {
  const { t } = useI18n();
  const wards = useWards();
  const create = useCreatePerson();
  const form = useForm<Form>({
    resolver: zodResolver(personSchema),
    defaultValues: emptyPerson(wardCode ?? ''),
  });
  const errors = form.formState.errors;
  const submit = form.handleSubmit((values) => {
    create.mutate(toPersonInput(values), {
      onSuccess: (person) => {
        form.reset();
        onCreated(person);
      },
      onError: (error) => {
        showFieldErrors(error, form.setError, personFields);
      },
    });
  });
  const unmatched = create.error && !Object.keys(errors).length ? create.error : null;

  return (
    <form onSubmit={submit} noValidate aria-label={t('personForm.title')}>
      <PersonFieldset
        register={(name) => form.register(name)}
        errors={Object.fromEntries(personFields.map((name) => [name, errors[name]?.message]))}
        wards={wards.data}
        wardCode={wardCode}
      />
      <ErrorNotice error={unmatched} />
      <button type="submit" className="primary" disabled={create.isPending}>
        {submitLabel ?? t('personForm.submit')}
      </button>
    </form>
  );
}
