import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { expect, test } from 'vitest';
import { logIn, renderPage } from '@/test/render';
import { http, server } from '@/test/server';
import { StaffPeople } from './StaffPeople';

const person = {
  person_id: 'person-1',
  full_name: 'Nguyễn Văn An',
  document_masked: '******000101',
  title: 'bảo vệ',
  linked_at: '2021-11-01T01:00:00Z',
  status: {
    colour: 'green',
    reason: 'dose 2 more than 14 days ago',
    doses: 2,
    last_dose_vaccine: 'Comirnaty',
    last_dose_on: '2021-09-01',
    latest_test_at: '2021-10-30T02:00:00Z',
    latest_test_kind: 'pcr',
    latest_test_result: 'negative',
    latest_declaration_at: null,
    latest_declaration_symptoms: [],
  },
};

test('links staff by document number, with the API’s refusal beside the field, and lists their status', async () => {
  const bodies: unknown[] = [];
  let items: (typeof person)[] = [];
  server.use(
    http.get('/api/v1/organizations/{id}/staff', ({ response }) => response(200).json({ items })),
    http.post('/api/v1/organizations/{id}/staff', async ({ request, response }) => {
      bodies.push(await request.json());
      if (bodies.length === 1) {
        return response(422).json({
          type: 'about:blank',
          title: 'Unprocessable',
          status: 422,
          code: 'validation_failed',
          detail: 'invalid fields',
          errors: [{ field: 'document_number', code: 'document_wrong_length', message: 'wrong length' }],
        });
      }
      items = [person];
      return response(201).json(person);
    }),
  );
  logIn('organization_admin', { organization_id: 'org-1' });
  renderPage(<StaffPeople organizationId="org-1" canLink />);

  await screen.findByText('Chưa có nhân viên nào trong danh sách.');
  await userEvent.click(screen.getByText('Thêm nhân viên theo số giấy tờ'));
  const documentField = screen.getByLabelText('Số giấy tờ (CCCD, CMND, hộ chiếu)');
  await userEvent.type(documentField, '07909000010');
  await userEvent.click(screen.getByRole('button', { name: 'Thêm vào danh sách' }));
  expect(await screen.findByText('Số giấy tờ không đúng độ dài.')).toBeInTheDocument();
  expect(documentField).toHaveAttribute('aria-invalid', 'true');
  expect(bodies[0]).toEqual({ document_number: '07909000010', title: null });

  await userEvent.clear(documentField);
  await userEvent.type(documentField, '079090000101');
  await userEvent.type(screen.getByLabelText('Công việc'), 'bảo vệ');
  await userEvent.click(screen.getByRole('button', { name: 'Thêm vào danh sách' }));
  const row = (await screen.findByText('Nguyễn Văn An')).closest('tr') as HTMLElement;
  expect(bodies[1]).toEqual({ document_number: '079090000101', title: 'bảo vệ' });
  expect(within(row).getByText('Xanh')).toBeInTheDocument();
  expect(within(row).getByText('2 mũi · Comirnaty · 01/09/2021')).toBeInTheDocument();
  expect(within(row).getByText(/^PCR âm tính/)).toBeInTheDocument();
  expect(within(row).getByText('Chưa có.')).toBeInTheDocument();
});

test('a staff list too long for an Excel file says to narrow the filter or take the CSV', async () => {
  const colours: (string | null)[] = [];
  server.use(
    http.get('/api/v1/organizations/{id}/staff', ({ response }) => response(200).json({ items: [person] })),
    http.get('/api/v1/organizations/{id}/staff.xlsx', ({ request, response }) => {
      colours.push(new URL(request.url).searchParams.get('colour'));
      return response(422).json({
        type: 'about:blank',
        title: 'Unprocessable',
        status: 422,
        code: 'export_too_large',
        detail: 'This list has 60000 rows; an XLSX file holds at most 50000.',
      });
    }),
  );
  logIn('organization_admin', { organization_id: 'org-1' });
  renderPage(<StaffPeople organizationId="org-1" canLink />);
  await screen.findByText('Nguyễn Văn An');
  await userEvent.selectOptions(screen.getByLabelText('Màu hiện nay'), 'green');
  await userEvent.click(screen.getByRole('button', { name: 'Tải danh sách nhân viên (Excel)' }));
  expect(await screen.findByRole('alert')).toHaveTextContent('Danh sách quá dài cho một tệp Excel.');
  expect(colours).toEqual(['green']);
});
