import { screen } from '@testing-library/react';
import { expect, test } from 'vitest';
import { account, renderPage } from '@/test/render';
import { http, server } from '@/test/server';
import { CheckInPage } from './CheckInPage';

const place = { checkpoint_id: 'checkpoint-1', checkpoint_name: 'Cổng chính', organization_name: 'Chợ Thủ Đức', active: true };

test('names the place and tells a resident what to do', async () => {
  server.use(http.get('/api/v1/locations/{code}', ({ response }) => response(200).json(place)));
  renderPage(<CheckInPage code="LOC123" account={account('resident')} />);
  expect(await screen.findByText('Chợ Thủ Đức')).toBeInTheDocument();
  expect(screen.getByText('Cổng chính')).toBeInTheDocument();
  expect(screen.getByRole('link', { name: 'Mở mã QR của tôi' })).toHaveAttribute('href', '/me');
});

test('sends a visitor who is not logged in to log in and back', async () => {
  server.use(http.get('/api/v1/locations/{code}', ({ response }) => response(200).json(place)));
  renderPage(<CheckInPage code="LOC123" account={null} />);
  expect(await screen.findByRole('link', { name: 'Đăng nhập' })).toHaveAttribute('href', '/login?next=%2Fcheck-in%2FLOC123');
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
