// The organization admin self-assesses the market against the city's
// traditional-market criteria set and reads the band it falls in.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { accessibilityProblems, apiCall, launchBrowser, logIn, screenshot, startProduct, token, type Browser, type Product } from './harness';

let product: Product;
let browser: Browser;

beforeAll(async () => {
  product = await startProduct();
  browser = await launchBrowser();
  await logIn(browser.page, product.url, 'demo.cho');
});

afterAll(async () => {
  await browser?.close();
  await product?.stop();
});

test('demo.cho submits a self-assessment and sees the band, the actions and the history', async () => {
  const { page } = browser;
  await page.waitForURL('**/organization');
  await page.getByRole('link', { name: 'Tự đánh giá theo bộ tiêu chí' }).click();
  await page.getByRole('heading', { name: 'Tự đánh giá an toàn COVID' }).waitFor();
  await page.getByText('Chưa có lần tự đánh giá nào.').waitFor();
  await page.getByLabel('Bộ tiêu chí').selectOption({ label: 'COVID safety of traditional markets (2021) (2021-09-15)' });
  await page.getByText('Điểm càng cao, càng an toàn').waitFor();
  expect(await page.getByText(/Ho Chi Minh City decision of 15 September 2021/).count()).toBe(1);

  const form = page.getByRole('form', { name: 'Trả lời bộ tiêu chí' });
  const groups = form.getByRole('group');
  await groups.first().waitFor();
  const count = await groups.count();
  expect(count).toBe(10);
  // One criterion left out: the form says so beside it and sends nothing.
  for (let i = 1; i < count; i += 1) {
    await groups.nth(i).getByLabel(i < 3 ? 'partly met · 5 điểm' : 'fully met · 10 điểm').check();
  }
  await form.getByRole('button', { name: 'Gửi bản tự đánh giá' }).click();
  await groups.nth(0).getByText('Chọn một câu trả lời cho tiêu chí này.').waitFor();
  await screenshot(page, 'assessment-errors');

  await groups.nth(0).getByLabel('fully met · 10 điểm').check();
  await form.getByRole('button', { name: 'Gửi bản tự đánh giá' }).click();
  const outcome = page.getByRole('status').filter({ hasText: 'Kết quả' });
  await outcome.getByText('90 / 100 (90%)').waitFor();
  expect(await outcome.getByText('An toàn', { exact: true }).count()).toBe(1);
  expect(await outcome.textContent()).toContain('Operate; keep every measure in place and assess again weekly.');
  const row = page.locator('tr', { hasText: 'hcmc-2021-traditional-market' });
  await row.waitFor();
  expect(await row.textContent()).toContain('hiện hành');
  await screenshot(page, 'assessment');
  expect(await accessibilityProblems(page)).toEqual([]);

  // The API kept it as the organization's current assessment.
  const cho = await token(product.url, 'demo.cho');
  const history = await apiCall<{ items: { level: string; current: boolean }[] }>(product.url, `/organizations/${cho.account.organization_id}/assessments`, { token: cho.token });
  expect(history.items).toEqual([expect.objectContaining({ level: 'safe', current: true })]);
});
