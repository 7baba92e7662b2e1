import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { expect, test } from 'vitest';
import type { Schemas } from '@/api/client';
import { problem, recoveryRequest } from '@/test/fixtures';
import { account, logIn, renderPage } from '@/test/render';
import { http, server } from '@/test/server';
import { CorrectionDetail } from './CorrectionDetail';

const vaccines = http.get('/api/v1/vaccines', ({ response }) => response(200).json([]));
const officer = account('ward_officer', { ward_code: '26794' });

const request = recoveryRequest;

test('a ward officer resolves a recovery request and records the recovery with it', async () => {
  const moves: Schemas['TransitionRequest'][] = [];
  let current = request;
  server.use(
    vaccines,
    http.get('/api/v1/corrections/{id}', ({ response }) => response(200).json(current)),
    // Resolving lists the person's recoveries, any of which could be removed.
    http.get('/api/v1/people/{id}/health-records', ({ response }) =>
      response(200).json({ vaccinations: [], recoveries: [], test_results: [], health_declarations: [] }),
    ),
    http.post('/api/v1/corrections/{id}/transitions', async ({ request: sent, params, response }) => {
      expect(params.id).toBe('correction-1');
      const body = await sent.json();
      moves.push(body);
      current = {
        ...current,
        state: body.to ?? current.state,
        history: [...current.history, { from_state: current.state, to_state: body.to ?? current.state, note: body.note, by_account_id: officer.id, by_role: 'ward_officer', at: '2021-11-02T02:00:00Z' }],
      };
      return response(200).json(current);
    }),
  );
  logIn('ward_officer', { ward_code: '26794' });
  renderPage(<CorrectionDetail id="correction-1" account={officer} />);
  expect(await screen.findByRole('link', { name: 'Lê Thị Hoa' })).toHaveAttribute('href', '/people/person-3');

  // Rejecting needs a note: nothing goes out without one.
  await userEvent.click(screen.getByLabelText('Từ chối'));
  await userEvent.click(screen.getByRole('button', { name: 'Lưu' }));
  expect(await screen.findByText('Cần ghi chú khi từ chối hoặc khi chỉ thêm ghi chú.')).toBeInTheDocument();
  expect(moves).toEqual([]);

  await userEvent.click(screen.getByLabelText('Đã giải quyết'));
  const record = screen.getByLabelText('Ghi nhận khỏi bệnh theo yêu cầu này');
  expect(record).toBeChecked();
  await userEvent.type(screen.getByLabelText('Ghi chú'), 'Đã xem giấy xác nhận.');
  await userEvent.click(screen.getByRole('button', { name: 'Lưu' }));
  expect(await screen.findByText('Đã giải quyết và ghi nhận khỏi bệnh; mã QR của người dân đã được tính lại.')).toBeInTheDocument();
  expect(moves).toEqual([{ to: 'resolved', note: 'Đã xem giấy xác nhận.', record_recovery: true }]);
  expect(screen.getByText('Yêu cầu đã đóng. Vấn đề mới cần một yêu cầu mới.')).toBeInTheDocument();
  expect(screen.getByRole('list', { name: 'Quá trình xử lý' })).toHaveTextContent('Chuyển sang “Đã giải quyết” · Cán bộ phường');
});

test('someone else moved the request meanwhile: says so and reloads it', async () => {
  let reads = 0;
  server.use(
    vaccines,
    http.get('/api/v1/corrections/{id}', ({ response }) => {
      reads += 1;
      return response(200).json(reads === 1 ? request : { ...request, state: 'in_progress' });
    }),
    http.post('/api/v1/corrections/{id}/transitions', ({ response }) => response(409).json(problem(409, 'state_changed'))),
  );
  logIn('ward_officer', { ward_code: '26794' });
  renderPage(<CorrectionDetail id="correction-1" account={officer} />);
  await userEvent.click(await screen.findByLabelText('Chuyển sang “Đang xử lý”'));
  await userEvent.click(screen.getByRole('button', { name: 'Lưu' }));
  expect(await screen.findByRole('alert')).toHaveTextContent('Yêu cầu vừa được người khác thay đổi; đã tải lại.');
  expect(await screen.findByText('Đang xử lý', { selector: '.state' })).toBeInTheDocument();
  expect(reads).toBe(2);
});

test('a vaccination request is the portal’s: a ward officer follows it without moving it', async () => {
  server.use(
    vaccines,
    http.get('/api/v1/corrections/{id}', ({ response }) =>
      response(200).json({ ...request, kind: 'vaccination', routed_to: 'national_portal', recovery: null, vaccination: { dose_number: 2 } }),
    ),
  );
  logIn('ward_officer', { ward_code: '26794' });
  renderPage(<CorrectionDetail id="correction-1" account={officer} />);
  expect(await screen.findByText(/Yêu cầu về tiêm chủng do thành phố chuyển tới Cổng tiêm chủng quốc gia xử lý/)).toBeInTheDocument();
  expect(screen.getByText('Cổng tiêm chủng quốc gia')).toBeInTheDocument();
  expect(screen.queryByRole('button', { name: 'Lưu' })).toBeNull();
});
