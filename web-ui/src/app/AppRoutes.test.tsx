import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { expect, test } from 'vitest';
import { logIn } from '@/test/render';
import { http, server } from '@/test/server';
import { AppRoutes } from './AppRoutes';
import { makeQueryClient, Providers } from './Providers';

function renderAt(route: string) {
  const queryClient = makeQueryClient();
  queryClient.setDefaultOptions({ queries: { retry: false } });
  return render(
    <Providers queryClient={queryClient}>
      <MemoryRouter initialEntries={[route]}>
        <AppRoutes />
      </MemoryRouter>
    </Providers>,
  );
}

test('a visitor who is not logged in is sent to the login page', async () => {
  renderAt('/me');
  expect(await screen.findByRole('heading', { name: 'Đăng nhập' })).toBeInTheDocument();
});

test('the home of a ward officer is the residents desk, with its navigation', async () => {
  server.use(http.get('/api/v1/wards', ({ response }) => response(200).json([])));
  logIn('ward_officer', { ward_code: '26794' });
  renderAt('/');
  expect(await screen.findByRole('heading', { name: 'Tìm người dân' })).toBeInTheDocument();
  expect(screen.getByRole('link', { name: 'Người dân' })).toHaveAttribute('href', '/ward');
  expect(screen.getByRole('button', { name: 'Đăng xuất (demo.ward_officer)' })).toBeInTheDocument();
});

test('the home of checkpoint staff is the scanner', async () => {
  server.use(http.get('/api/v1/organizations/{id}/checkpoints', ({ response }) => response(200).json([])));
  logIn('checkpoint_staff', { organization_id: 'org-1' });
  renderAt('/');
  expect(await screen.findByRole('heading', { name: 'Quét mã QR' })).toBeInTheDocument();
});

test('a page of another role is refused in words', async () => {
  logIn('resident', { person_id: 'person-1' });
  renderAt('/ward');
  expect(await screen.findByRole('alert')).toHaveTextContent('Tài khoản của bạn không có quyền xem trang này.');
});
