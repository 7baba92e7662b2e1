import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { expect, test } from 'vitest';
import type { Schemas } from '@/api/client';
import { problem, recoveryRequest } from '@/test/fixtures';
import { account, logIn, renderPage } from '@/test/render';
import { http, server } from '@/test/server';
import { CorrectionDetail } from './CorrectionDetail';
import { PersonCorrections } from './PersonCorrections';

const vaccines = http.get('/api/v1/vaccines', ({ response }) =>
  response(200).json([{ code: 'pfizer', name: 'Pfizer-BioNTech (Comirnaty)', manufacturer: 'Pfizer', primary_doses: 2 }]),
);
const officer = account('ward_officer', { ward_code: '26794' });
const city = account('city_admin');

const wrongRecovery: Schemas['RecoveryView'] = {
  id: 'recovery-wrong',
  positive_on: '2021-09-01',
  recovered_on: '2021-09-14',
  certificate_number: 'LX-2021-0001',
  created_at: '2021-09-20T02:00:00Z',
};
const dose: Schemas['VaccinationView'] = {
  id: 'dose-wrong',
  vaccine_code: 'pfizer',
  dose_number: 2,
  administered_on: '2021-10-20',
  place: 'Trạm y tế Linh Xuân',
  lot: 'FK1234',
  source: 'national-portal',
  created_at: '2021-10-21T03:00:00Z',
};
const records = (overrides: Partial<Schemas['HealthRecordsView']> = {}): Schemas['HealthRecordsView'] => ({
  vaccinations: [],
  recoveries: [wrongRecovery],
  test_results: [],
  health_declarations: [],
  ...overrides,
});

/** Phạm Văn Đông's request: his recorded recovery is wrong, the right one is in the request. */
const request: Schemas['CorrectionView'] = {
  ...recoveryRequest,
  person_id: 'person-4',
  person_full_name: 'Phạm Văn Đông',
  person_document_number_masked: '******000104',
  state: 'in_progress',
  description: 'Giấy khỏi bệnh ghi sai ngày; ngày đúng là 10/10.',
  recovery: { positive_on: '2021-10-01', recovered_on: '2021-10-14', certificate_number: 'LX-2021-0815' },
};

/** The request as the API answers once `by` resolved it, removing `removed`. */
function resolved(
  by: Schemas['AccountView'],
  removed: Pick<Schemas['RemovedRecordView'], 'kind' | 'recovery' | 'vaccination'>,
  base = request,
): Schemas['CorrectionView'] {
  return {
    ...base,
    state: 'resolved',
    history: [
      ...base.history,
      { from_state: base.state, to_state: 'resolved', note: 'Giấy LX-2021-0001 là của người khác.', by_account_id: by.id, by_role: by.role, at: '2021-11-02T02:00:00Z' },
    ],
    removed_record: { ...removed, removed_at: '2021-11-02T02:00:00Z', removed_by_account_id: by.id },
    updated_at: '2021-11-02T02:00:00Z',
  };
}

test('a ward officer picks the wrong recovery, reads what removing it does, and resolves with the right one recorded', async () => {
  const purposes: (string | null)[] = [];
  const moves: Schemas['TransitionRequest'][] = [];
  let current = request;
  server.use(
    vaccines,
    http.get('/api/v1/corrections/{id}', ({ response }) => response(200).json(current)),
    http.get('/api/v1/people/{id}/health-records', ({ request: sent, params, response }) => {
      expect(params.id).toBe('person-4');
      purposes.push(sent.headers.get('x-access-purpose'));
      return response(200).json(records());
    }),
    http.post('/api/v1/corrections/{id}/transitions', async ({ request: sent, response }) => {
      const body = await sent.json();
      moves.push(body);
      current = resolved(officer, { kind: 'recovery', recovery: wrongRecovery, vaccination: null });
      return response(200).json(current);
    }),
  );
  logIn('ward_officer', { ward_code: '26794' });
  renderPage(<CorrectionDetail id="correction-1" account={officer} reprint={(correction) => <p>reprint {correction.person_full_name}</p>} />);
  await screen.findByRole('link', { name: 'Phạm Văn Đông' });

  // Nothing is read of the person's records until the officer resolves.
  await userEvent.click(screen.getByLabelText('Từ chối'));
  expect(purposes).toEqual([]);
  await userEvent.click(screen.getByLabelText('Đã giải quyết'));
  const group = await screen.findByRole('group', { name: 'Gỡ lần khỏi bệnh bị ghi sai' });
  const wrong = await within(group).findByLabelText('Dương tính 01/09/2021, khỏi bệnh 14/09/2021 · giấy chứng nhận LX-2021-0001');
  // The read names this request as its purpose, which the person sees in their ledger.
  expect(purposes).toEqual([encodeURIComponent('Người dân yêu cầu sửa thông tin')]);
  expect(wrong).toHaveAccessibleDescription('ghi lúc 09:00 20/09/2021');
  expect(within(group).getByLabelText('Không gỡ bản ghi nào')).toBeChecked();
  expect(screen.queryByText('Gỡ bản ghi này thì:')).toBeNull();
  expect(screen.getByRole('button', { name: 'Lưu' })).toBeInTheDocument();

  await userEvent.click(wrong);
  const warning = screen.getByText('Gỡ bản ghi này thì:').closest('.notice') as HTMLElement;
  expect(warning).toHaveTextContent('bản ghi không còn được tính cho màu mã QR');
  expect(warning).toHaveTextContent('mọi mã QR của người này cấp trước lúc gỡ bị thu hồi');
  expect(warning).toHaveTextContent('thẻ giấy hoặc thẻ nhựa đã in thì phường phải in lại');
  expect(warning).toHaveTextContent('lần khỏi bệnh đúng theo yêu cầu được ghi nhận thay thế trong cùng bước');
  expect(warning).not.toHaveTextContent('Cổng tiêm chủng');
  expect(group).toHaveAccessibleDescription(expect.stringContaining('Gỡ bản ghi này thì:'));

  // The person reads why in the history: no removal without a note.
  await userEvent.click(screen.getByRole('button', { name: 'Gỡ bản ghi và giải quyết' }));
  expect(await screen.findByText('Ghi lý do gỡ bản ghi: người dân thấy ghi chú này.')).toBeInTheDocument();
  expect(moves).toEqual([]);

  await userEvent.type(screen.getByLabelText('Ghi chú'), 'Giấy LX-2021-0001 là của người khác.');
  await userEvent.click(screen.getByRole('button', { name: 'Gỡ bản ghi và giải quyết' }));
  expect(
    await screen.findByText(
      'Đã giải quyết, gỡ bản ghi sai và ghi nhận lần khỏi bệnh đúng. Các mã QR cấp trước đã bị thu hồi: người dân cần mã mới, và thẻ đã in cần in lại.',
    ),
  ).toBeInTheDocument();
  expect(moves).toEqual([{ to: 'resolved', note: 'Giấy LX-2021-0001 là của người khác.', record_recovery: true, remove_record_id: 'recovery-wrong' }]);

  // The resolved request shows what was removed, by whom and when, and leads to a new card.
  const removed = screen.getByRole('region', { name: 'Bản ghi đã gỡ' });
  expect(removed).toHaveTextContent('Dương tính 01/09/2021, khỏi bệnh 14/09/2021 · giấy chứng nhận LX-2021-0001');
  expect(removed).toHaveTextContent('Người gỡCán bộ phường (bạn)');
  expect(removed).toHaveTextContent('Lúc gỡ09:00 02/11/2021');
  expect(removed).toHaveTextContent('Các mã QR cấp trước lúc gỡ đã bị thu hồi');
  expect(within(removed).getByText('reprint Phạm Văn Đông')).toBeInTheDocument();
  expect(screen.queryByRole('group', { name: 'Gỡ lần khỏi bệnh bị ghi sai' })).toBeNull();
});

test('resolving without removing sends no record, and says so when the person has none', async () => {
  const moves: Schemas['TransitionRequest'][] = [];
  server.use(
    vaccines,
    http.get('/api/v1/corrections/{id}', ({ response }) => response(200).json(request)),
    http.get('/api/v1/people/{id}/health-records', ({ response }) => response(200).json(records({ recoveries: [] }))),
    http.post('/api/v1/corrections/{id}/transitions', async ({ request: sent, response }) => {
      moves.push(await sent.json());
      return response(200).json({ ...request, state: 'resolved' });
    }),
  );
  logIn('ward_officer', { ward_code: '26794' });
  renderPage(<CorrectionDetail id="correction-1" account={officer} />);
  await userEvent.click(await screen.findByLabelText('Đã giải quyết'));
  expect(await screen.findByText('Người này không có lần khỏi bệnh nào được ghi.')).toBeInTheDocument();
  await userEvent.click(screen.getByRole('button', { name: 'Lưu' }));
  expect(await screen.findByText('Đã giải quyết và ghi nhận khỏi bệnh; mã QR của người dân đã được tính lại.')).toBeInTheDocument();
  expect(moves).toEqual([{ to: 'resolved', note: null, record_recovery: true }]);
  expect(screen.queryByRole('region', { name: 'Bản ghi đã gỡ' })).toBeNull();
});

test.each([
  {
    refusal: 'a record this person does not have',
    answer: () => problem(422, 'validation_failed', [{ field: 'remove_record_id', code: 'unknown_record', message: 'this person has no recovery with this id' }]),
    status: 422 as const,
    says: 'Người này không còn bản ghi đã chọn (có thể vừa được sửa). Danh sách đã được tải lại; hãy chọn lại.',
    reloads: true,
  },
  {
    refusal: 'a record removed meanwhile by another request',
    answer: () => problem(409, 'record_already_removed'),
    status: 409 as const,
    says: 'Bản ghi này đã được gỡ theo một yêu cầu khác. Danh sách đã được tải lại.',
    reloads: true,
  },
  {
    refusal: 'a removal the officer may not make (the resident moved ward)',
    answer: () => problem(403, 'forbidden'),
    status: 403 as const,
    says: 'Bạn không được gỡ bản ghi này: hồ sơ của người dân nay do phường khác quản lý, hoặc đây là mũi tiêm, chỉ thành phố được gỡ.',
    reloads: false,
  },
])('the API refuses $refusal: it says so beside the field', async ({ answer, status, says, reloads }) => {
  let reads = 0;
  server.use(
    vaccines,
    http.get('/api/v1/corrections/{id}', ({ response }) => response(200).json(request)),
    http.get('/api/v1/people/{id}/health-records', ({ response }) => {
      reads += 1;
      return response(200).json(reads === 1 ? records() : records({ recoveries: [] }));
    }),
    http.post('/api/v1/corrections/{id}/transitions', ({ response }) => response(status).json(answer())),
  );
  logIn('ward_officer', { ward_code: '26794' });
  renderPage(<CorrectionDetail id="correction-1" account={officer} />);
  await userEvent.click(await screen.findByLabelText('Đã giải quyết'));
  await userEvent.click(await screen.findByLabelText(/Dương tính 01\/09\/2021/));
  await userEvent.type(screen.getByLabelText('Ghi chú'), 'Nhập nhầm người.');
  await userEvent.click(screen.getByRole('button', { name: 'Gỡ bản ghi và giải quyết' }));

  const group = screen.getByRole('group', { name: 'Gỡ lần khỏi bệnh bị ghi sai' });
  const error = await within(group).findByText(says);
  expect(group).toHaveAccessibleDescription(expect.stringContaining(says));
  expect(error).toHaveClass('field-error');
  // Beside the field, not again as a notice for the whole form.
  expect(screen.queryByRole('alert')).toBeNull();
  if (reloads) {
    // The record is gone: the list is read again and nothing stays picked.
    expect(await within(group).findByText('Người này không có lần khỏi bệnh nào được ghi.')).toBeInTheDocument();
    expect(within(group).getByLabelText('Không gỡ bản ghi nào')).toBeChecked();
    expect(screen.getByRole('button', { name: 'Lưu' })).toBeInTheDocument();
    expect(reads).toBe(2);
  } else {
    expect(within(group).getByLabelText(/Dương tính 01\/09\/2021/)).toBeChecked();
    expect(reads).toBe(1);
  }
});

test('the city removes a wrongly recorded dose of a vaccination request, warned that an import will not bring it back', async () => {
  const moves: Schemas['TransitionRequest'][] = [];
  const vaccinationRequest: Schemas['CorrectionView'] = {
    ...request,
    kind: 'vaccination',
    routed_to: 'national_portal',
    recovery: null,
    vaccination: { dose_number: 2 },
    description: 'Tôi chỉ tiêm một mũi; mũi 2 ngày 20/10 không phải của tôi.',
  };
  let current = vaccinationRequest;
  server.use(
    vaccines,
    http.get('/api/v1/corrections/{id}', ({ response }) => response(200).json(current)),
    http.get('/api/v1/people/{id}/health-records', ({ response }) => response(200).json(records({ vaccinations: [dose] }))),
    http.post('/api/v1/corrections/{id}/transitions', async ({ request: sent, response }) => {
      moves.push(await sent.json());
      current = resolved(city, { kind: 'vaccination', vaccination: dose, recovery: null }, vaccinationRequest);
      return response(200).json(current);
    }),
  );
  logIn('city_admin');
  renderPage(<CorrectionDetail id="correction-1" account={city} />);
  await userEvent.click(await screen.findByLabelText('Đã giải quyết'));
  const group = await screen.findByRole('group', { name: 'Gỡ mũi tiêm bị ghi sai' });
  // A vaccination request records no recovery.
  expect(screen.queryByLabelText('Ghi nhận khỏi bệnh theo yêu cầu này')).toBeNull();
  const wrong = await within(group).findByLabelText('Mũi 2: Pfizer-BioNTech (Comirnaty) · 20/10/2021 · Trạm y tế Linh Xuân');
  expect(wrong).toHaveAccessibleDescription('Số lô FK1234 · nhập từ national-portal · ghi lúc 10:00 21/10/2021');
  await userEvent.click(wrong);
  expect(screen.getByText('Gỡ bản ghi này thì:').closest('.notice')).toHaveTextContent(
    'lần nhập sau từ Cổng tiêm chủng quốc gia cũng không đưa mũi này trở lại',
  );
  await userEvent.type(screen.getByLabelText('Ghi chú'), 'Cổng tiêm chủng xác nhận nhập nhầm.');
  await userEvent.click(screen.getByRole('button', { name: 'Gỡ bản ghi và giải quyết' }));
  expect(
    await screen.findByText('Đã giải quyết và gỡ bản ghi sai. Các mã QR cấp trước đã bị thu hồi: người dân cần mã mới, và thẻ đã in cần in lại.'),
  ).toBeInTheDocument();
  expect(moves).toEqual([{ to: 'resolved', note: 'Cổng tiêm chủng xác nhận nhập nhầm.', record_recovery: false, remove_record_id: 'dose-wrong' }]);
  const removed = screen.getByRole('region', { name: 'Bản ghi đã gỡ' });
  expect(removed).toHaveTextContent('Mũi 2: Pfizer-BioNTech (Comirnaty) · 20/10/2021 · Trạm y tế Linh Xuân');
  expect(removed).toHaveTextContent('Quản trị thành phố (bạn)');
});

test('a ward officer whose resident moved away cannot read the records to pick from', async () => {
  server.use(
    vaccines,
    http.get('/api/v1/corrections/{id}', ({ response }) => response(200).json(request)),
    http.get('/api/v1/people/{id}/health-records', ({ response }) => response(404).json(problem(404, 'not_found'))),
  );
  logIn('ward_officer', { ward_code: '26794' });
  renderPage(<CorrectionDetail id="correction-1" account={officer} />);
  await userEvent.click(await screen.findByLabelText('Đã giải quyết'));
  expect(await screen.findByRole('alert')).toHaveTextContent('Không đọc được hồ sơ của người này: có thể họ đã chuyển sang phường khác');
  // Resolving without a removal stays possible.
  expect(screen.getByRole('button', { name: 'Lưu' })).toBeEnabled();
});

test('the person reads on their own page what was removed, by whom and when, in either language', async () => {
  const resolvedRequest = resolved(officer, { kind: 'recovery', recovery: wrongRecovery, vaccination: null });
  server.use(
    vaccines,
    http.get('/api/v1/people/{id}/corrections', ({ response }) => response(200).json({ items: [resolvedRequest], next_cursor: null })),
  );
  logIn('resident', { person_id: 'person-4' });
  const { unmount } = renderPage(<PersonCorrections personId="person-4" />);
  const removed = await screen.findByRole('region', { name: 'Bản ghi đã gỡ' });
  expect(within(removed).getByRole('heading', { level: 3 })).toHaveTextContent('Bản ghi đã gỡ');
  expect(removed).toHaveTextContent('Dương tính 01/09/2021, khỏi bệnh 14/09/2021');
  // Another reader: the role, not "you".
  expect(removed).toHaveTextContent('Người gỡCán bộ phường');
  expect(removed).not.toHaveTextContent('(bạn)');
  expect(within(removed).getByText('09:00 02/11/2021')).toHaveAttribute('datetime', '2021-11-02T02:00:00Z');
  expect(removed).toHaveTextContent('mở lại mã QR để có mã mới');
  unmount();

  localStorage.setItem('antoan.lang', 'en');
  renderPage(<PersonCorrections personId="person-4" />);
  const english = await screen.findByRole('region', { name: 'Removed record' });
  expect(english).toHaveTextContent('Removed byWard officer');
  expect(english).toHaveTextContent('The QR codes issued before the removal are revoked');
});
