import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { expect, test, vi } from 'vitest';
import { greenStatus, problem } from '@/test/fixtures';
import { renderPage } from '@/test/render';
import { http, server } from '@/test/server';
import { CardPage } from './CardPage';

const card = {
  full_name: 'Trần Thị Bưởi',
  folded_name: 'TRAN THI BUOI',
  document_number_masked: '******000102',
  ward_code: '26794',
  ward_name: 'Phường Linh Xuân',
  qr: {
    payload: '079141000102|TRAN THI BUOI|1941-02-03|1|790000000000000002|<2<<<0909123456<token',
    key_id: 'key-1',
    issued_at: '2021-10-15T03:00:00Z',
    green_from: '2021-10-15T00:00:00Z',
    green_until: '2021-10-22T00:00:00Z',
    status: greenStatus,
  },
  qr_svg: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#fff"/></svg>',
  link_expires_at: '2021-12-01T01:00:00Z',
};

test('the secret goes from the fragment to the body of POST /cards/open, and the card shows and prints', async () => {
  const requests: { url: string; body: unknown }[] = [];
  server.use(
    http.post('/api/v1/cards/open', async ({ request, response }) => {
      requests.push({ url: request.url, body: await request.json() });
      return response(200).json(card);
    }),
  );
  const print = vi.spyOn(window, 'print').mockImplementation(() => undefined);
  renderPage(<CardPage />, { route: '/card#s3cr3t-Token_1' });

  expect(await screen.findByText('Trần Thị Bưởi', { selector: '.card-owner strong' })).toBeInTheDocument();
  expect(requests).toEqual([{ url: `${location.origin}/api/v1/cards/open`, body: { token: 's3cr3t-Token_1' } }]);
  const figure = document.querySelector('figure.personal-qr');
  expect(figure).toHaveAttribute('data-colour', 'green');
  expect(screen.getByText('Xanh')).toBeInTheDocument();
  expect(screen.getByText(greenStatus.reason_vi)).toBeInTheDocument();
  expect(screen.getByText('Phường Linh Xuân', { selector: '.card-owner span' })).toBeInTheDocument();

  // The printed card: the code from the API's SVG, the name, the masked number, the ward.
  const printed = screen.getByRole('article', { name: 'Thẻ mã QR cá nhân' });
  expect(printed).toHaveTextContent('Trần Thị Bưởi');
  expect(printed).toHaveTextContent('******000102');
  expect(printed).toHaveTextContent('Phường Linh Xuân');
  const image = printed.querySelector('img.card-qr');
  expect(decodeURIComponent(image?.getAttribute('src') ?? '')).toBe(`data:image/svg+xml;charset=utf-8,${card.qr_svg}`);
  await userEvent.click(screen.getByRole('button', { name: 'In thẻ' }));
  expect(print).toHaveBeenCalledOnce();
});

test('a revoked or expired link says so and where to get a new one', async () => {
  server.use(http.post('/api/v1/cards/open', ({ response }) => response(404).json(problem(404, 'not_found'))));
  renderPage(<CardPage />, { route: '/card#old-secret' });
  const alert = await screen.findByRole('alert');
  expect(alert).toHaveTextContent('Đường dẫn này không còn dùng được: đã hết hạn (sau 30 ngày) hoặc đã bị thu hồi.');
  expect(screen.getByRole('link', { name: 'Không có điện thoại thông minh? Đăng ký bằng tin nhắn SMS' })).toHaveAttribute('href', '/register-sms');
});

test('a link without its secret asks for the link from the message, and calls nothing', async () => {
  // An unhandled request fails the test (onUnhandledRequest: 'error').
  renderPage(<CardPage />, { route: '/card' });
  expect(await screen.findByRole('alert')).toHaveTextContent('Đường dẫn thiếu phần mã sau dấu #.');
});
