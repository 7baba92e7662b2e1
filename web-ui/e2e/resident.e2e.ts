// A resident: the personal QR in green with the reason, masked details with
// the switch, the people declared for, the printable card at 5 × 5 cm, the
// English switch, and the check-in page of a location QR.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { apiCall, launchBrowser, logIn, screenshot, startProduct, token, type Browser, type Product } from './harness';

let product: Product;
let browser: Browser;

beforeAll(async () => {
  product = await startProduct();
  browser = await launchBrowser({ mobile: true });
  await logIn(browser.page, product.url, 'demo.cudan');
});

afterAll(async () => {
  await browser?.close();
  await product?.stop();
});

test('my information: the QR in green with its reason, masked details, my relatives', async () => {
  const { page } = browser;
  await page.waitForURL('**/me');
  const qr = page.locator('figure.personal-qr');
  await qr.locator('.qr-colour', { hasText: 'Xanh' }).waitFor();
  expect(await qr.getAttribute('data-colour')).toBe('green');
  expect(await qr.locator('.qr-reason').textContent()).toMatch(/^mũi 1 Pfizer/);
  await qr.getByRole('img', { name: 'Mã QR cá nhân' }).waitFor();

  const number = page.getByTestId('document-number');
  expect(await number.textContent()).toBe('******000101');
  expect(await page.getByTestId('birth-date').textContent()).toBe('**/**/1990');
  await page.getByRole('button', { name: 'Hiện đầy đủ số giấy tờ và ngày sinh' }).click();
  expect(await number.textContent()).toBe('079090000101');
  expect(await page.getByTestId('birth-date').textContent()).toBe('12/04/1990');
  await page.getByRole('button', { name: 'Ẩn số giấy tờ và ngày sinh' }).click();

  expect(await page.getByText(/Mũi 1: Pfizer/).count()).toBe(1);
  await page.getByRole('link', { name: 'Trần Thị Bưởi' }).waitFor();
  await screenshot(page, 'resident-my-information');
});

test('a health declaration is recorded and listed', async () => {
  const { page } = browser;
  await page.getByLabel('Ho', { exact: true }).check();
  await page.getByRole('button', { name: 'Gửi khai báo' }).click();
  await page.getByText('Đã ghi nhận khai báo.').waitFor();
  await page.getByText(/· Ho$/).waitFor();
});

test('the printable card puts the QR at 5 × 5 cm on paper', async () => {
  const { page } = browser;
  await page.getByRole('link', { name: 'In thẻ QR' }).click();
  await page.waitForURL('**/card');
  const qr = page.locator('.print-card img.card-qr');
  await qr.waitFor();
  await page.emulateMedia({ media: 'print' });
  const box = await qr.boundingBox();
  // 5 cm at CSS's 96 pixels per inch.
  expect(Math.round(box?.width ?? 0)).toBe(189);
  expect(Math.round(box?.height ?? 0)).toBe(189);
  expect(await page.locator('.app-header').isVisible()).toBe(false);
  await screenshot(page, 'resident-card-print');
  await page.emulateMedia({ media: 'screen' });
});

test('the English switch translates the page and the reason', async () => {
  const { page } = browser;
  await page.goto(`${product.url}/me`);
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { name: 'My information' }).waitFor();
  expect(await page.locator('.qr-reason').textContent()).toMatch(/^dose 1 of Pfizer/);
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
  await page.getByRole('button', { name: 'Tiếng Việt' }).click();
  await page.getByRole('heading', { name: 'Thông tin của tôi' }).waitFor();
});

test('the check-in page of a location QR names the place and says what to do', async () => {
  const admin = await token(product.url, 'demo.cho');
  const [gate] = await apiCall<{ location_url: string }[]>(product.url, `/organizations/${admin.account.organization_id}/checkpoints`, {
    token: admin.token,
  });
  const { page } = browser;
  // The poster's URL carries the public URL; the path is what the phone opens.
  await page.goto(`${product.url}${new URL(gate?.location_url ?? '').pathname}`);
  await page.getByText('Chợ Thủ Đức').waitFor();
  await page.getByText('Cổng chính').waitFor();
  await page.getByRole('link', { name: 'Mở mã QR của tôi' }).click();
  await page.waitForURL('**/me');
});
