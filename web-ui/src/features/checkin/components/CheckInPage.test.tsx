import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { expect, test } from 'vitest';
import { account, logIn, renderPage } from '@/test/render';
import { person } from '@/test/fixtures';
import { http, server } from '@/test/server';
import { CheckInPage } from './CheckInPage';

const place = { checkpoint_id: 'checkpoint-1', checkpoint_name: 'Cổng chính', organization_name: 'Chợ Thủ Đức', active: true };
const visit = {
  visit_id: 'visit-1',
  checkpoint_id: 'checkpoint-1',
  checkpoint_name: 'Cổng chính',
  folded_name: 'NGUYEN VAN AN',
  document_masked: '******000101',
  entered_at: '2021-10-20T02:15:00Z',
  ends_at: '2021-10-20T06:15:00Z',
};
const answer = {
  visit,
  organization_name: 'Chợ Thủ Đức',
  colour: 'green',
  reason: 'dose 1 of Pfizer',
  reason_vi: 'mũi 1 Pfizer',
  replayed: false,
};
const problem = (status: number, code: string) => ({ type: `/problems/${code}`, title: 'Error', status, detail: code, code });
const noOpenVisits = http.get('/api/v1/visits', ({ response }) => response(200).json({ items: [], next_cursor: null }));

test('a resident checks in with one button, sees place, time and colour, and checks out', async () => {
  const keys: unknown[] = [];
  server.use(
    noOpenVisits,
    http.get('/api/v1/locations/{code}', ({ response }) => response(200).json(place)),
    http.post('/api/v1/locations/{code}/check-ins', async ({ params, request, response }) => {
      const body = await request.json();
      keys.push(body.idempotency_key);
      expect(params.code).toBe('LOC123');
      expect(body.person_id).toBeUndefined();
      return response(201).json(answer);
    }),
    http.post('/api/v1/visits/{id}/check-out', ({ params, response }) =>
      params.id === 'visit-1'
        ? response(200).json({ ...visit, exited_at: '2021-10-20T03:05:00Z', exit_method: 'self_check_out' })
        : response(404).json(problem(404, 'not_found')),
    ),
  );
  const user = userEvent.setup();
  logIn('resident');
  renderPage(<CheckInPage code="LOC123" account={account('resident')} />);
  await user.click(await screen.findByRole('button', { name: 'Vào Cổng chính' }));

  const done = await screen.findByRole('status');
  expect(done).toHaveTextContent('Đã khai báo vào');
  expect(done).toHaveTextContent('Xanh');
  expect(done).toHaveTextContent('mũi 1 Pfizer');
  expect(done).toHaveTextContent('Chợ Thủ Đức · Cổng chính');
  expect(done).toHaveAttribute('data-colour', 'green');
  // 02:15 UTC is 09:15 on Hồ Chí Minh City's clock, which the page shows.
  expect(screen.getByTestId('entered-at')).toHaveTextContent('09:15');
  expect(keys).toHaveLength(1);
  expect(typeof keys[0]).toBe('string');

  await user.click(screen.getByRole('button', { name: 'Ra khỏi địa điểm' }));
  expect(await screen.findByText('Đã ra')).toBeInTheDocument();
  expect(screen.getByTestId('exited-at')).toHaveTextContent('10:05');
  expect(screen.queryByRole('button', { name: 'Ra khỏi địa điểm' })).not.toBeInTheDocument();
  expect(screen.getByRole('button', { name: 'Khai báo vào lại' })).toBeInTheDocument();
});

test('a resident checks in a person they declared for, who is named on the confirmation', async () => {
  const relative = { ...person, id: 'person-2', full_name: 'Trần Thị Bưởi', folded_name: 'TRAN THI BUOI', declared_on_behalf: true };
  const bodies: { person_id?: string | null }[] = [];
  server.use(
    noOpenVisits,
    http.get('/api/v1/locations/{code}', ({ response }) => response(200).json(place)),
    http.get('/api/v1/people/{id}/declared', ({ params, response }) =>
      params.id === 'person-1' ? response(200).json([relative]) : response(404).json(problem(404, 'not_found')),
    ),
    http.post('/api/v1/locations/{code}/check-ins', async ({ request, response }) => {
      const body = await request.json();
      bodies.push(body);
      return response(201).json({ ...answer, colour: 'black', visit: { ...visit, folded_name: 'TRAN THI BUOI' } });
    }),
  );
  const user = userEvent.setup();
  logIn('resident', { person_id: 'person-1' });
  renderPage(<CheckInPage code="LOC123" account={account('resident', { person_id: 'person-1' })} />);
  expect(await screen.findByRole('radio', { name: 'Tôi' })).toBeChecked();
  await user.click(screen.getByRole('radio', { name: 'Trần Thị Bưởi' }));
  await user.click(screen.getByRole('button', { name: 'Vào Cổng chính' }));
  const done = await screen.findByRole('status');
  expect(done).toHaveTextContent('TRAN THI BUOI');
  expect(done).toHaveTextContent('Đen');
  expect(bodies.map((body) => body.person_id)).toEqual(['person-2']);
});

test('a replaced code refused at check-in is explained, and the button stays', async () => {
  server.use(
    noOpenVisits,
    http.get('/api/v1/locations/{code}', ({ response }) => response(200).json(place)),
    http.post('/api/v1/locations/{code}/check-ins', ({ response }) => response(422).json(problem(422, 'location_code_replaced'))),
  );
  const user = userEvent.setup();
  logIn('resident');
  renderPage(<CheckInPage code="LOC123" account={account('resident')} />);
  await user.click(await screen.findByRole('button', { name: 'Vào Cổng chính' }));
  expect(await screen.findByRole('alert')).toHaveTextContent('Mã trên áp phích này đã được thay.');
  expect(screen.getByRole('button', { name: 'Vào Cổng chính' })).toBeEnabled();
});

test('a retried check-in says it was already recorded; a visit that already ended says so', async () => {
  server.use(
    noOpenVisits,
    http.get('/api/v1/locations/{code}', ({ response }) => response(200).json(place)),
    http.post('/api/v1/locations/{code}/check-ins', ({ response }) => response(200).json({ ...answer, colour: 'black', replayed: true })),
    http.post('/api/v1/visits/{id}/check-out', ({ response }) => response(409).json(problem(409, 'visit_ended'))),
  );
  const user = userEvent.setup();
  logIn('resident');
  renderPage(<CheckInPage code="LOC123" account={account('resident')} />);
  await user.click(await screen.findByRole('button', { name: 'Vào Cổng chính' }));
  const done = await screen.findByRole('status');
  expect(done).toHaveTextContent('Đen');
  expect(done).toHaveTextContent('Lượt vào này đã được ghi trước đó');
  await user.click(screen.getByRole('button', { name: 'Ra khỏi địa điểm' }));
  expect(await screen.findByRole('alert')).toHaveTextContent('Lượt vào này đã kết thúc');
  expect(screen.queryByRole('button', { name: 'Ra khỏi địa điểm' })).not.toBeInTheDocument();
});

test('after a reload, the open visit here is found again and checked out; then the page offers a new check-in', async () => {
  const queries: URLSearchParams[] = [];
  let open = true;
  const found = {
    person_id: 'person-1',
    organization_name: 'Chợ Thủ Đức',
    colour: 'green',
    reason: 'dose 1 of Pfizer',
    reason_vi: 'mũi 1 Pfizer',
    method: 'self_check_in',
    open: true,
    visit,
  };
  server.use(
    http.get('/api/v1/locations/{code}', ({ response }) => response(200).json(place)),
    http.get('/api/v1/visits', ({ request, response }) => {
      queries.push(new URL(request.url).searchParams);
      return response(200).json({ items: open ? [found] : [], next_cursor: null });
    }),
    http.post('/api/v1/visits/{id}/check-out', ({ params, response }) => {
      open = false;
      return params.id === 'visit-1'
        ? response(200).json({ ...visit, exited_at: '2021-10-20T03:05:00Z', exit_method: 'self_check_out' })
        : response(404).json(problem(404, 'not_found'));
    }),
  );
  const user = userEvent.setup();
  logIn('resident');
  renderPage(<CheckInPage code="LOC123" account={account('resident')} />);

  const done = await screen.findByRole('status');
  expect(done).toHaveTextContent('Đã khai báo vào');
  expect(done).toHaveTextContent('NGUYEN VAN AN');
  expect(done).toHaveTextContent('mũi 1 Pfizer');
  expect(screen.getByTestId('entered-at')).toHaveTextContent('09:15');
  expect(screen.queryByRole('button', { name: 'Vào Cổng chính' })).not.toBeInTheDocument();
  expect(queries[0]?.get('checkpoint_id')).toBe('checkpoint-1');
  expect(queries[0]?.get('open')).toBe('true');

  await user.click(screen.getByRole('button', { name: 'Ra khỏi địa điểm' }));
  expect(await screen.findByText('Đã ra')).toBeInTheDocument();
  expect(screen.getByTestId('exited-at')).toHaveTextContent('10:05');
  await user.click(screen.getByRole('button', { name: 'Khai báo vào lại' }));
  expect(await screen.findByRole('button', { name: 'Vào Cổng chính' })).toBeEnabled();
  expect(screen.queryByRole('status')).not.toBeInTheDocument();
});

test('an open visit found here can be set aside to check someone else in', async () => {
  const relative = { ...person, id: 'person-2', full_name: 'Trần Thị Bưởi', folded_name: 'TRAN THI BUOI', declared_on_behalf: true };
  const grandmothers = {
    person_id: 'person-2',
    organization_name: 'Chợ Thủ Đức',
    colour: 'black',
    reason: 'no dose recorded',
    reason_vi: 'chưa có mũi tiêm',
    method: 'self_check_in',
    open: true,
    visit: { ...visit, folded_name: 'TRAN THI BUOI' },
  };
  server.use(
    http.get('/api/v1/locations/{code}', ({ response }) => response(200).json(place)),
    http.get('/api/v1/people/{id}/declared', ({ response }) => response(200).json([relative])),
    http.get('/api/v1/visits', ({ response }) => response(200).json({ items: [grandmothers], next_cursor: null })),
  );
  const user = userEvent.setup();
  logIn('resident', { person_id: 'person-1' });
  renderPage(<CheckInPage code="LOC123" account={account('resident', { person_id: 'person-1' })} />);
  const done = await screen.findByRole('status');
  expect(done).toHaveTextContent('TRAN THI BUOI');
  expect(done).toHaveAttribute('data-colour', 'black');
  await user.click(screen.getByRole('button', { name: 'Khai báo vào cho người khác' }));
  expect(await screen.findByRole('radio', { name: 'Tôi' })).toBeChecked();
  expect(screen.getByRole('button', { name: 'Vào Cổng chính' })).toBeEnabled();
});

test('sends a visitor who is not logged in to log in and back, and still mentions the QR for staff', async () => {
  server.use(http.get('/api/v1/locations/{code}', ({ response }) => response(200).json(place)));
  renderPage(<CheckInPage code="LOC123" account={null} />);
  expect(await screen.findByRole('link', { name: 'Đăng nhập' })).toHaveAttribute('href', '/login?next=%2Fcheck-in%2FLOC123');
  expect(screen.getByText(/đưa mã QR cá nhân/)).toBeInTheDocument();
  expect(screen.queryByRole('button')).not.toBeInTheDocument();
});

test('an officer is told the page is for residents, with no check-in button', async () => {
  server.use(http.get('/api/v1/locations/{code}', ({ response }) => response(200).json(place)));
  renderPage(<CheckInPage code="LOC123" account={account('checkpoint_staff')} />);
  expect(await screen.findByText('Trang này dành cho người dân vào địa điểm.')).toBeInTheDocument();
  expect(screen.queryByRole('button')).not.toBeInTheDocument();
});

test('warns about a replaced code and an unknown one', async () => {
  server.use(
    http.get('/api/v1/locations/{code}', ({ params, response }) =>
      params.code === 'OLD'
        ? response(200).json({ ...place, active: false })
        : response(404).json({ type: '/problems/not_found', title: 'Not Found', status: 404, detail: 'no such location', code: 'not_found' }),
    ),
  );
  const { unmount } = renderPage(<CheckInPage code="OLD" account={null} />);
  expect(await screen.findByRole('alert')).toHaveTextContent('Mã trên áp phích này đã được thay.');
  unmount();
  renderPage(<CheckInPage code="NOPE" account={null} />);
  expect(await screen.findByRole('alert')).toHaveTextContent('Mã địa điểm này không tồn tại.');
});
