import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { expect, test } from 'vitest';
import { logIn, renderPage } from '@/test/render';
import { http, server } from '@/test/server';
import { SelfAssessment } from './SelfAssessment';

const summary = {
  id: 'set-1',
  code: 'hcmc-2021-traditional-market',
  version: '2021-09-15',
  organization_kind: 'traditional_market',
  title: 'Chợ truyền thống',
  source: 'Quyết định ngày 15/9/2021',
  direction: 'safety',
  current: true,
  approximations: ['Cách chấm 0, 5, 10 điểm là gần đúng.'],
  created_at: '2021-10-01T00:00:00Z',
};
const option = (key: string, label: string, points: number) => ({ key, label, points });
const definition = {
  direction: 'safety',
  criteria: [
    { key: 'masks', text: 'Đeo khẩu trang', options: [option('not_met', 'chưa đạt', 0), option('met', 'đạt', 10)] },
    { key: 'distancing', text: 'Giữ khoảng cách', options: [option('not_met', 'chưa đạt', 0), option('met', 'đạt', 10)] },
  ],
  bands: [],
  approximations: summary.approximations,
};
const outcome = {
  id: 'assessment-1',
  criteria_set_id: 'set-1',
  criteria_set_code: summary.code,
  criteria_set_version: summary.version,
  score: 10,
  max_score: 20,
  percent: 50,
  level: 'unsafe',
  may_operate: false,
  actions: ['Tạm dừng hoạt động', 'Khắc phục khẩu trang'],
  knocked_out_by: ['masks_not_met'],
  worst_criteria: ['masks'],
  scores: [],
  answers: {},
  current: true,
  submitted_at: '2021-11-01T01:30:00Z',
};

test('shows the set’s source, asks every criterion, puts the API’s refusal beside it, then shows the outcome', async () => {
  const bodies: unknown[] = [];
  let history: (typeof outcome)[] = [];
  server.use(
    http.get('/api/v1/criteria-sets', ({ response }) => response(200).json([summary])),
    // The contract leaves `definition` a bare object, which the generator reads as an empty record.
    http.get('/api/v1/criteria-sets/{id}', ({ response }) => response(200).json({ ...summary, definition: definition as unknown as Record<string, never> })),
    http.get('/api/v1/organizations/{id}/assessments', ({ response }) => response(200).json({ items: history })),
    http.post('/api/v1/organizations/{id}/assessments', async ({ request, response }) => {
      bodies.push(await request.json());
      if (bodies.length === 1) {
        return response(422).json({
          type: 'about:blank',
          title: 'Unprocessable',
          status: 422,
          code: 'validation_failed',
          detail: 'some answers cannot be scored',
          errors: [{ field: 'answers.distancing', code: 'unknown_option', message: 'not an option' }],
        });
      }
      history = [outcome];
      return response(201).json(outcome);
    }),
  );
  logIn('organization_admin', { organization_id: 'org-1' });
  renderPage(<SelfAssessment organizationId="org-1" />);

  expect(await screen.findByText('Chưa có lần tự đánh giá nào.')).toBeInTheDocument();
  await userEvent.selectOptions(await screen.findByLabelText('Bộ tiêu chí'), 'Chợ truyền thống (2021-09-15)');
  expect(await screen.findByText('Quyết định ngày 15/9/2021')).toBeInTheDocument();
  expect(screen.getByText('Điểm càng cao, càng an toàn')).toBeInTheDocument();
  expect(screen.getByText('Cách chấm 0, 5, 10 điểm là gần đúng.')).toBeInTheDocument();

  // Nothing answered: each criterion says so, and nothing is sent.
  await userEvent.click(screen.getByRole('button', { name: 'Gửi bản tự đánh giá' }));
  const masks = screen.getByRole('group', { name: 'Đeo khẩu trang' });
  expect(within(masks).getByText('Chọn một câu trả lời cho tiêu chí này.')).toBeInTheDocument();
  expect(bodies).toHaveLength(0);

  await userEvent.click(within(masks).getByLabelText('chưa đạt · 0 điểm'));
  const distancing = screen.getByRole('group', { name: 'Giữ khoảng cách' });
  await userEvent.click(within(distancing).getByLabelText('đạt · 10 điểm'));
  await userEvent.click(screen.getByRole('button', { name: 'Gửi bản tự đánh giá' }));
  expect(await within(distancing).findByText('Câu trả lời này không có trong tiêu chí.')).toBeInTheDocument();
  expect(within(masks).queryByText('Chọn một câu trả lời cho tiêu chí này.')).toBeNull();
  expect(bodies[0]).toEqual({ criteria_set_id: 'set-1', answers: { masks: 'not_met', distancing: 'met' } });

  await userEvent.click(screen.getByRole('button', { name: 'Gửi bản tự đánh giá' }));
  const result = await screen.findByRole('status');
  expect(within(result).getByText('10 / 20 (50%)')).toBeInTheDocument();
  expect(within(result).getByText('Không an toàn')).toBeInTheDocument();
  expect(within(result).getAllByText('Không được hoạt động')).toHaveLength(1);
  expect(within(result).getByText('masks_not_met')).toBeInTheDocument();
  expect(within(result).getByText('Khắc phục khẩu trang')).toBeInTheDocument();
  const row = (await screen.findByText(/hcmc-2021-traditional-market/)).closest('tr') as HTMLElement;
  expect(within(row).getByText('Không an toàn')).toBeInTheDocument();
});
