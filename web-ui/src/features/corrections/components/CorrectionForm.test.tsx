import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { expect, test } from 'vitest';
import type { Schemas } from '@/api/client';
import { problem } from '@/test/fixtures';
import { logIn, renderPage } from '@/test/render';
import { http, server } from '@/test/server';
import { CorrectionForm } from './CorrectionForm';
import { PersonCorrections } from './PersonCorrections';

const vaccines = http.get('/api/v1/vaccines', ({ response }) =>
  response(200).json([{ code: 'pfizer', name: 'Pfizer-BioNTech (Comirnaty)', manufacturer: 'Pfizer', primary_doses: 2 }]),
);

function filed(body: Schemas['FileCorrectionRequest']): Schemas['CorrectionView'] {
  return {
    id: 'correction-1',
    person_id: 'person-1',
    person_full_name: 'Nguyễn Văn An',
    person_document_number_masked: '******000101',
    kind: body.kind,
    routed_to: body.kind === 'recovery' ? 'ward' : 'national_portal',
    ward_code: '26794',
    state: 'in_progress',
    description: body.description,
    recovery: body.recovery ?? null,
    vaccination: body.vaccination ?? null,
    history: [
      { from_state: null, to_state: 'open', by_account_id: 'account-resident', by_role: 'resident', at: '2021-11-01T01:00:00Z' },
      {
        from_state: 'open',
        to_state: 'in_progress',
        note: 'Đang kiểm tra giấy xác nhận.',
        by_account_id: 'account-ward',
        by_role: 'ward_officer',
        at: '2021-11-01T03:00:00Z',
      },
    ],
    created_at: '2021-11-01T01:00:00Z',
    updated_at: '2021-11-01T03:00:00Z',
  };
}

function Page() {
  return (
    <>
      <CorrectionForm personId="person-1" />
      <PersonCorrections personId="person-1" />
    </>
  );
}

test('a resident files a recovery request, checked before sending, and follows it with its history', async () => {
  const sent: Schemas['FileCorrectionRequest'][] = [];
  server.use(
    vaccines,
    http.get('/api/v1/people/{id}/corrections', ({ response }) => response(200).json({ items: sent.map(filed) })),
    http.post('/api/v1/people/{id}/corrections', async ({ request, params, response }) => {
      expect(params.id).toBe('person-1');
      const body = await request.json();
      sent.push(body);
      return response(201).json(filed(body));
    }),
  );
  logIn('resident', { person_id: 'person-1' });
  renderPage(<Page />);
  expect(await screen.findByText('Chưa có yêu cầu nào.')).toBeInTheDocument();

  await userEvent.click(screen.getByLabelText('Tình trạng khỏi bệnh (F0)'));
  await userEvent.type(screen.getByLabelText('Mô tả điều cần sửa'), 'Tôi đã khỏi bệnh nhưng mã vẫn đen.');
  await userEvent.type(screen.getByLabelText('Ngày xét nghiệm dương tính'), '2021-08-20');
  await userEvent.type(screen.getByLabelText('Ngày khỏi bệnh'), '2021-08-01');
  await userEvent.click(screen.getByRole('button', { name: 'Gửi yêu cầu' }));
  expect(await screen.findByText('Ngày khỏi bệnh không thể trước ngày dương tính.')).toBeInTheDocument();
  expect(sent).toEqual([]);

  await userEvent.clear(screen.getByLabelText('Ngày khỏi bệnh'));
  await userEvent.type(screen.getByLabelText('Ngày khỏi bệnh'), '2021-09-02');
  await userEvent.type(screen.getByLabelText('Số giấy chứng nhận khỏi bệnh'), '26794/2021/0815');
  await userEvent.click(screen.getByRole('button', { name: 'Gửi yêu cầu' }));
  expect(await screen.findByText('Đã gửi yêu cầu. Tình trạng xử lý hiện ở danh sách “Các yêu cầu đã gửi”.')).toBeInTheDocument();
  expect(sent).toEqual([
    {
      kind: 'recovery',
      description: 'Tôi đã khỏi bệnh nhưng mã vẫn đen.',
      recovery: { positive_on: '2021-08-20', recovered_on: '2021-09-02', certificate_number: '26794/2021/0815' },
    },
  ]);

  const item = (await screen.findByText('Tôi đã khỏi bệnh nhưng mã vẫn đen.')).closest('li') as HTMLElement;
  expect(within(item).getByText('UBND phường')).toBeInTheDocument();
  expect(within(item).getByText('Đang xử lý', { selector: '.state' })).toBeInTheDocument();
  expect(within(item).getByText('20/08/2021')).toBeInTheDocument();
  const history = within(item).getByRole('list', { name: 'Quá trình xử lý' });
  expect(history).toHaveTextContent('08:00 01/11/2021 · Gửi yêu cầu · Người dân');
  expect(history).toHaveTextContent('10:00 01/11/2021 · Chuyển sang “Đang xử lý” · Cán bộ phường');
  expect(history).toHaveTextContent('Đang kiểm tra giấy xác nhận.');
});

test("a vaccination request's API field error lands beside its field", async () => {
  server.use(
    vaccines,
    http.post('/api/v1/people/{id}/corrections', ({ response }) =>
      response(422).json(problem(422, 'validation_failed', [{ field: 'vaccination.dose_number', code: 'out_of_range', message: 'dose_number is between 1 and 10' }])),
    ),
  );
  logIn('resident', { person_id: 'person-1' });
  renderPage(<CorrectionForm personId="person-1" />);
  await userEvent.type(screen.getByLabelText('Mô tả điều cần sửa'), 'Thiếu mũi 2.');
  await userEvent.selectOptions(await screen.findByLabelText('Vắc xin'), 'pfizer');
  await userEvent.type(screen.getByLabelText('Mũi thứ'), '11');
  await userEvent.click(screen.getByRole('button', { name: 'Gửi yêu cầu' }));
  // The form refuses 11 itself; a 2 goes out, and the API's refusal stands beside the dose.
  expect(await screen.findByText('Mũi tiêm là một số từ 1 đến 10.')).toBeInTheDocument();
  await userEvent.clear(screen.getByLabelText('Mũi thứ'));
  await userEvent.type(screen.getByLabelText('Mũi thứ'), '2');
  await userEvent.click(screen.getByRole('button', { name: 'Gửi yêu cầu' }));
  const error = await screen.findByText('dose_number is between 1 and 10');
  expect(screen.getByLabelText('Mũi thứ')).toHaveAttribute('aria-describedby', error.id);
});
