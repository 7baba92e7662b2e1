import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { expect, test, vi } from 'vitest';
import { person } from '@/test/fixtures';
import { logIn, renderPage } from '@/test/render';
import { http, server } from '@/test/server';
import { PersonForm } from './PersonForm';

const wards = http.get('/api/v1/wards', ({ response }) =>
  response(200).json([{ code: '26794', name: 'Phường Linh Xuân', district_code: '769' }]),
);

async function fill(documentNumber: string) {
  await userEvent.type(screen.getByLabelText('Số giấy tờ'), documentNumber);
  await userEvent.type(screen.getByLabelText('Họ và tên'), 'Lê Thị Hoa');
  await userEvent.type(screen.getByLabelText('Ngày sinh'), '1985-08-20');
}

test('refuses a CCCD of the wrong length before sending', async () => {
  let sent = 0;
  server.use(
    wards,
    http.post('/api/v1/people', ({ response }) => {
      sent += 1;
      return response(201).json(person);
    }),
  );
  logIn('ward_officer', { ward_code: '26794' });
  renderPage(<PersonForm wardCode="26794" onCreated={() => undefined} />);
  await fill('07918500010');
  await userEvent.click(screen.getByRole('button', { name: 'Tạo hồ sơ' }));
  expect(await screen.findByText('Số CCCD gồm 12 chữ số.')).toBeInTheDocument();
  expect(screen.getByLabelText('Số giấy tờ')).toHaveAttribute('aria-invalid', 'true');
  expect(sent).toBe(0);
});

test("shows the API's field errors beside the fields", async () => {
  server.use(
    wards,
    http.post('/api/v1/people', ({ response }) =>
      response(422).json({
        type: '/problems/validation_failed',
        title: 'Unprocessable',
        status: 422,
        detail: 'some fields are invalid',
        code: 'validation_failed',
        errors: [{ field: 'document_number', code: 'document_unknown_province', message: 'no province has code 099' }],
      }),
    ),
  );
  logIn('ward_officer', { ward_code: '26794' });
  renderPage(<PersonForm wardCode="26794" onCreated={() => undefined} />);
  await fill('099185000103');
  await userEvent.click(screen.getByRole('button', { name: 'Tạo hồ sơ' }));
  const message = await screen.findByText('no province has code 099');
  expect(screen.getByLabelText('Số giấy tờ')).toHaveAttribute('aria-describedby', message.id);
});

test('sends the person with the officer’s ward and hands back the created record', async () => {
  const created = vi.fn();
  server.use(
    wards,
    http.post('/api/v1/people', async ({ request, response }) => {
      const body = await request.json();
      expect(body).toMatchObject({
        document_kind: 'cccd',
        document_number: '079185000103',
        full_name: 'Lê Thị Hoa',
        birth_date: '1985-08-20',
        ward_code: '26794',
        phone: null,
      });
      return response(201).json({ ...person, id: 'person-2' });
    }),
  );
  logIn('ward_officer', { ward_code: '26794' });
  renderPage(<PersonForm wardCode="26794" onCreated={created} />);
  await fill('0791 8500 0103');
  await userEvent.click(screen.getByRole('button', { name: 'Tạo hồ sơ' }));
  await vi.waitFor(() => expect(created).toHaveBeenCalledWith(expect.objectContaining({ id: 'person-2' })));
});
