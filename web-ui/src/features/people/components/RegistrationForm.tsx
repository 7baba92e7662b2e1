// A resident registers online: a username and password and their own
// details. The API's field errors (`person.birth_date`, `username`) land
// beside the fields.
import { zodResolver } from '@hookform/resolvers/zod';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { ErrorNotice } from '@/components/ErrorNotice';
import { TextField } from '@/components/Field';
import { showFieldErrors } from '@/lib/forms';
import { useI18n } from '@/lib/i18n';
import { useRegister, useWards } from '../api/people';
import { PersonFieldset } from './PersonFieldset';
import { emptyPerson, personFields, personSchema, toPersonInput } from './personSchema';

const schema = z.object({
  username: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._@-]{3,64}$/, 'validation.username'),
  password: z.string().min(10, 'validation.password').max(128, 'validation.tooLong'),
  person: personSchema,
});
type Form = z.infer<typeof schema>;

export function RegistrationForm({ onRegistered }: { onRegistered: () => void }) {
  const { t } = useI18n();
  const wards = useWards();
  const register = useRegister();
  const form = useForm<Form>({
    resolver: zodResolver(schema),
    defaultValues: {
      username: '',
      password: '',
      person: emptyPerson(),
    },
  });
  const errors = form.formState.errors;
  const submit = form.handleSubmit(({ username, password, person }) =>
    register.mutate(
      {
        username,
        password,
        person: toPersonInput(person),
      },
      {
        onSuccess: onRegistered,
        onError: (error) => {
          showFieldErrors(error, form.setError, ['username', 'password'] as const);
          showFieldErrors(error, form.setError, personFields.map((name) => `person.${name}` as const));
        },
      },
    ),
  );
  const personErrors = Object.fromEntries(personFields.map((name) => [name, errors.person?.[name]?.message]));
  const shown = Boolean(errors.username || errors.password || Object.values(personErrors).some(Boolean));

  return (
    <form onSubmit={submit} noValidate aria-label={t('register.title')}>
      <TextField id="register-username" label={t('login.username')} autoComplete="username" autoCapitalize="none" error={errors.username?.message} {...form.register('username')} />
      <TextField
        id="register-password"
        type="password"
        label={t('login.password')}
        hint={t('validation.password')}
        autoComplete="new-password"
        error={errors.password?.message}
        {...form.register('password')}
      />
      <PersonFieldset register={(name) => form.register(`person.${name}`)} errors={personErrors} wards={wards.data} />
      {register.error && !shown ? <ErrorNotice error={register.error} /> : null}
      <button type="submit" className="primary" disabled={register.isPending}>
        {t('register.submit')}
      </button>
    </form>
  );
}
