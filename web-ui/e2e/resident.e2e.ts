// A resident: the personal QR in green with the reason, masked details with
// the switch, the people declared for, the printable card at 5 × 5 cm, the
// English switch, and the self check-in and check-out on a location QR's page.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { accessibilityProblems, apiCall, launchBrowser, logIn, PASSWORD, screenshot, startProduct, token, type Browser, type Product } from './harness';

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
  expect(await accessibilityProblems(page)).toEqual([]);
});

test('the relative declared for opens with her own QR, and no officer forms', async () => {
  const { page } = browser;
  await page.getByRole('link', { name: 'Trần Thị Bưởi' }).click();
  await page.getByRole('heading', { name: 'Trần Thị Bưởi' }).waitFor();
  await page.locator('figure.personal-qr .qr-colour', { hasText: 'Đen' }).waitFor();
  expect(await page.getByText('Được khai hộ').count()).toBe(1);
  expect(await page.getByRole('form', { name: 'Ghi nhận khỏi bệnh (F0)' }).count()).toBe(0);
  await page.getByRole('link', { name: 'Thông tin của tôi' }).click();
  await page.waitForURL('**/me');
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

interface Visit {
  id: string;
  method: string;
  checkpoint_name: string;
  entered_at: string;
  exited_at?: string | null;
  exit_method?: string | null;
  folded_name: string;
  colour: string;
}

test('the resident checks in at the market gate from its location QR and checks out', async () => {
  const admin = await token(product.url, 'demo.cho');
  const organization = admin.account.organization_id ?? '';
  const checkpoints = await apiCall<{ name: string; location_url: string }[]>(product.url, `/organizations/${organization}/checkpoints`, {
    token: admin.token,
  });
  const gate = checkpoints.find((checkpoint) => checkpoint.name === 'Cổng chính');
  expect(gate).toBeDefined();
  const visitsOfGate = async () =>
    (await apiCall<{ items: Visit[] }>(product.url, `/organizations/${organization}/visits`, { token: admin.token })).items.filter(
      (visit) => visit.method === 'self_check_in' && visit.checkpoint_name === 'Cổng chính',
    );
  expect(await visitsOfGate()).toEqual([]);

  const { page } = browser;
  // The poster's URL carries the public URL; the path is what the phone opens.
  await page.goto(`${product.url}${new URL(gate?.location_url ?? '').pathname}`);
  await page.getByText('Chợ Thủ Đức').waitFor();
  await page.getByRole('radio', { name: 'Tôi' }).waitFor();
  expect(await page.getByRole('radio', { name: 'Tôi' }).isChecked()).toBe(true);
  await screenshot(page, 'resident-check-in-page');
  expect(await accessibilityProblems(page)).toEqual([]);
  await page.getByRole('button', { name: 'Vào Cổng chính' }).click();
  const done = page.getByRole('status');
  await done.getByText('Đã khai báo vào').waitFor();
  expect(await done.getAttribute('data-colour')).toBe('green');
  await done.getByText('Xanh', { exact: true }).waitFor();
  await done.getByText('Chợ Thủ Đức · Cổng chính').waitFor();

  const [entered] = await visitsOfGate();
  expect(entered?.entered_at).toBeTruthy();
  expect(entered?.exited_at ?? null).toBeNull();
  await screenshot(page, 'resident-self-check-in');
  expect(await accessibilityProblems(page)).toEqual([]);

  // A reload finds the open visit again from the API, and still checks out.
  await page.reload();
  await done.getByText('Đã khai báo vào').waitFor();
  await done.getByText('Chợ Thủ Đức · Cổng chính').waitFor();
  expect(await page.getByRole('button', { name: 'Vào Cổng chính' }).count()).toBe(0);

  await page.getByRole('button', { name: 'Ra khỏi địa điểm' }).click();
  await done.getByText('Đã ra').waitFor();
  await page.getByTestId('exited-at').waitFor();
  const [left] = await visitsOfGate();
  expect(left?.id).toBe(entered?.id);
  expect(left?.exited_at).toBeTruthy();
  expect(left?.exit_method).toBe('self_check_out');
  await screenshot(page, 'resident-self-check-out');

  // Again, for the relative declared for: her own colour (black), her visit.
  await page.getByRole('button', { name: 'Khai báo vào lại' }).click();
  await page.getByRole('radio', { name: 'Trần Thị Bưởi' }).check();
  await page.getByRole('button', { name: 'Vào Cổng chính' }).click();
  await done.getByText('TRAN THI BUOI').waitFor();
  expect(await done.getAttribute('data-colour')).toBe('black');
  const [relative] = await visitsOfGate();
  expect(relative?.id).not.toBe(entered?.id);
  expect(relative?.folded_name).toBe('TRAN THI BUOI');
  expect(relative?.colour).toBe('black');
  await page.getByRole('button', { name: 'Ra khỏi địa điểm' }).click();
  await done.getByText('Đã ra').waitFor();
  expect((await visitsOfGate())[0]?.exit_method).toBe('self_check_out');

  // "Thông tin của tôi" lists both visits, the relative's first.
  await page.goto(`${product.url}/me`);
  const visits = page.getByRole('list', { name: 'Những nơi tôi đã vào' });
  await visits.waitFor();
  const places = await visits.locator('li').allTextContents();
  expect(places[0]).toContain('TRAN THI BUOI · Chợ Thủ Đức · Cổng chính');
  expect(places[1]).toContain('Chợ Thủ Đức · Cổng chính');
  expect(places[1]).not.toContain('TRAN THI BUOI');
  await screenshot(page, 'resident-my-visits');
  expect(await accessibilityProblems(page)).toEqual([]);
});

test('a visitor not logged in logs in from the check-in page and comes back to it', async () => {
  const admin = await token(product.url, 'demo.cho');
  const [gate] = await apiCall<{ location_url: string }[]>(product.url, `/organizations/${admin.account.organization_id}/checkpoints`, {
    token: admin.token,
  });
  const path = new URL(gate?.location_url ?? '').pathname;
  const visitor = await launchBrowser({ mobile: true });
  try {
    const { page } = visitor;
    await page.goto(`${product.url}${path}`);
    await page.getByText(/đưa mã QR cá nhân/).waitFor();
    expect(await page.getByRole('button', { name: /^Vào / }).count()).toBe(0);
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.locator('section.checkin').getByRole('link', { name: 'Đăng nhập' }).click();
    await page.getByLabel('Tên đăng nhập').fill('demo.cudan');
    await page.getByLabel('Mật khẩu').fill(PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL((address) => address.pathname === path);
    await page.getByRole('button', { name: /^Vào / }).waitFor();
  } finally {
    await visitor.close();
  }
});
