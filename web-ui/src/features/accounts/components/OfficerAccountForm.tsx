// The city administrator creates ward officers (bound to a ward), health
// officers and other administrators.
import { zodResolver } from '@hookform/resolvers/zod';
import { useQuery } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { api } from '@/api/client';
import { unwrap } from '@/api/problem';
import { ErrorNotice } from '@/components/ErrorNotice';
import { SelectField, TextField } from '@/components/Field';
import { showFieldErrors } from '@/lib/forms';
import { useI18n } from '@/lib/i18n';
import { useCreateOfficerAccount } from '../api/accounts';

const schema = z
  .object({
    username: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9._@-]{3,64}$/, 'validation.username'),
    password: z.string().min(10, 'validation.password').max(128, 'validation.tooLong'),
    role: z.enum(['ward_officer', 'health_officer', 'city_admin']),
    ward_code: z.string(),
  })
  .refine((value) => value.role !== 'ward_officer' || /^\d{5}$/.test(value.ward_code), {
    path: ['ward_code'],
    message: 'validation.ward',
  });
type Form = z.infer<typeof schema>;
const fields = ['username', 'password', 'role', 'ward_code'] as const;

export function OfficerAccountForm() {
  const { t } = useI18n();
  const wards = useQuery({ queryKey: ['wards'], queryFn: async () => unwrap(await api.GET('/api/v1/wards')), staleTime: Infinity });
  const create = useCreateOfficerAccount();
  const form = useForm<Form>({
    resolver: zodResolver(schema),
    defaultValues: { username: '', password: '', role: 'ward_officer', ward_code: '' },
  });
  const errors = form.formState.errors;
  const role = form.watch('role');
  const submit = form.handleSubmit((values) =>
    create.mutate(
      { ...values, ward_code: values.role === 'ward_officer' ? values.ward_code : null },
      { onSuccess: () => form.reset(), onError: (error) => showFieldErrors(error, form.setError, fields) },
    ),
  );
  return (
    <form onSubmit={submit} noValidate aria-label={t('admin.newAccount')}>
      <TextField id="officer-username" label={t('login.username')} autoComplete="off" autoCapitalize="none" error={errors.username?.message} {...form.register('username')} />
      <TextField id="officer-password" type="password" label={t('login.password')} hint={t('staff.passwordHint')} autoComplete="new-password" error={errors.password?.message} {...form.register('password')} />
      <SelectField id="officer-role" label={t('staff.role')} {...form.register('role')}>
        <option value="ward_officer">{t('role.ward_officer')}</option>
        <option value="health_officer">{t('role.health_officer')}</option>
        <option value="city_admin">{t('role.city_admin')}</option>
      </SelectField>
      {role === 'ward_officer' && (
        <SelectField id="officer-ward" label={t('person.ward')} error={errors.ward_code?.message} {...form.register('ward_code')}>
          <option value="">{t('personForm.chooseWard')}</option>
          {wards.data?.map((ward) => (
            <option key={ward.code} value={ward.code}>
              {ward.name}
            </option>
          ))}
        </SelectField>
      )}
      {create.isSuccess && (
        <p className="notice notice-ok" role="status">
          {t('staff.created')}
        </p>
      )}
      {create.error && !Object.keys(errors).length ? <ErrorNotice error={create.error} /> : null}
      <button type="submit" className="primary" disabled={create.isPending}>
        {t('staff.create')}
      </button>
    </form>
  );
}
