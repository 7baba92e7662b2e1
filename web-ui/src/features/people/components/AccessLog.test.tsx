import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { expect, test } from 'vitest';
import { logIn, renderPage } from '@/test/render';
import { http, server } from '@/test/server';
import { AccessLog } from './AccessLog';

const scan = {
  id: 'access-2',
  accessed_at: '2021-11-01T01:30:00Z',
  kind: 'scan',
  purpose: null,
  reader_role: 'checkpoint_staff',
  organization_name: 'Chợ Thủ Đức',
  checkpoint_name: 'Cổng chính',
};
const visits = {
  id: 'access-1',
  accessed_at: '2021-10-31T16:05:00Z',
  kind: 'visit_list',
  purpose: 'Truy vết ca F0 ở chợ Thủ Đức',
  reader_role: 'health_officer',
};

test('each read says when on Ho Chi Minh City’s clock, what, who and why, one page at a time', async () => {
  const cursors: (string | null)[] = [];
  server.use(
    http.get('/api/v1/people/{id}/access-log', ({ request, params, response }) => {
      expect(params.id).toBe('person-1');
      const cursor = new URL(request.url).searchParams.get('cursor');
      cursors.push(cursor);
      return cursor === null
        ? response(200).json({ items: [scan], next_cursor: 'page-2' })
        : response(200).json({ items: [visits] });
    }),
  );
  logIn('resident', { person_id: 'person-1' });
  renderPage(<AccessLog personId="person-1" />);

  const first = (await screen.findByText('Quét mã QR khi vào cửa')).closest('li') as HTMLElement;
  expect(within(first).getByText('08:30 01/11/2021')).toBeInTheDocument();
  expect(within(first).getByText('Nhân viên điểm kiểm soát')).toBeInTheDocument();
  expect(within(first).getByText('tại Chợ Thủ Đức · Cổng chính')).toBeInTheDocument();
  expect(within(first).getByText('Không nêu (lượt quét tại cổng)')).toBeInTheDocument();

  await userEvent.click(screen.getByRole('button', { name: 'Trang sau' }));
  const second = (await screen.findByText('Xem danh sách lượt ra vào')).closest('li') as HTMLElement;
  // 16:05 UTC is five past eleven at night in Ho Chi Minh City.
  expect(within(second).getByText('23:05 31/10/2021')).toBeInTheDocument();
  expect(within(second).getByText('Cán bộ y tế')).toBeInTheDocument();
  expect(within(second).getByText('Truy vết ca F0 ở chợ Thủ Đức')).toBeInTheDocument();
  expect(screen.queryByRole('button', { name: 'Trang sau' })).toBeNull();
  expect(cursors).toEqual([null, 'page-2']);

  await userEvent.click(screen.getByRole('button', { name: 'Trang trước' }));
  expect(await screen.findByText('Quét mã QR khi vào cửa')).toBeInTheDocument();
});

test('an empty ledger says nobody has read the data', async () => {
  server.use(http.get('/api/v1/people/{id}/access-log', ({ response }) => response(200).json({ items: [] })));
  logIn('resident', { person_id: 'person-1' });
  renderPage(<AccessLog personId="person-1" />);
  expect(await screen.findByText('Chưa có ai xem thông tin của bạn.')).toBeInTheDocument();
});
