// An organization's accounts: its admins and checkpoint staff. The admin
// creates staff accounts, optionally bound to one checkpoint, and turns
// accounts off and on.
import { zodResolver } from '@hookform/resolvers/zod';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { ErrorNotice } from '@/components/ErrorNotice';
import { SelectField, TextField } from '@/components/Field';
import { showFieldErrors } from '@/lib/forms';
import { useI18n } from '@/lib/i18n';
import { useCheckpoints, useCreateAccount, useOrganizationAccounts, useSetAccountActive } from '../api/organizations';

const schema = z.object({
  username: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._@-]{3,64}$/, 'validation.username'),
  password: z.string().min(10, 'validation.password').max(128, 'validation.tooLong'),
  role: z.enum(['checkpoint_staff', 'organization_admin']),
  checkpoint_id: z.string(),
});
type Form = z.infer<typeof schema>;
const fields = ['username', 'password', 'role', 'checkpoint_id'] as const;

function StaffForm({ organizationId }: { organizationId: string }) {
  const { t } = useI18n();
  const checkpoints = useCheckpoints(organizationId);
  const create = useCreateAccount(organizationId);
  const form = useForm<Form>({
    resolver: zodResolver(schema),
    defaultValues: { username: '', password: '', role: 'checkpoint_staff', checkpoint_id: '' },
  });
  const errors = form.formState.errors;
  const role = form.watch('role');
  const submit = form.handleSubmit((values) =>
    create.mutate(
      {
        username: values.username,
        password: values.password,
        role: values.role,
        checkpoint_id: values.role === 'checkpoint_staff' && values.checkpoint_id ? values.checkpoint_id : null,
      },
      {
        onSuccess: () => form.reset(),
        onError: (error) => showFieldErrors(error, form.setError, fields),
      },
    ),
  );
  return (
    <form onSubmit={submit} noValidate aria-label={t('staff.new')}>
      <TextField id="staff-username" label={t('login.username')} autoComplete="off" autoCapitalize="none" error={errors.username?.message} {...form.register('username')} />
      <TextField id="staff-password" type="password" label={t('login.password')} hint={t('staff.passwordHint')} autoComplete="new-password" error={errors.password?.message} {...form.register('password')} />
      <SelectField id="staff-role" label={t('staff.role')} {...form.register('role')}>
        <option value="checkpoint_staff">{t('role.checkpoint_staff')}</option>
        <option value="organization_admin">{t('role.organization_admin')}</option>
      </SelectField>
      {role === 'checkpoint_staff' && (
        <SelectField id="staff-checkpoint" label={t('staff.checkpoint')} error={errors.checkpoint_id?.message} {...form.register('checkpoint_id')}>
          <option value="">{t('staff.anyCheckpoint')}</option>
          {checkpoints.data?.map((checkpoint) => (
            <option key={checkpoint.id} value={checkpoint.id}>
              {checkpoint.name}
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

export function Staff({ organizationId, currentAccountId }: { organizationId: string; currentAccountId: string }) {
  const { t } = useI18n();
  const accounts = useOrganizationAccounts(organizationId);
  const checkpoints = useCheckpoints(organizationId);
  const setActive = useSetAccountActive(organizationId);
  const checkpointName = (id: string | null | undefined) =>
    id ? (checkpoints.data?.find((checkpoint) => checkpoint.id === id)?.name ?? '') : t('staff.anyCheckpoint');
  return (
    <>
      <ErrorNotice error={accounts.error ?? setActive.error} />
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">{t('staff.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('login.username')}</th>
              <th scope="col">{t('staff.role')}</th>
              <th scope="col">{t('staff.checkpoint')}</th>
              <th scope="col">{t('staff.state')}</th>
            </tr>
          </thead>
          <tbody>
            {accounts.data?.map((account) => (
              <tr key={account.id}>
                <td>{account.username}</td>
                <td>{t(`role.${account.role}`)}</td>
                <td>{account.role === 'checkpoint_staff' ? checkpointName(account.checkpoint_id) : ''}</td>
                <td>
                  {account.active ? t('staff.active') : t('staff.inactive')}{' '}
                  {account.id !== currentAccountId && (
                    <button
                      type="button"
                      disabled={setActive.isPending}
                      onClick={() => setActive.mutate({ id: account.id, active: !account.active })}
                      aria-label={`${account.active ? t('staff.deactivate') : t('staff.activate')} ${account.username}`}
                    >
                      {account.active ? t('staff.deactivate') : t('staff.activate')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <details className="panel">
        <summary>{t('staff.new')}</summary>
        <StaffForm organizationId={organizationId} />
      </details>
    </>
  );
}
