import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { expect, test } from 'vitest';
import { person, problem } from '@/test/fixtures';
import { logIn, renderPage } from '@/test/render';
import { http, server } from '@/test/server';
import { CardLinks } from './CardLinks';

test('a ward officer texts the card link, then revokes every link after confirming', async () => {
  const calls: string[] = [];
  server.use(
    http.post('/api/v1/people/{id}/card-links', ({ params, response }) => {
      calls.push(`send ${params.id}`);
      return response(201).json({ phone_masked: '*******101', expires_at: '2021-12-01T01:00:00Z' });
    }),
    http.post('/api/v1/people/{id}/card-links/revoke', ({ params, response }) => {
      calls.push(`revoke ${params.id}`);
      return response(200).json({ revoked: 2 });
    }),
  );
  logIn('ward_officer', { ward_code: '26794' });
  renderPage(<CardLinks person={{ ...person, phone: '0909000101' }} />);

  await userEvent.click(screen.getByRole('button', { name: 'Gửi đường dẫn qua SMS' }));
  expect(await screen.findByText('Đã gửi tới số *******101; đường dẫn dùng được đến 08:00 01/12/2021.')).toBeInTheDocument();

  await userEvent.click(screen.getByRole('button', { name: 'Thu hồi mọi đường dẫn đã gửi' }));
  expect(screen.getByText(/Mọi đường dẫn đã gửi cho người này sẽ ngừng mở được thẻ/)).toBeInTheDocument();
  await userEvent.click(screen.getByRole('button', { name: 'Thu hồi' }));
  expect(await screen.findByText('Đã thu hồi 2 đường dẫn.')).toBeInTheDocument();
  expect(calls).toEqual(['send person-1', 'revoke person-1']);
});

test('without a phone on record the link cannot be sent', () => {
  logIn('ward_officer', { ward_code: '26794' });
  renderPage(<CardLinks person={person} />);
  expect(screen.getByText('Hồ sơ chưa có số điện thoại nên không gửi được đường dẫn.')).toBeInTheDocument();
  expect(screen.getByRole('button', { name: 'Gửi đường dẫn qua SMS' })).toBeDisabled();
});

test("a number the API cannot text (its no_phone) is said in the officer's words", async () => {
  server.use(http.post('/api/v1/people/{id}/card-links', ({ response }) => response(422).json(problem(422, 'no_phone'))));
  logIn('ward_officer', { ward_code: '26794' });
  renderPage(<CardLinks person={{ ...person, phone: '0283 123' }} />);
  await userEvent.click(screen.getByRole('button', { name: 'Gửi đường dẫn qua SMS' }));
  expect(await screen.findByRole('alert')).toHaveTextContent('Hồ sơ chưa có số điện thoại nên không gửi được đường dẫn.');
});
