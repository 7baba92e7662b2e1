// Creating a person: a ward officer registers a resident of their ward, a
// resident declares a relative. Checked before sending; the API's field
// errors land beside the fields.
import { zodResolver } from '@hookform/resolvers/zod';
import { useForm } from 'react-hook-form';
import { ErrorNotice } from '@/components/ErrorNotice';
import { SelectField, TextField } from '@/components/Field';
import { showFieldErrors } from '@/lib/forms';
import { useI18n } from '@/lib/i18n';
import { useCreatePerson, useWards, type Person } from '../api/people';
import { personFields, personSchema, type PersonForm as Form } from './personSchema';

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
    defaultValues: {
      document_kind: 'cccd',
      document_number: '',
      full_name: '',
      birth_date: '',
      gender: 'unknown',
      ward_code: wardCode ?? '',
      phone: '',
      address: '',
    },
  });
  const errors = form.formState.errors;
  const submit = form.handleSubmit((values) => {
    create.mutate(
      {
        ...values,
        document_number: values.document_number.replace(/\s/g, ''),
        phone: values.phone || null,
        address: values.address || null,
      },
      {
        onSuccess: (person) => {
          form.reset();
          onCreated(person);
        },
        onError: (error) => {
          showFieldErrors(error, form.setError, personFields);
        },
      },
    );
  });
  const unmatched = create.error && !Object.keys(errors).length ? create.error : null;

  return (
    <form onSubmit={submit} noValidate aria-label={t('personForm.title')}>
      <SelectField id="document_kind" label={t('person.documentKind')} {...form.register('document_kind')}>
        <option value="cccd">{t('person.kind.cccd')}</option>
        <option value="cmnd">{t('person.kind.cmnd')}</option>
        <option value="passport">{t('person.kind.passport')}</option>
      </SelectField>
      <TextField
        id="document_number"
        label={t('person.document')}
        inputMode="text"
        autoComplete="off"
        error={errors.document_number?.message}
        {...form.register('document_number')}
      />
      <TextField
        id="full_name"
        label={t('person.fullName')}
        hint={t('personForm.nameHint')}
        error={errors.full_name?.message}
        {...form.register('full_name')}
      />
      <TextField
        id="birth_date"
        type="date"
        label={t('person.birthDate')}
        error={errors.birth_date?.message}
        {...form.register('birth_date')}
      />
      <SelectField id="gender" label={t('person.gender')} {...form.register('gender')}>
        <option value="unknown">{t('person.gender.unknown')}</option>
        <option value="female">{t('person.gender.female')}</option>
        <option value="male">{t('person.gender.male')}</option>
      </SelectField>
      <SelectField
        id="ward_code"
        label={t('person.ward')}
        disabled={Boolean(wardCode)}
        error={errors.ward_code?.message}
        {...form.register('ward_code')}
      >
        <option value="">{t('personForm.chooseWard')}</option>
        {wards.data?.map((ward) => (
          <option key={ward.code} value={ward.code}>
            {ward.name}
          </option>
        ))}
        {wardCode && !wards.data?.some((ward) => ward.code === wardCode) && <option value={wardCode}>{wardCode}</option>}
      </SelectField>
      <TextField
        id="phone"
        type="tel"
        label={t('person.phone')}
        hint={t('common.optional')}
        error={errors.phone?.message}
        {...form.register('phone')}
      />
      <TextField
        id="address"
        label={t('person.address')}
        hint={t('common.optional')}
        error={errors.address?.message}
        {...form.register('address')}
      />
      <ErrorNotice error={unmatched} />
      <button type="submit" className="primary" disabled={create.isPending}>
        {submitLabel ?? t('personForm.submit')}
      </button>
    </form>
  );
}
