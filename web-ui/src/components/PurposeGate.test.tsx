import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useQuery } from '@tanstack/react-query';
import { expect, test } from 'vitest';
import { api } from '@/api/client';
import { unwrap } from '@/api/problem';
import { purpose, purposeHeader } from '@/lib/purpose';
import { person } from '@/test/fixtures';
import { logIn, renderPage } from '@/test/render';
import { http, server } from '@/test/server';
import { PurposeGate } from './PurposeGate';

test('a health officer states the investigation’s purpose before the page loads, and can change it', async () => {
  logIn('health_officer');
  renderPage(
    <PurposeGate>
      <p>visits here</p>
    </PurposeGate>,
  );
  expect(screen.queryByText('visits here')).toBeNull();
  await userEvent.click(screen.getByRole('button', { name: 'Tiếp tục' }));
  expect(await screen.findByText('Chọn hoặc ghi mục đích, từ 3 đến 300 ký tự.')).toBeInTheDocument();
  expect(screen.queryByText('visits here')).toBeNull();

  await userEvent.click(screen.getByLabelText('Điều tra ổ dịch tại địa điểm'));
  await userEvent.click(screen.getByRole('button', { name: 'Tiếp tục' }));
  expect(await screen.findByText('visits here')).toBeInTheDocument();
  expect(screen.getByText('Mục đích: Điều tra ổ dịch tại địa điểm')).toBeInTheDocument();
  expect(purpose.get()).toBe('Điều tra ổ dịch tại địa điểm');

  await userEvent.click(screen.getByRole('button', { name: 'Đổi mục đích' }));
  await userEvent.click(screen.getByLabelText('Truy vết người tiếp xúc với ca F0'));
  await userEvent.click(screen.getByRole('button', { name: 'Tiếp tục' }));
  expect(await screen.findByText('Mục đích: Truy vết người tiếp xúc với ca F0')).toBeInTheDocument();
});

test('other roles pass through the gate without a purpose', () => {
  logIn('organization_admin', { organization_id: 'org-1' });
  renderPage(
    <PurposeGate>
      <p>visits here</p>
    </PurposeGate>,
  );
  expect(screen.getByText('visits here')).toBeInTheDocument();
});

function PersonName() {
  const read = useQuery({
    queryKey: ['person', 'person-1'],
    queryFn: async () => unwrap(await api.GET('/api/v1/people/{id}', { params: { path: { id: 'person-1' }, header: purposeHeader() } })),
  });
  return <p>{read.data?.full_name ?? 'waiting'}</p>;
}

test("the API's purpose_required brings the form back with the refusal beside the purpose", async () => {
  const headers: (string | null)[] = [];
  server.use(
    http.get('/api/v1/people/{id}', ({ request, response }) => {
      const stated = request.headers.get('x-access-purpose');
      headers.push(stated);
      if (stated === encodeURIComponent('Truy vết người tiếp xúc với ca F0')) return response(200).json(person);
      return response(422).json({
        type: 'about:blank',
        title: 'Unprocessable Entity',
        status: 422,
        code: 'purpose_required',
        detail: 'state why',
        errors: [{ field: 'X-Access-Purpose', code: 'purpose_required', message: 'state why' }],
      });
    }),
  );
  logIn('health_officer');
  // A purpose this test's API does not take stands in for one the API never saw.
  purpose.set('Kiểm tra');
  renderPage(
    <PurposeGate>
      <PersonName />
    </PurposeGate>,
  );
  const refusal = await screen.findByText('Hãy nêu mục đích: người dân sẽ thấy nó trong nhật ký truy cập.');
  expect(screen.getByRole('group', { name: 'Mục đích tra cứu' })).toHaveAttribute('aria-describedby', expect.stringContaining(refusal.id));
  expect(purpose.get()).toBeNull();

  await userEvent.click(screen.getByLabelText('Truy vết người tiếp xúc với ca F0'));
  await userEvent.click(screen.getByRole('button', { name: 'Tiếp tục' }));
  expect(await screen.findByText(person.full_name)).toBeInTheDocument();
  expect(headers.at(-1)).toBe(encodeURIComponent('Truy vết người tiếp xúc với ca F0'));
});
