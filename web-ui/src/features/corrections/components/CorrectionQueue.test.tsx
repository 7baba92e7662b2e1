import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, expect, test, vi } from 'vitest';
import type { Schemas } from '@/api/client';
import { logIn, renderPage } from '@/test/render';
import { http, server } from '@/test/server';
import { CorrectionQueue } from './CorrectionQueue';
import { PortalExport } from './PortalExport';

const item: Schemas['CorrectionView'] = {
  id: 'correction-7',
  person_id: 'person-2',
  person_full_name: 'Trần Thị Bưởi',
  person_document_number_masked: '******000102',
  kind: 'vaccination',
  routed_to: 'national_portal',
  ward_code: '26794',
  state: 'open',
  description: 'Thiếu mũi 2 ngày 20/9.',
  history: [],
  created_at: '2021-11-01T01:00:00Z',
  updated_at: '2021-11-01T01:00:00Z',
};

test("the ward's queue names each person and filters by state and kind, one page at a time", async () => {
  const queries: string[] = [];
  server.use(
    http.get('/api/v1/corrections', ({ request, response }) => {
      const query = new URL(request.url).searchParams;
      queries.push(query.toString());
      return query.get('cursor') ? response(200).json({ items: [] }) : response(200).json({ items: [item], next_cursor: 'page-2' });
    }),
  );
  logIn('ward_officer', { ward_code: '26794' });
  renderPage(<CorrectionQueue />);
  expect(await screen.findByRole('link', { name: 'Trần Thị Bưởi' })).toHaveAttribute('href', '/corrections/correction-7');
  expect(screen.getByText('******000102')).toBeInTheDocument();
  expect(screen.getByText('Mới gửi', { selector: '.state' })).toBeInTheDocument();

  await userEvent.selectOptions(screen.getByLabelText('Trạng thái'), 'in_progress');
  await userEvent.selectOptions(screen.getByLabelText('Loại yêu cầu'), 'recovery');
  await userEvent.click(await screen.findByRole('button', { name: 'Trang sau' }));
  expect(await screen.findByText('Không có yêu cầu nào.')).toBeInTheDocument();
  expect(queries).toEqual(['limit=50', 'state=in_progress&limit=50', 'state=in_progress&kind=recovery&limit=50', 'state=in_progress&kind=recovery&limit=50&cursor=page-2']);
});

afterEach(() => {
  Reflect.deleteProperty(URL, 'createObjectURL');
  Reflect.deleteProperty(URL, 'revokeObjectURL');
});

test('the city downloads the portal export with its token, for the state it picks', async () => {
  const seen: { state: string | null; authorization: string | null }[] = [];
  server.use(
    http.get('/api/v1/corrections/export.csv', ({ request }) => {
      seen.push({ state: new URL(request.url).searchParams.get('state'), authorization: request.headers.get('authorization') });
      return new Response('request_id,filed_at\n', { headers: { 'content-type': 'text/csv' } });
    }),
  );
  const saved: Blob[] = [];
  Object.assign(URL, { createObjectURL: (blob: Blob) => (saved.push(blob), 'blob:export'), revokeObjectURL: () => undefined });
  const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    expect(this.download).toBe('vaccination-corrections-in_progress.csv');
  });
  logIn('city_admin');
  renderPage(<PortalExport />);
  await userEvent.selectOptions(screen.getByLabelText('Trạng thái'), 'in_progress');
  await userEvent.click(screen.getByRole('button', { name: 'Tải tệp CSV cho Cổng tiêm chủng' }));
  expect(await screen.findByText('Đã tải tệp.')).toBeInTheDocument();
  expect(seen).toEqual([{ state: 'in_progress', authorization: 'Bearer access-city_admin' }]);
  expect(click).toHaveBeenCalledOnce();
  expect(await saved[0]?.text()).toBe('request_id,filed_at\n');
});
