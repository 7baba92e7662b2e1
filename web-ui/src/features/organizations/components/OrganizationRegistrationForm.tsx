// An organization registers itself and its first admin account; it then
// receives its organization code and can create checkpoints.
import { zodResolver } from '@hookform/resolvers/zod';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { ErrorNotice } from '@/components/ErrorNotice';
import { SelectField, TextField } from '@/components/Field';
import { showFieldErrors } from '@/lib/forms';
import { useI18n } from '@/lib/i18n';
import { useRegisterOrganization, useWardList } from '../api/organizations';

const sectors = ['market', 'supermarket', 'enterprise', 'office', 'restaurant', 'other'] as const;

const schema = z.object({
  organization: z.object({
    name: z.string().trim().min(1, 'validation.required').max(200, 'validation.tooLong'),
    tax_code: z
      .string()
      .trim()
      .regex(/^\d{10}(-\d{3})?$/, 'validation.taxCode'),
    address: z.string().trim().min(1, 'validation.required').max(300, 'validation.tooLong'),
    ward_code: z.string().regex(/^\d{5}$/, 'validation.ward'),
    sector: z.enum(sectors),
    contact_phone: z
      .string()
      .trim()
      .refine((value) => /^(0|\+84)\d{9}$/.test(value.replace(/[\s.]/g, '')), 'validation.phone'),
  }),
  admin: z.object({
    username: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9._@-]{3,64}$/, 'validation.username'),
    password: z.string().min(10, 'validation.password').max(128, 'validation.tooLong'),
  }),
});
type Form = z.infer<typeof schema>;
const organizationFields = ['name', 'tax_code', 'address', 'ward_code', 'sector', 'contact_phone'] as const;

export function OrganizationRegistrationForm({ onRegistered }: { onRegistered: () => void }) {
  const { t } = useI18n();
  const wards = useWardList();
  const register = useRegisterOrganization();
  const form = useForm<Form>({
    resolver: zodResolver(schema),
    defaultValues: {
      organization: { name: '', tax_code: '', address: '', ward_code: '', sector: 'market', contact_phone: '' },
      admin: { username: '', password: '' },
    },
  });
  const errors = form.formState.errors;
  const submit = form.handleSubmit((values) =>
    register.mutate(values, {
      onSuccess: onRegistered,
      onError: (error) => {
        showFieldErrors(error, form.setError, organizationFields.map((name) => `organization.${name}` as const));
        showFieldErrors(error, form.setError, ['admin.username', 'admin.password'] as const);
      },
    }),
  );
  const shown = Boolean(errors.organization || errors.admin);
  const org = errors.organization;

  return (
    <form onSubmit={submit} noValidate aria-label={t('registerOrg.title')}>
      <fieldset>
        <legend>{t('registerOrg.organization')}</legend>
        <TextField id="org-name" label={t('registerOrg.name')} error={org?.name?.message} {...form.register('organization.name')} />
        <TextField id="org-tax-code" label={t('org.taxCode')} hint={t('registerOrg.taxCodeHint')} inputMode="numeric" error={org?.tax_code?.message} {...form.register('organization.tax_code')} />
        <TextField id="org-address" label={t('org.address')} error={org?.address?.message} {...form.register('organization.address')} />
        <SelectField id="org-ward" label={t('person.ward')} error={org?.ward_code?.message} {...form.register('organization.ward_code')}>
          <option value="">{t('personForm.chooseWard')}</option>
          {wards.data?.map((ward) => (
            <option key={ward.code} value={ward.code}>
              {ward.name}
            </option>
          ))}
        </SelectField>
        <SelectField id="org-sector" label={t('org.sector')} {...form.register('organization.sector')}>
          {sectors.map((sector) => (
            <option key={sector} value={sector}>
              {t(`sector.${sector}`)}
            </option>
          ))}
        </SelectField>
        <TextField id="org-phone" type="tel" label={t('org.phone')} error={org?.contact_phone?.message} {...form.register('organization.contact_phone')} />
      </fieldset>
      <fieldset>
        <legend>{t('registerOrg.admin')}</legend>
        <TextField id="org-admin-username" label={t('login.username')} autoComplete="username" autoCapitalize="none" error={errors.admin?.username?.message} {...form.register('admin.username')} />
        <TextField
          id="org-admin-password"
          type="password"
          label={t('login.password')}
          hint={t('validation.password')}
          autoComplete="new-password"
          error={errors.admin?.password?.message}
          {...form.register('admin.password')}
        />
      </fieldset>
      {register.error && !shown ? <ErrorNotice error={register.error} /> : null}
      <button type="submit" className="primary" disabled={register.isPending}>
        {t('registerOrg.submit')}
      </button>
    </form>
  );
}
