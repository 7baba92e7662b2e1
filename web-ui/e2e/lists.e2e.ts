// The organization's visitor and staff lists with each person's status now:
// the demo market's visitors after two scans at the gate, the CSV and XLSX exports
// downloaded through the API with the token, and linking staff by document
// number.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { accessibilityProblems, apiCall, launchBrowser, logIn, screenshot, startProduct, token, type Browser, type Product } from './harness';

let product: Product;
let browser: Browser;

beforeAll(async () => {
  product = await startProduct();
  const guard = await token(product.url, 'demo.baove');
  const [gate] = await apiCall<{ id: string }[]>(product.url, `/organizations/${guard.account.organization_id}/checkpoints`, { token: guard.token });
  for (const document_number of ['079090000101', '079185000103']) {
    await apiCall(product.url, `/checkpoints/${gate?.id}/scans`, { token: guard.token, body: { document_number } });
  }
  browser = await launchBrowser();
  await logIn(browser.page, product.url, 'demo.cho');
});

afterAll(async () => {
  await browser?.close();
  await product?.stop();
});

test('the market’s visitor list shows each visitor’s colour, vaccination, test and declaration, filtered by colour', async () => {
  const { page } = browser;
  await page.waitForURL('**/organization');
  const visitors = page.locator('section[aria-labelledby="org-visitors"]');
  const green = visitors.locator('tr', { hasText: 'NGUYEN VAN AN' });
  await green.waitFor();
  expect(await green.locator('td').nth(2).locator('.badge').textContent()).toBe('Xanh');
  expect(await green.locator('td').nth(3).textContent()).toMatch(/\d+ mũi/);
  const black = visitors.locator('tr', { hasText: 'LE THI HOA' });
  expect(await black.locator('td').nth(2).locator('.badge').textContent()).toBe('Đen');

  await visitors.getByLabel('Màu khi vào').selectOption({ label: 'Đen' });
  await visitors.getByRole('button', { name: 'Xem' }).click();
  await green.waitFor({ state: 'detached' });
  expect(await black.count()).toBe(1);
  await screenshot(page, 'visitors');
  expect(await accessibilityProblems(page)).toEqual([]);
  await visitors.getByLabel('Màu khi vào').selectOption({ label: 'Tất cả' });
  await visitors.getByRole('button', { name: 'Xem' }).click();
  await green.waitFor();
});

test('the CSV export downloads a file whose header row names the columns', async () => {
  const { page } = browser;
  const visitors = page.locator('section[aria-labelledby="org-visitors"]');
  const [download] = await Promise.all([page.waitForEvent('download'), visitors.getByRole('button', { name: 'Tải danh sách người ra vào (CSV)' }).click()]);
  expect(download.suggestedFilename()).toBe('visitors.csv');
  const text = await readFile(await download.path(), 'utf8');
  const [header, ...rows] = text.split('\r\n').filter(Boolean);
  expect(header?.replace(/^\uFEFF/, '')).toBe(
    'visit_id,checkpoint,name,document,staff,colour_at_entry,entered_at,exited_at,colour,doses,last_dose_vaccine,last_dose_on,latest_test_kind,latest_test_result,latest_test_at,latest_declaration_at,latest_declaration_symptoms',
  );
  expect(rows).toHaveLength(2);
  expect(rows.some((row) => row.includes('NGUYEN VAN AN') && row.includes(',green,'))).toBe(true);

  // The Excel file of the same filter: a zip archive (an XLSX) by its name.
  const [xlsx] = await Promise.all([page.waitForEvent('download'), visitors.getByRole('button', { name: 'Tải danh sách người ra vào (Excel)' }).click()]);
  expect(xlsx.suggestedFilename()).toBe('visitors.xlsx');
  const bytes = await readFile(await xlsx.path());
  expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
});

test('the admin links a staff member by document number and sees their status, then unlinks them', async () => {
  const { page } = browser;
  const staff = page.locator('section[aria-labelledby="org-staff-people"]');
  await staff.getByText('Chưa có nhân viên nào trong danh sách.').waitFor();
  await staff.getByText('Thêm nhân viên theo số giấy tờ').click();
  await staff.getByLabel('Số giấy tờ (CCCD, CMND, hộ chiếu)').fill('079090000101');
  await staff.getByLabel('Công việc').fill('bảo vệ');
  await staff.getByRole('button', { name: 'Thêm vào danh sách' }).click();
  const row = staff.locator('tr', { hasText: 'bảo vệ' });
  await row.waitFor();
  expect(await row.locator('.badge').textContent()).toBe('Xanh');
  expect(await row.textContent()).toContain('******000101');
  await screenshot(page, 'staff-people');
  expect(await accessibilityProblems(page)).toEqual([]);

  // The visitor list now marks the same person as staff.
  const visitors = page.locator('section[aria-labelledby="org-visitors"]');
  await visitors.getByLabel('Đối tượng').selectOption({ label: 'nhân viên' });
  await visitors.getByRole('button', { name: 'Xem' }).click();
  await visitors.locator('tr', { hasText: 'LE THI HOA' }).waitFor({ state: 'detached' });
  expect(await visitors.locator('tr', { hasText: 'NGUYEN VAN AN' }).count()).toBe(1);

  await row.getByRole('button', { name: /^Bỏ khỏi danh sách/ }).click();
  await staff.getByText('Chưa có nhân viên nào trong danh sách.').waitFor();
});
