import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { expect, test } from 'vitest';
import { person, problem, wardList } from '@/test/fixtures';
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

test('the card page a link from an SMS opens needs no login, and the login page leads to registration by SMS', async () => {
  server.use(
    http.post('/api/v1/cards/open', ({ response }) => response(404).json(problem(404, 'not_found'))),
    http.get('/api/v1/wards', ({ response }) => response(200).json(wardList)),
  );
  renderAt('/card#some-secret');
  expect(await screen.findByRole('heading', { name: 'Mã QR cá nhân' })).toBeInTheDocument();
  expect(await screen.findByRole('alert')).toHaveTextContent('Đường dẫn này không còn dùng được');

  await userEvent.click(screen.getByRole('link', { name: 'Không có điện thoại thông minh? Đăng ký bằng tin nhắn SMS' }));
  expect(await screen.findByRole('heading', { name: 'Đăng ký bằng tin nhắn SMS' })).toBeInTheDocument();
});

test("a ward officer opens a resident's page: the ward's work in the navigation, the ledger on request", async () => {
  server.use(
    http.get('/api/v1/people/{id}', ({ response }) => response(200).json(person)),
    http.get('/api/v1/people/{id}/qr', ({ response }) => response(404).json(problem(404, 'not_found'))),
    http.get('/api/v1/people/{id}/health-records', ({ response }) =>
      response(200).json({ vaccinations: [], recoveries: [], test_results: [], health_declarations: [] }),
    ),
    http.get('/api/v1/vaccines', ({ response }) => response(200).json([])),
    http.get('/api/v1/people/{id}/access-log', ({ params, response }) => {
      expect(params.id).toBe('person-1');
      return response(200).json({
        items: [{ id: 'access-1', accessed_at: '2021-11-01T01:30:00Z', kind: 'person_lookup', purpose: 'In thẻ QR cho người dân', reader_role: 'ward_officer' }],
      });
    }),
  );
  logIn('ward_officer', { ward_code: '26794' });
  renderAt('/people/person-1');
  expect(await screen.findByRole('heading', { name: person.full_name })).toBeInTheDocument();
  const navigation = screen.getByRole('navigation', { name: 'Trang chính' });
  for (const [name, href] of [
    ['Nhập từ tệp', '/ward/import'],
    ['In thẻ', '/ward/cards'],
    ['Yêu cầu sửa', '/corrections'],
  ]) {
    expect(within(navigation).getByRole('link', { name })).toHaveAttribute('href', href);
  }
  expect(screen.getByRole('link', { name: 'Yêu cầu sửa thông tin' })).toHaveAttribute('href', '/people/person-1/corrections');
  expect(screen.getByRole('button', { name: 'Thêm vào danh sách in thẻ' })).toBeInTheDocument();

  await userEvent.click(screen.getByText('Xem nhật ký truy cập'));
  expect(await screen.findByText('In thẻ QR cho người dân')).toBeInTheDocument();
  expect(screen.getByText('Tìm hồ sơ theo số giấy tờ')).toBeInTheDocument();
});
