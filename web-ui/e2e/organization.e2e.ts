// An organization admin: the organization and its checkpoints, a poster
// with the QR at 19.4 × 19.4 cm on paper, revoking and replacing a location
// code, staff accounts, and visits by checkpoint with each visitor's status.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { apiCall, launchBrowser, logIn, screenshot, startProduct, token, type Browser, type Product } from './harness';

let product: Product;
let browser: Browser;

beforeAll(async () => {
  product = await startProduct();
  // Two visits at the main gate, scanned by the guard through the API.
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

test('the organization with its checkpoints, and a new checkpoint', async () => {
  const { page } = browser;
  await page.waitForURL('**/organization');
  await page.getByRole('heading', { name: 'Chợ Thủ Đức' }).waitFor();
  await page.getByRole('heading', { name: 'Cổng chính' }).waitFor();
  await page.getByText('Thêm điểm kiểm soát').click();
  await page.getByLabel('Tên khu vực').fill('Cổng sau');
  await page.getByRole('button', { name: 'Thêm', exact: true }).click();
  await page.getByRole('heading', { name: 'Cổng sau' }).waitFor();
  await screenshot(page, 'organization');
});

test('visits by checkpoint show each visitor’s colour and reason', async () => {
  const { page } = browser;
  const visits = page.locator('section[aria-labelledby="org-visits"]');
  const green = visits.locator('tr', { hasText: 'NGUYEN VAN AN' });
  await green.waitFor();
  expect(await green.locator('.badge').textContent()).toBe('Xanh');
  const black = visits.locator('tr', { hasText: 'LE THI HOA' });
  expect(await black.locator('.badge').textContent()).toBe('Đen');
  expect(await black.textContent()).toContain('******000103');

  await visits.getByLabel('Điểm kiểm soát').selectOption({ label: 'Cổng sau' });
  await visits.getByRole('button', { name: 'Xem' }).click();
  await visits.getByText('Không có lượt nào trong khoảng thời gian này.').waitFor();
  await visits.getByLabel('Điểm kiểm soát').selectOption({ label: 'Cổng chính' });
  await visits.getByRole('button', { name: 'Xem' }).click();
  await green.waitFor();
});

test('a staff account is created, locked and unlocked', async () => {
  const { page } = browser;
  const staff = page.locator('section[aria-labelledby="org-staff"]');
  await staff.getByText('Thêm tài khoản').click();
  await staff.getByLabel('Tên đăng nhập').fill('cong.sau');
  await staff.getByLabel('Mật khẩu').fill('short');
  await staff.getByRole('button', { name: 'Tạo tài khoản' }).click();
  await staff.getByText('Mật khẩu có ít nhất 10 ký tự.').waitFor();
  await staff.getByLabel('Mật khẩu').fill('cong-sau-2021');
  await staff.getByLabel('Điểm kiểm soát').selectOption({ label: 'Cổng sau' });
  await staff.getByRole('button', { name: 'Tạo tài khoản' }).click();
  const row = staff.locator('tr', { hasText: 'cong.sau' });
  await row.waitFor();
  expect(await row.textContent()).toContain('Cổng sau');
  await row.getByRole('button', { name: 'Khoá cong.sau' }).click();
  await row.getByText('Đã khoá').waitFor();
  await row.getByRole('button', { name: 'Mở khoá cong.sau' }).click();
  await row.getByText('Đang dùng').waitFor();
});

test('the poster prints the location QR at 19.4 × 19.4 cm with the area’s name', async () => {
  const { page } = browser;
  const card = page.locator('li.card', { hasText: 'Cổng chính' });
  await card.getByRole('link', { name: 'In áp phích QR' }).click();
  await page.waitForURL('**/poster');
  await page.getByRole('heading', { name: 'Cổng chính' }).waitFor();
  const qr = page.getByRole('img', { name: 'Mã QR địa điểm Cổng chính' });
  await qr.waitFor();
  await page.emulateMedia({ media: 'print' });
  const box = await qr.boundingBox();
  // 19.4 cm at CSS's 96 pixels per inch, the image with its quiet zone: the
  // modules span at least 15.2 cm of it (see LocationPoster).
  expect(Math.round(box?.width ?? 0)).toBe(733);
  expect(Math.round(box?.height ?? 0)).toBe(733);
  await screenshot(page, 'poster-print');
  await page.emulateMedia({ media: 'screen' });
  await page.goBack();
});

test('replacing a location code retires the old poster', async () => {
  const { page } = browser;
  const admin = await token(product.url, 'demo.cho');
  const before = await apiCall<{ name: string; location_url: string }[]>(product.url, `/organizations/${admin.account.organization_id}/checkpoints`, { token: admin.token });
  const oldUrl = before.find((checkpoint) => checkpoint.name === 'Cổng chính')?.location_url ?? '';

  const card = page.locator('li.card', { hasText: 'Cổng chính' });
  await card.getByRole('button', { name: 'Thu hồi và cấp mã mới' }).click();
  await card.getByText('Áp phích cũ sẽ ngừng hoạt động.', { exact: false }).waitFor();
  await card.getByRole('button', { name: 'Cấp mã mới' }).click();
  await card.getByText('Đã cấp mã mới.').waitFor();

  const after = await apiCall<{ name: string; location_url: string }[]>(product.url, `/organizations/${admin.account.organization_id}/checkpoints`, { token: admin.token });
  const newUrl = after.find((checkpoint) => checkpoint.name === 'Cổng chính')?.location_url ?? '';
  expect(newUrl).not.toBe(oldUrl);

  await page.goto(`${product.url}${new URL(oldUrl).pathname}`);
  await page.getByText('Mã trên áp phích này đã được thay.', { exact: false }).waitFor();
  await screenshot(page, 'check-in-replaced');
});
