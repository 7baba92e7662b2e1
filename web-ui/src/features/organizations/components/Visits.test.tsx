import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { expect, test } from 'vitest';
import { checkpoint } from '@/test/fixtures';
import { logIn, renderPage } from '@/test/render';
import { http, server } from '@/test/server';
import { Visits } from './Visits';

const visit = {
  id: 'visit-1',
  checkpoint_id: 'checkpoint-1',
  checkpoint_name: 'Cổng chính',
  folded_name: 'LE THI HOA',
  document_masked: '******000103',
  person_known: true,
  colour: 'black',
  reason: 'dose 1 less than 14 days ago',
  reason_vi: 'mũi 1 chưa đủ 14 ngày',
  policy_version: 'hcmc-2021-10-01',
  method: 'staff_scan',
  entered_at: '2021-11-01T01:30:00Z',
};

test('lists visits with each visitor’s status and filters by checkpoint', async () => {
  const queries: URLSearchParams[] = [];
  server.use(
    http.get('/api/v1/organizations/{id}/checkpoints', ({ response }) => response(200).json([checkpoint, { ...checkpoint, id: 'checkpoint-2', name: 'Cổng sau' }])),
    http.get('/api/v1/organizations/{id}/visits', ({ request, response }) => {
      queries.push(new URL(request.url).searchParams);
      return response(200).json({ items: [visit] });
    }),
  );
  logIn('organization_admin', { organization_id: 'org-1' });
  renderPage(<Visits organizationId="org-1" />);

  const row = (await screen.findByText('LE THI HOA')).closest('tr') as HTMLElement;
  expect(within(row).getByText('Đen')).toBeInTheDocument();
  expect(within(row).getByText('mũi 1 chưa đủ 14 ngày')).toBeInTheDocument();
  expect(within(row).getByText('******000103')).toBeInTheDocument();
  expect(within(row).getByText('08:30 01/11/2021')).toBeInTheDocument();
  expect(queries[0]?.get('checkpoint')).toBeNull();
  expect(new Date(queries[0]?.get('until') ?? '').getTime()).toBeGreaterThan(new Date(queries[0]?.get('from') ?? '').getTime());

  await userEvent.selectOptions(await screen.findByLabelText('Điểm kiểm soát'), 'Cổng sau');
  await userEvent.click(screen.getByRole('button', { name: 'Xem' }));
  await screen.findByText('LE THI HOA');
  expect(queries.at(-1)?.get('checkpoint')).toBe('checkpoint-2');
});

test('refuses a window that ends before it starts', async () => {
  let calls = 0;
  server.use(
    http.get('/api/v1/organizations/{id}/checkpoints', ({ response }) => response(200).json([checkpoint])),
    http.get('/api/v1/organizations/{id}/visits', ({ response }) => {
      calls += 1;
      return response(200).json({ items: [] });
    }),
  );
  logIn('organization_admin', { organization_id: 'org-1' });
  renderPage(<Visits organizationId="org-1" />);
  expect(await screen.findByText('Không có lượt nào trong khoảng thời gian này.')).toBeInTheDocument();
  const until = screen.getByLabelText('Đến');
  await userEvent.clear(until);
  await userEvent.type(until, '2021-10-01T08:00');
  await userEvent.click(screen.getByRole('button', { name: 'Xem' }));
  expect(screen.getByText('Thời điểm “Đến” phải sau “Từ”.')).toBeInTheDocument();
  expect(until).toHaveAttribute('aria-invalid', 'true');
  expect(calls).toBe(1);
});
