import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { expect, test } from 'vitest';
import { problem, wardList } from '@/test/fixtures';
import { renderPage } from '@/test/render';
import { http, server } from '@/test/server';
import { SmsRegistration } from './SmsRegistration';

const wards = http.get('/api/v1/wards', ({ response }) => response(200).json(wardList));
const registration = {
  id: 'registration-1',
  phone_masked: '*******456',
  expires_at: '2021-11-01T01:10:00Z',
  attempts_allowed: 5,
};

async function fillDetails() {
  await userEvent.type(screen.getByLabelText('Số giấy tờ'), '0791 4100 0102');
  await userEvent.type(screen.getByLabelText('Họ và tên'), 'Trần Thị Bưởi');
  await userEvent.type(screen.getByLabelText('Ngày sinh'), '1941-02-03');
  await userEvent.selectOptions(screen.getByLabelText('Giới tính'), 'female');
  await userEvent.selectOptions(screen.getByLabelText('Phường'), '26794');
}

/** The details with a phone, sent. */
async function sendDetails() {
  await fillDetails();
  await userEvent.type(screen.getByLabelText('Số điện thoại'), '0909123456');
  await userEvent.click(screen.getByRole('button', { name: 'Gửi mã xác nhận' }));
}

test('details and phone, then the code from the SMS (one wrong first), then word that the link went by SMS', async () => {
  const sent: unknown[] = [];
  const codes: string[] = [];
  server.use(
    wards,
    http.post('/api/v1/registrations/sms', async ({ request, response }) => {
      sent.push(await request.json());
      return response(201).json(registration);
    }),
    http.post('/api/v1/registrations/sms/{id}/confirm', async ({ request, params, response }) => {
      expect(params.id).toBe('registration-1');
      const { code } = await request.json();
      codes.push(code);
      if (code !== '482913') return response(422).json(problem(422, 'wrong_code'));
      return response(201).json({
        person_id: 'person-9',
        existing_person: false,
        phone_masked: '*******456',
        card_link_expires_at: '2021-12-01T01:00:00Z',
      });
    }),
  );
  renderPage(<SmsRegistration />);
  await fillDetails();

  // The phone is required here: it receives the code.
  await userEvent.click(screen.getByRole('button', { name: 'Gửi mã xác nhận' }));
  expect(await screen.findByText('Vui lòng nhập thông tin này.')).toBeInTheDocument();
  expect(screen.getByLabelText('Số điện thoại')).toHaveAttribute('aria-invalid', 'true');
  expect(sent).toEqual([]);

  await userEvent.type(screen.getByLabelText('Số điện thoại'), '0909 123 456');
  await userEvent.click(screen.getByRole('button', { name: 'Gửi mã xác nhận' }));
  const heading = await screen.findByRole('heading', { name: 'Bước 2: Nhập mã trong tin nhắn' });
  expect(heading).toHaveFocus();
  expect(sent).toEqual([
    {
      person: {
        document_kind: 'cccd',
        document_number: '079141000102',
        full_name: 'Trần Thị Bưởi',
        birth_date: '1941-02-03',
        gender: 'female',
        ward_code: '26794',
        phone: '0909 123 456',
        address: null,
      },
    },
  ]);
  expect(screen.getByText(/Đã gửi tin nhắn có mã 6 chữ số tới số \*{7}456\. Mã dùng được đến 08:10 01\/11\/2021\./)).toBeInTheDocument();

  // Five digits never reach the API.
  await userEvent.type(screen.getByLabelText('Mã xác nhận'), '12345');
  await userEvent.click(screen.getByRole('button', { name: 'Xác nhận' }));
  expect(await screen.findByText('Mã gồm 6 chữ số.')).toBeInTheDocument();
  expect(codes).toEqual([]);

  await userEvent.clear(screen.getByLabelText('Mã xác nhận'));
  await userEvent.type(screen.getByLabelText('Mã xác nhận'), '111111');
  await userEvent.click(screen.getByRole('button', { name: 'Xác nhận' }));
  const wrong = await screen.findByText('Mã chưa đúng. Còn 4 lần thử.');
  expect(screen.getByLabelText('Mã xác nhận')).toHaveAttribute('aria-describedby', expect.stringContaining(wrong.id));

  await userEvent.clear(screen.getByLabelText('Mã xác nhận'));
  await userEvent.type(screen.getByLabelText('Mã xác nhận'), '482 913');
  await userEvent.click(screen.getByRole('button', { name: 'Xác nhận' }));
  expect(await screen.findByRole('heading', { name: 'Đã đăng ký' })).toBeInTheDocument();
  expect(screen.getByText('Đường dẫn tới thẻ QR đã được gửi bằng tin nhắn tới số *******456.')).toBeInTheDocument();
  expect(screen.getByText(/Đường dẫn dùng được đến 08:00 01\/12\/2021\./)).toBeInTheDocument();
  expect(codes).toEqual(['111111', '482913']);
});

test('too many codes for the number: says when to try again, from Retry-After', async () => {
  server.use(
    wards,
    http.post('/api/v1/registrations/sms', ({ response }) =>
      response(429).json(problem(429, 'too_many_codes_for_phone'), { headers: { 'Retry-After': '1500' } }),
    ),
  );
  renderPage(<SmsRegistration />);
  const before = Date.now();
  await sendDetails();
  const alert = await screen.findByRole('alert');
  expect(alert).toHaveTextContent('Số điện thoại này đã nhận đủ mã trong một giờ.');
  expect(alert).toHaveTextContent('(khoảng 25 phút nữa)');
  // The time said is 25 minutes on, on Ho Chi Minh City's clock.
  const at = new Intl.DateTimeFormat('vi-VN', { hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Ho_Chi_Minh' });
  const candidates = [before, Date.now()].map((now) => at.format(new Date(now + 1_500_000)));
  expect(candidates.some((time) => alert.textContent?.includes(time))).toBe(true);
});

test("the API's refusal of a detail lands beside the field", async () => {
  server.use(
    wards,
    http.post('/api/v1/registrations/sms', ({ response }) =>
      response(422).json(problem(422, 'validation_failed', [{ field: 'person.document_number', code: 'document_unknown_province', message: 'no province' }])),
    ),
  );
  renderPage(<SmsRegistration />);
  await sendDetails();
  const error = await screen.findByText(/mã tỉnh này không có/);
  expect(screen.getByLabelText('Số giấy tờ')).toHaveAttribute('aria-describedby', error.id);
});

test('an expired code asks for a new one, which starts a fresh count of attempts', async () => {
  let requests = 0;
  server.use(
    wards,
    http.post('/api/v1/registrations/sms', ({ response }) => {
      requests += 1;
      return response(201).json({ ...registration, id: `registration-${requests}` });
    }),
    http.post('/api/v1/registrations/sms/{id}/confirm', ({ params, response }) =>
      params.id === 'registration-1'
        ? response(422).json(problem(422, 'code_expired'))
        : response(409).json(problem(409, 'duplicate_document')),
    ),
  );
  renderPage(<SmsRegistration />);
  await sendDetails();
  await userEvent.type(await screen.findByLabelText('Mã xác nhận'), '123456');
  await userEvent.click(screen.getByRole('button', { name: 'Xác nhận' }));
  expect(await screen.findByText('Mã đã hết hạn (mỗi mã dùng được 10 phút). Bấm “Gửi mã mới”.')).toBeInTheDocument();
  expect(screen.queryByLabelText('Mã xác nhận')).toBeNull();

  await userEvent.click(screen.getByRole('button', { name: 'Gửi mã mới' }));
  expect(await screen.findByText('Đã gửi mã mới; mã cũ không dùng nữa.')).toBeInTheDocument();
  expect(requests).toBe(2);
  await userEvent.type(screen.getByLabelText('Mã xác nhận'), '654321');
  await userEvent.click(screen.getByRole('button', { name: 'Xác nhận' }));
  expect(await screen.findByRole('alert')).toHaveTextContent('Số giấy tờ này đã được đăng ký với một số điện thoại khác.');
});

test('after the last wrong attempt only a new code helps', async () => {
  server.use(
    wards,
    http.post('/api/v1/registrations/sms', ({ response }) => response(201).json({ ...registration, attempts_allowed: 1 })),
    http.post('/api/v1/registrations/sms/{id}/confirm', ({ response }) => response(422).json(problem(422, 'wrong_code'))),
  );
  renderPage(<SmsRegistration />);
  await sendDetails();
  await userEvent.type(await screen.findByLabelText('Mã xác nhận'), '123456');
  await userEvent.click(screen.getByRole('button', { name: 'Xác nhận' }));
  expect(await screen.findByText('Đã nhập sai quá nhiều lần. Bấm “Gửi mã mới” để nhận mã khác.')).toBeInTheDocument();
  expect(screen.getByRole('button', { name: 'Gửi mã mới' })).toBeInTheDocument();

  // Back to the details, which are kept.
  await userEvent.click(screen.getByRole('button', { name: 'Sửa thông tin' }));
  expect(screen.getByLabelText('Họ và tên')).toHaveValue('Trần Thị Bưởi');
});

test('a registration the API no longer knows starts again with a new code', async () => {
  server.use(
    wards,
    http.post('/api/v1/registrations/sms', ({ response }) => response(201).json(registration)),
    http.post('/api/v1/registrations/sms/{id}/confirm', ({ response }) => response(404).json(problem(404, 'not_found'))),
  );
  renderPage(<SmsRegistration />);
  await sendDetails();
  await userEvent.type(await screen.findByLabelText('Mã xác nhận'), '123456');
  await userEvent.click(screen.getByRole('button', { name: 'Xác nhận' }));
  expect(await screen.findByRole('alert')).toHaveTextContent('Không tìm thấy yêu cầu đăng ký này. Bấm “Gửi mã mới” để bắt đầu lại.');
  expect(screen.getByRole('button', { name: 'Gửi mã mới' })).toBeInTheDocument();
});
