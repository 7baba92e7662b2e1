import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, expect, test } from 'vitest';
import { session } from '@/lib/session';
import { problem } from '@/test/fixtures';
import { logIn, renderPage } from '@/test/render';
import { http, server } from '@/test/server';
import { printBatch } from '../printBatch';
import { AddToPrintBatch } from './AddToPrintBatch';
import { PrintCards } from './PrintCards';

afterEach(() => {
  printBatch.clear();
  Reflect.deleteProperty(URL, 'createObjectURL');
  Reflect.deleteProperty(URL, 'revokeObjectURL');
});

test('residents put on the list from their page print as one PDF, the unticked left out', async () => {
  const sent: unknown[] = [];
  server.use(
    http.post('/api/v1/wards/{code}/cards.pdf', async ({ request, params }) => {
      expect(params.code).toBe('26794');
      sent.push(await request.json());
      return new Response('%PDF-1.7 cards', { headers: { 'content-type': 'application/pdf' } });
    }),
  );
  const made: Blob[] = [];
  Object.assign(URL, { createObjectURL: (blob: Blob) => (made.push(blob), `blob:pdf-${made.length}`), revokeObjectURL: () => undefined });
  logIn('ward_officer', { ward_code: '26794' });
  renderPage(
    <>
      <AddToPrintBatch personId="person-2" name="Trần Thị Bưởi" document="******000102" />
      <AddToPrintBatch personId="person-3" name="Lê Thị Hoa" document="******000103" />
      <PrintCards wardCode="26794" />
    </>,
  );
  expect(screen.getByText(/Danh sách in đang trống/)).toBeInTheDocument();
  for (const button of screen.getAllByRole('button', { name: 'Thêm vào danh sách in thẻ' })) await userEvent.click(button);
  expect(screen.getAllByText('Đã có trong danh sách in thẻ.')).toHaveLength(2);

  await userEvent.click(screen.getByRole('checkbox', { name: /Trần Thị Bưởi/ }));
  await userEvent.click(screen.getByRole('button', { name: 'Tạo tệp PDF (1 thẻ)' }));
  expect(await screen.findByText('Tệp PDF 1 thẻ đã sẵn sàng.')).toBeInTheDocument();
  expect(sent).toEqual([{ person_ids: ['person-3'] }]);
  expect(screen.getByRole('link', { name: 'Mở tệp PDF để in' })).toHaveAttribute('href', 'blob:pdf-1');
  expect(screen.getByRole('link', { name: 'Tải tệp PDF' })).toHaveAttribute('download', expect.stringMatching(/^the-qr-\d{4}-\d{2}-\d{2}\.pdf$/));
  expect(await made[0]?.text()).toBe('%PDF-1.7 cards');

  await userEvent.click(screen.getByRole('button', { name: 'Bỏ những người đã in khỏi danh sách' }));
  expect(printBatch.get().map((entry) => entry.personId)).toEqual(['person-2']);
});

test('someone no longer of the ward is marked on the list', async () => {
  server.use(
    http.post('/api/v1/wards/{code}/cards.pdf', ({ response }) =>
      response(422).json(problem(422, 'validation_failed', [{ field: 'person_ids.1', code: 'unknown_person', message: 'no resident of this ward has this id' }])),
    ),
  );
  printBatch.add([
    { personId: 'person-2', name: 'Trần Thị Bưởi' },
    { personId: 'person-9', name: 'Ngô Văn Chín' },
  ]);
  logIn('ward_officer', { ward_code: '26794' });
  renderPage(<PrintCards wardCode="26794" />);
  await userEvent.click(screen.getByRole('button', { name: 'Tạo tệp PDF (2 thẻ)' }));
  expect(await screen.findByRole('alert')).toHaveTextContent('Có người trong danh sách không thuộc phường này');
  const marked = screen.getByText('Người này không còn là người dân của phường.');
  expect(marked.closest('li')).toHaveTextContent('Ngô Văn Chín');
});

test('the list ends with the login', () => {
  logIn('ward_officer', { ward_code: '26794' });
  printBatch.add([{ personId: 'person-2', name: 'Trần Thị Bưởi' }]);
  expect(sessionStorage.getItem('antoan.printBatch')).toContain('person-2');
  session.set(null);
  expect(printBatch.get()).toEqual([]);
  expect(sessionStorage.getItem('antoan.printBatch')).toBeNull();
});
