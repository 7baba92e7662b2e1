import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { expect, test } from 'vitest';
import { logIn, renderPage } from '@/test/render';
import { http, server } from '@/test/server';
import { MyVisits } from './MyVisits';

const visit = (id: string, extra: object = {}) => ({
  person_id: 'person-1',
  organization_name: 'Chợ Thủ Đức',
  colour: 'green',
  reason: 'dose 1 of Pfizer',
  reason_vi: 'mũi 1 Pfizer',
  method: 'self_check_in',
  open: false,
  visit: {
    visit_id: id,
    checkpoint_id: 'checkpoint-1',
    checkpoint_name: 'Cổng chính',
    folded_name: 'NGUYEN VAN AN',
    document_masked: '******000101',
    entered_at: '2021-10-20T02:15:00Z',
    exited_at: '2021-10-20T03:05:00Z',
    exit_method: 'self_check_out',
    ends_at: '2021-10-20T03:05:00Z',
  },
  ...extra,
});

test('lists the resident’s and their relatives’ visits, open ones saying when they end, a page at a time', async () => {
  const cursors: (string | null)[] = [];
  server.use(
    http.get('/api/v1/visits', ({ request, response }) => {
      const cursor = new URL(request.url).searchParams.get('cursor');
      cursors.push(cursor);
      return cursor
        ? response(200).json({ items: [visit('visit-3', { method: 'manual' })], next_cursor: null })
        : response(200).json({
            items: [
              visit('visit-1', {
                person_id: 'person-2',
                open: true,
                colour: 'black',
                visit: { ...visit('x').visit, visit_id: 'visit-1', folded_name: 'TRAN THI BUOI', exited_at: null, exit_method: null, ends_at: '2021-10-20T06:15:00Z' },
              }),
              visit('visit-2', { method: 'staff_scan' }),
            ],
            next_cursor: 'page-2',
          });
    }),
  );
  const user = userEvent.setup();
  logIn('resident');
  renderPage(<MyVisits />);

  const list = await screen.findByRole('list', { name: 'Những nơi tôi đã vào' });
  const items = list.querySelectorAll('li');
  expect(items).toHaveLength(2);
  expect(items[0]).toHaveTextContent('TRAN THI BUOI · Chợ Thủ Đức · Cổng chính');
  // 06:15 UTC is 13:15 in Hồ Chí Minh City.
  expect(items[0]).toHaveTextContent(/Đang ở đây, tự động ra lúc .*13:15/);
  expect(items[0]).toHaveTextContent('tự khai báo');
  expect(items[0]).toHaveTextContent('Đen');
  expect(items[1]).toHaveTextContent(/Ra lúc .*10:05/);
  expect(items[1]).toHaveTextContent('nhân viên quét mã');

  await user.click(screen.getByRole('button', { name: 'Trang sau' }));
  expect(await screen.findByText(/nhân viên nhập số giấy tờ/)).toBeInTheDocument();
  expect(cursors).toEqual([null, 'page-2']);
  expect(screen.queryByRole('button', { name: 'Trang sau' })).not.toBeInTheDocument();
});

test('says so when there is no visit yet', async () => {
  server.use(http.get('/api/v1/visits', ({ response }) => response(200).json({ items: [], next_cursor: null })));
  logIn('resident');
  renderPage(<MyVisits />);
  expect(await screen.findByText('Chưa có lượt vào nào.')).toBeInTheDocument();
});
