import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { expect, test } from 'vitest';
import { session } from '@/lib/session';
import { account, renderPage } from '@/test/render';
import { http, server } from '@/test/server';
import { LoginPage } from './LoginPage';

test('checks the form before sending anything', async () => {
  let sent = 0;
  server.use(
    http.post('/api/v1/auth/login', ({ response }) => {
      sent += 1;
      return response(401).json({ type: '/problems/x', title: 'x', status: 401, detail: 'x', code: 'invalid_credentials' });
    }),
  );
  renderPage(<LoginPage />, { route: '/login' });
  await userEvent.click(screen.getByRole('button', { name: 'Đăng nhập' }));
  expect(await screen.findAllByText('Vui lòng nhập thông tin này.')).toHaveLength(2);
  expect(screen.getByLabelText('Tên đăng nhập')).toHaveAttribute('aria-invalid', 'true');
  expect(sent).toBe(0);
});

test('says when the credentials are wrong', async () => {
  server.use(
    http.post('/api/v1/auth/login', ({ response }) =>
      response(401).json({ type: '/problems/invalid_credentials', title: 'Unauthorized', status: 401, detail: 'wrong', code: 'invalid_credentials' }),
    ),
  );
  renderPage(<LoginPage />, { route: '/login' });
  await userEvent.type(screen.getByLabelText('Tên đăng nhập'), 'demo.cudan');
  await userEvent.type(screen.getByLabelText('Mật khẩu'), 'not-the-password');
  await userEvent.click(screen.getByRole('button', { name: 'Đăng nhập' }));
  expect(await screen.findByRole('alert')).toHaveTextContent('Sai tên đăng nhập hoặc mật khẩu.');
  expect(session.get()).toBeNull();
});

test('keeps the login and goes where it was sent from', async () => {
  server.use(
    http.post('/api/v1/auth/login', async ({ request, response }) => {
      const body = await request.json();
      expect(body).toEqual({ username: 'demo.cudan', password: 'demo-password-2021' });
      return response(200).json({
        access_token: 'access',
        refresh_token: 'refresh',
        token_type: 'Bearer',
        expires_in: 900,
        account: account('resident', { person_id: 'person-1' }),
      });
    }),
  );
  renderPage(<LoginPage />, { route: '/login?next=/me', path: '/login' });
  await userEvent.type(screen.getByLabelText('Tên đăng nhập'), 'demo.cudan');
  await userEvent.type(screen.getByLabelText('Mật khẩu'), 'demo-password-2021');
  await userEvent.click(screen.getByRole('button', { name: 'Đăng nhập' }));
  expect(await screen.findByText('elsewhere')).toBeInTheDocument();
  expect(session.get()?.account.person_id).toBe('person-1');
  expect(sessionStorage.getItem('antoan.session')).toContain('refresh');
});
