// A ward officer: find a resident by document number with the purpose of
// the lookup (picked once, kept for the next resident), record a recovery
// that turns the QR green, create a resident (with the API's field errors
// beside the fields), and print a card.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { accessibilityProblems, launchBrowser, logIn, screenshot, startProduct, type Browser, type Product } from './harness';

let product: Product;
let browser: Browser;

beforeAll(async () => {
  product = await startProduct();
  browser = await launchBrowser();
  await logIn(browser.page, product.url, 'demo.linhxuan');
});

afterAll(async () => {
  await browser?.close();
  await product?.stop();
});

test('find a resident and record a recovery that turns the QR green', async () => {
  const { page } = browser;
  await page.waitForURL('**/ward');
  await screenshot(page, 'ward-desk');
  const search = page.getByRole('search');
  await search.getByLabel('Số giấy tờ').fill('0791 8500 0103');
  await search.getByText('Người dân sẽ thấy mục đích này trong nhật ký truy cập của họ.').waitFor();
  await search.getByLabel('Ghi nhận khỏi bệnh theo giấy chứng nhận').check();
  await screenshot(page, 'ward-find-purpose');
  expect(await accessibilityProblems(page)).toEqual([]);
  await page.getByRole('button', { name: 'Tìm' }).click();
  await page.getByRole('heading', { name: 'Lê Thị Hoa' }).waitFor();
  const qr = page.locator('figure.personal-qr');
  await qr.locator('.qr-colour', { hasText: 'Đen' }).waitFor();

  const today = new Date();
  const day = (offset: number) => new Date(today.getTime() - offset * 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel('Ngày xét nghiệm dương tính').fill(day(20));
  await page.getByLabel('Ngày khỏi bệnh').fill(day(6));
  await page.getByLabel('Số giấy chứng nhận khỏi bệnh').fill('LX-2021-0042');
  await page.getByRole('button', { name: 'Ghi nhận' }).click();
  await page.getByText('Đã ghi nhận. Màu mã QR đã được tính lại.').waitFor();
  await qr.locator('.qr-colour', { hasText: 'Xanh' }).waitFor();
  await page.getByText(/LX-2021-0042/).waitFor();
  await screenshot(page, 'ward-person');
  expect(await accessibilityProblems(page)).toEqual([]);
});

test('an unknown number says so, with the purpose kept from the last lookup', async () => {
  const { page } = browser;
  await page.getByRole('link', { name: 'Người dân' }).click();
  expect(await page.getByRole('search').getByLabel('Ghi nhận khỏi bệnh theo giấy chứng nhận').isChecked()).toBe(true);
  await page.getByRole('search').getByLabel('Số giấy tờ').fill('079199000999');
  await page.getByRole('button', { name: 'Tìm' }).click();
  await page.getByText('Không có ai với số giấy tờ này trong phường của bạn.', { exact: false }).waitFor();
});

test("create a resident: the API's refusal lands beside the field, then the record opens", async () => {
  const { page } = browser;
  const form = page.getByRole('form', { name: 'Hồ sơ người dân' });
  // 099 is no province: only the API knows, and says so on the field.
  await form.getByLabel('Số giấy tờ').fill('099160000105');
  await form.getByLabel('Họ và tên').fill('Võ Thị Sáu');
  await form.getByLabel('Ngày sinh').fill('1960-03-08');
  await form.getByLabel('Giới tính').selectOption('female');
  await form.getByRole('button', { name: 'Tạo hồ sơ' }).click();
  const number = form.getByLabel('Số giấy tờ');
  await page.waitForFunction(() => document.getElementById('document_number')?.getAttribute('aria-invalid') === 'true');
  const describedBy = await number.getAttribute('aria-describedby');
  expect(await page.locator(`[id="${describedBy}"]`).textContent()).toMatch(/\S/);
  await screenshot(page, 'ward-field-error');
  expect(await accessibilityProblems(page)).toEqual([]);

  await number.fill('079160000105');
  await form.getByRole('button', { name: 'Tạo hồ sơ' }).click();
  await page.getByRole('heading', { name: 'Võ Thị Sáu' }).waitFor();
  await page.locator('figure.personal-qr .qr-colour', { hasText: 'Đen' }).waitFor();
});

test("print the resident's card", async () => {
  const { page } = browser;
  await page.getByRole('link', { name: 'In thẻ QR' }).click();
  await page.locator('.print-card img.card-qr').waitFor();
  expect(await page.locator('.print-card').textContent()).toContain('VO THI SAU');
  await screenshot(page, 'ward-card');
});
