import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { expect, test } from 'vitest';
import { purpose } from '@/lib/purpose';
import { person } from '@/test/fixtures';
import { logIn, renderPage } from '@/test/render';
import { http, server } from '@/test/server';
import { FindPerson } from './FindPerson';

test('a ward lookup sends the picked purpose, says the resident will see it, and keeps it for the next resident', async () => {
  const headers: (string | null)[] = [];
  server.use(
    http.post('/api/v1/people/search', ({ request, response }) => {
      headers.push(request.headers.get('x-access-purpose'));
      return response(200).json(person);
    }),
  );
  logIn('ward_officer', { ward_code: '26794' });
  const found: string[] = [];
  const { unmount } = renderPage(<FindPerson onFound={(p) => found.push(p.id)} />);

  const group = screen.getByRole('group', { name: 'Mục đích tra cứu' });
  expect(group).toHaveAccessibleDescription('Người dân sẽ thấy mục đích này trong nhật ký truy cập của họ.');
  await userEvent.type(screen.getByLabelText('Số giấy tờ'), '079090000101');
  await userEvent.click(screen.getByLabelText('In thẻ QR cho người dân'));
  await userEvent.click(screen.getByRole('button', { name: 'Tìm' }));
  await expect.poll(() => found).toEqual(['person-1']);
  expect(headers).toEqual([encodeURIComponent('In thẻ QR cho người dân')]);
  expect(purpose.get()).toBe('In thẻ QR cho người dân');
  unmount();

  // The next resident in the queue: the purpose is already chosen.
  renderPage(<FindPerson onFound={(p) => found.push(p.id)} />);
  expect(screen.getByLabelText('In thẻ QR cho người dân')).toBeChecked();
  await userEvent.type(screen.getByLabelText('Số giấy tờ'), '079090000101');
  await userEvent.click(screen.getByRole('button', { name: 'Tìm' }));
  await expect.poll(() => headers.length).toBe(2);
  expect(headers[1]).toBe(encodeURIComponent('In thẻ QR cho người dân'));
});

test('without a purpose nothing is sent; a written purpose travels percent-encoded', async () => {
  const headers: (string | null)[] = [];
  server.use(
    http.post('/api/v1/people/search', ({ request, response }) => {
      headers.push(request.headers.get('x-access-purpose'));
      return response(200).json(person);
    }),
  );
  logIn('ward_officer', { ward_code: '26794' });
  renderPage(<FindPerson onFound={() => undefined} />);
  await userEvent.type(screen.getByLabelText('Số giấy tờ'), '079090000101');
  await userEvent.click(screen.getByRole('button', { name: 'Tìm' }));
  expect(await screen.findByText('Chọn hoặc ghi mục đích, từ 3 đến 300 ký tự.')).toBeInTheDocument();
  expect(headers).toEqual([]);

  await userEvent.click(screen.getByLabelText('Mục đích khác'));
  await userEvent.type(screen.getByLabelText('Ghi mục đích'), 'Cấp lại   giấy xác nhận');
  await userEvent.click(screen.getByRole('button', { name: 'Tìm' }));
  await expect.poll(() => headers).toEqual([encodeURIComponent('Cấp lại giấy xác nhận')]);
});

test("the API's purpose_required lands beside the purpose", async () => {
  server.use(
    http.post('/api/v1/people/search', ({ response }) =>
      response(422).json({
        type: 'about:blank',
        title: 'Unprocessable Entity',
        status: 422,
        code: 'purpose_required',
        detail: 'state why you read this person’s data',
        errors: [{ field: 'X-Access-Purpose', code: 'purpose_required', message: 'state why' }],
      }),
    ),
  );
  logIn('ward_officer', { ward_code: '26794' });
  renderPage(<FindPerson onFound={() => undefined} />);
  await userEvent.type(screen.getByLabelText('Số giấy tờ'), '079090000101');
  await userEvent.click(screen.getByLabelText('Trả lời câu hỏi của người dân về mã QR'));
  await userEvent.click(screen.getByRole('button', { name: 'Tìm' }));
  const error = await screen.findByText('Hãy nêu mục đích: người dân sẽ thấy nó trong nhật ký truy cập.');
  expect(screen.getByRole('group', { name: 'Mục đích tra cứu' })).toHaveAttribute('aria-describedby', expect.stringContaining(error.id));
  expect(screen.queryByRole('alert')).toBeNull();
});
