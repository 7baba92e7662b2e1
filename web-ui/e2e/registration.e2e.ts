// Registering online: a resident gets their record and QR, an organization
// its code and its admin's login; the API's refusals land beside the fields.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { accessibilityProblems, launchBrowser, screenshot, startProduct, type Browser, type Product } from './harness';

let product: Product;
let browser: Browser;

beforeAll(async () => {
  product = await startProduct();
  browser = await launchBrowser({ mobile: true });
});

afterAll(async () => {
  await browser?.close();
  await product?.stop();
});

test('a resident registers, sees a field the API refused, and lands on their own QR', async () => {
  const { page } = browser;
  await page.goto(`${product.url}/login`);
  await page.getByRole('link', { name: 'Người dân chưa có tài khoản: đăng ký' }).click();
  const form = page.getByRole('form', { name: 'Đăng ký tài khoản người dân' });
  await form.getByLabel('Tên đăng nhập').fill('tran.binh');
  await form.getByLabel('Mật khẩu').fill('tran-binh-2021');
  await form.getByLabel('Số giấy tờ').fill('099095000201');
  await form.getByLabel('Họ và tên').fill('Trần Văn Bình');
  await form.getByLabel('Ngày sinh').fill('1995-06-01');
  await form.getByLabel('Phường').selectOption({ label: 'Phường Linh Xuân' });
  await form.getByRole('button', { name: 'Đăng ký' }).click();
  // Only the API knows that no province has code 099.
  await page.waitForFunction(() => document.getElementById('document_number')?.getAttribute('aria-invalid') === 'true');
  await screenshot(page, 'register-field-error');
  expect(await accessibilityProblems(page)).toEqual([]);

  await form.getByLabel('Số giấy tờ').fill('079095000201');
  await form.getByRole('button', { name: 'Đăng ký' }).click();
  await page.waitForURL('**/me');
  await page.locator('figure.personal-qr .qr-colour', { hasText: 'Đen' }).waitFor();
  expect(await page.getByTestId('document-number').textContent()).toBe('******000201');
  await page.getByRole('button', { name: /Đăng xuất/ }).click();
  await page.waitForURL('**/login');
});

test('an organization registers and its admin lands on it', async () => {
  const { page } = browser;
  await page.getByRole('link', { name: 'Tổ chức chưa có tài khoản: đăng ký tổ chức' }).click();
  const form = page.getByRole('form', { name: 'Đăng ký tổ chức' });
  await form.getByLabel('Tên tổ chức').fill('Siêu thị Linh Trung');
  await form.getByLabel('Mã số thuế').fill('031234');
  await form.getByLabel('Địa chỉ').fill('12 Hoàng Diệu 2');
  await form.getByLabel('Phường').selectOption({ label: 'Phường Linh Trung' });
  await form.getByLabel('Loại hình').selectOption('supermarket');
  await form.getByLabel('Điện thoại liên hệ').fill('0909123457');
  await form.getByLabel('Tên đăng nhập').fill('sieuthi.linhtrung');
  await form.getByLabel('Mật khẩu').fill('sieu-thi-2021');
  await form.getByRole('button', { name: 'Đăng ký tổ chức' }).click();
  await form.getByText('Mã số thuế gồm 10 chữ số', { exact: false }).waitFor();
  await form.getByLabel('Mã số thuế').fill('0312345679');
  await form.getByRole('button', { name: 'Đăng ký tổ chức' }).click();
  await page.waitForURL('**/organization');
  await page.getByRole('heading', { name: 'Siêu thị Linh Trung' }).waitFor();
  expect(await page.locator('dd code').textContent()).toMatch(/^79-/);
  await page.getByText('Chưa có điểm kiểm soát nào.').waitFor();
  await screenshot(page, 'organization-registered');
});
