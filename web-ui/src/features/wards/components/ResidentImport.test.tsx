import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { expect, test } from 'vitest';
import { problem } from '@/test/fixtures';
import { logIn, renderPage } from '@/test/render';
import { http, server } from '@/test/server';
import { printBatch } from '../printBatch';
import { ResidentImport } from './ResidentImport';

const header = 'document_kind,document_number,full_name,birth_date,gender,phone,address';
const csv = [
  header,
  'cccd,079160000105,Võ Thị Sáu,1960-03-08,female,0909123456,"12 Kha Vạn Cân, Linh Xuân"',
  'cccd,07916000010,Nguyễn Văn Bảy,1961-04-01,male,,',
  'cccd,079162000107,Đặng Thị Tám,1962-05-02,female,,',
].join('\n');

async function upload(text: string, mode?: string) {
  await userEvent.upload(screen.getByLabelText('Tệp CSV'), new File([text], 'residents.csv', { type: 'text/csv' }));
  if (mode) await userEvent.click(screen.getByLabelText(mode));
  await userEvent.click(screen.getByRole('button', { name: 'Nhập' }));
}

test('good rows: the created and the refused, each by its line, and the created go on the print list', async () => {
  const sent: { mode: string | null; type: string | null; body: string }[] = [];
  server.use(
    http.post('/api/v1/wards/{code}/residents/import', async ({ request, params, response }) => {
      expect(params.code).toBe('26794');
      sent.push({ mode: new URL(request.url).searchParams.get('mode'), type: request.headers.get('content-type'), body: await request.text() });
      return response(200).json({
        mode: 'good_rows',
        committed: true,
        created: [
          { line: 2, person_id: 'person-5' },
          { line: 4, person_id: 'person-7' },
        ],
        rejected: [{ line: 3, errors: [{ field: 'document_number', code: 'document_wrong_length', message: 'a CCCD has 12 digits' }] }],
      });
    }),
  );
  logIn('ward_officer', { ward_code: '26794' });
  renderPage(<ResidentImport wardCode="26794" />);
  await upload(csv, 'Tạo các dòng đúng, báo các dòng sai');

  expect(await screen.findByText('Đã tạo hồ sơ cho 2 người; 1 dòng bị từ chối.')).toBeInTheDocument();
  expect(sent).toEqual([{ mode: 'good_rows', type: 'text/csv; charset=utf-8', body: csv }]);
  const refused = screen.getByRole('table', { name: 'Các dòng bị từ chối' });
  const row = within(refused).getByRole('row', { name: /^3/ });
  expect(row).toHaveTextContent('Nguyễn Văn Bảy');
  expect(row).toHaveTextContent('Số giấy tờ: Số giấy tờ không đúng độ dài.');
  const created = screen.getByRole('table', { name: 'Hồ sơ đã tạo' });
  expect(within(created).getByRole('link', { name: 'Đặng Thị Tám' })).toHaveAttribute('href', '/people/person-7');

  await userEvent.click(screen.getByRole('button', { name: 'Thêm 2 người vừa tạo vào danh sách in thẻ' }));
  expect(printBatch.get()).toEqual([
    { personId: 'person-5', name: 'Võ Thị Sáu' },
    { personId: 'person-7', name: 'Đặng Thị Tám' },
  ]);
  expect(screen.getByRole('link', { name: 'Mở danh sách in thẻ (2)' })).toHaveAttribute('href', '/ward/cards');
  printBatch.clear();
});

test('all or nothing: one bad row and nobody is created; the row is shown by its line', async () => {
  server.use(
    http.post('/api/v1/wards/{code}/residents/import', ({ response }) =>
      response(422).json(
        problem(422, 'validation_failed', [{ field: 'line.3.document_number', code: 'document_wrong_length', message: 'line 3: a CCCD has 12 digits' }]),
      ),
    ),
  );
  logIn('ward_officer', { ward_code: '26794' });
  renderPage(<ResidentImport wardCode="26794" />);
  await upload(csv);
  expect(await screen.findByRole('alert')).toHaveTextContent('Chưa tạo hồ sơ nào vì 1 dòng sai.');
  const row = within(screen.getByRole('table', { name: 'Các dòng bị từ chối' })).getByRole('row', { name: /^3/ });
  expect(row).toHaveTextContent('Nguyễn Văn Bảy');
  expect(screen.queryByRole('table', { name: 'Hồ sơ đã tạo' })).toBeNull();
});

test('a file without its gender column, or no file at all, is refused before sending', async () => {
  // An unhandled request fails the test (onUnhandledRequest: 'error').
  logIn('ward_officer', { ward_code: '26794' });
  renderPage(<ResidentImport wardCode="26794" />);
  await userEvent.click(screen.getByRole('button', { name: 'Nhập' }));
  expect(await screen.findByText('Chọn tệp CSV.')).toBeInTheDocument();
  await upload('document_kind,document_number,full_name,birth_date\ncccd,079160000105,Võ Thị Sáu,1960-03-08\n');
  const error = await screen.findByText('Tệp thiếu cột: gender.');
  expect(screen.getByLabelText('Tệp CSV')).toHaveAttribute('aria-describedby', expect.stringContaining(error.id));
});
