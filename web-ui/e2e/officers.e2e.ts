// The city administrator creates a ward officer who then logs in; a health
// officer looks at an organization's visits.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { accessibilityProblems, apiCall, launchBrowser, logIn, screenshot, startProduct, token, type Browser, type Product } from './harness';

let product: Product;
let browser: Browser;

beforeAll(async () => {
  product = await startProduct();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await product?.stop();
});

test('the city administrator creates a ward officer, who can then log in', async () => {
  const { page } = browser;
  await logIn(page, product.url, 'demo.admin');
  await page.waitForURL('**/admin');
  await page.getByRole('link', { name: 'Chợ Thủ Đức' }).waitFor();
  const form = page.getByRole('form', { name: 'Tạo tài khoản cán bộ' });
  await form.getByLabel('Tên đăng nhập').fill('linhtrung');
  await form.getByLabel('Mật khẩu').fill('linh-trung-2021');
  await form.getByRole('button', { name: 'Tạo tài khoản' }).click();
  await form.getByText('Chọn phường.').waitFor();
  await form.getByLabel('Phường').selectOption({ label: 'Phường Linh Trung' });
  await form.getByRole('button', { name: 'Tạo tài khoản' }).click();
  await form.getByText('Đã tạo tài khoản.').waitFor();
  await screenshot(page, 'admin');
  expect(await accessibilityProblems(page)).toEqual([]);

  const officer = await token(product.url, 'linhtrung', 'linh-trung-2021');
  expect(officer.token).toMatch(/\S/);
  await page.getByRole('button', { name: /Đăng xuất/ }).click();
  await page.waitForURL('**/login');
});

test('a health officer opens an organization and sees its visits', async () => {
  const guard = await token(product.url, 'demo.baove');
  const [gate] = await apiCall<{ id: string }[]>(product.url, `/organizations/${guard.account.organization_id}/checkpoints`, { token: guard.token });
  await apiCall(product.url, `/checkpoints/${gate?.id}/scans`, { token: guard.token, body: { document_number: '079070000104' } });

  const { page } = browser;
  await logIn(page, product.url, 'demo.yte');
  await page.waitForURL('**/organizations');
  await page.getByRole('link', { name: 'Chợ Thủ Đức' }).click();
  // The investigation's purpose first, picked from the common ones.
  await page.getByLabel('Điều tra ổ dịch tại địa điểm').check();
  await page.getByRole('button', { name: 'Tiếp tục' }).click();
  const row = page.locator('tr', { hasText: 'PHAM VAN DONG' });
  await row.waitFor();
  expect(await row.locator('.badge').textContent()).toBe('Xanh');
  expect(await page.getByRole('button', { name: 'Thu hồi và cấp mã mới' }).count()).toBe(0);
  await screenshot(page, 'health-officer');
});
