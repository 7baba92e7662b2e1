// Login for every role; afterwards the role's home, or the page that sent here.
import { zodResolver } from '@hookform/resolvers/zod';
import { useForm } from 'react-hook-form';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { z } from 'zod';
import { ApiProblem } from '@/api/problem';
import { ErrorNotice } from '@/components/ErrorNotice';
import { TextField } from '@/components/Field';
import { useI18n } from '@/lib/i18n';
import { useSession } from '@/lib/session';
import { useLogin } from '../api/auth';

const schema = z.object({
  username: z.string().trim().min(1, 'validation.required'),
  password: z.string().min(1, 'validation.required'),
});
type Form = z.infer<typeof schema>;

export function LoginPage() {
  const { t } = useI18n();
  const current = useSession();
  const login = useLogin();
  const navigate = useNavigate();
  const location = useLocation();
  const next = new URLSearchParams(location.search).get('next');
  const target = next?.startsWith('/') && !next.startsWith('//') ? next : '/';
  const form = useForm<Form>({ resolver: zodResolver(schema), defaultValues: { username: '', password: '' } });
  const errors = form.formState.errors;

  if (current && !login.isPending) {
    return <Navigate to={target} replace />;
  }

  const submit = form.handleSubmit((values) =>
    login.mutate(values, { onSuccess: () => navigate(target, { replace: true }) }),
  );
  const badCredentials = login.error instanceof ApiProblem && login.error.status === 401;

  return (
    <section className="narrow">
      <h1>{t('login.title')}</h1>
      <p>{t('login.intro')}</p>
      <form onSubmit={submit} noValidate>
        <TextField
          id="username"
          label={t('login.username')}
          autoComplete="username"
          autoCapitalize="none"
          error={errors.username?.message}
          {...form.register('username')}
        />
        <TextField
          id="password"
          type="password"
          label={t('login.password')}
          autoComplete="current-password"
          error={errors.password?.message}
          {...form.register('password')}
        />
        {badCredentials ? (
          <p className="notice notice-error" role="alert">
            {t('login.failed')}
          </p>
        ) : (
          <ErrorNotice error={login.error} />
        )}
        <button type="submit" className="primary" disabled={login.isPending}>
          {t('login.submit')}
        </button>
      </form>
      <ul className="link-list">
        <li>
          <Link to="/register">{t('register.link')}</Link>
        </li>
        <li>
          <Link to="/register-sms">{t('sms.link')}</Link>
        </li>
        <li>
          <Link to="/register-organization">{t('registerOrg.link')}</Link>
        </li>
      </ul>
    </section>
  );
}
