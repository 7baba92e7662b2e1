// Correction requests in the browser: the demo resident files a recovery
// request for the grandmother he declared for (black, no records); the ward
// officer finds it in the ward's queue and resolves it, recording the
// recovery, and she turns green; the resident follows it to the end. A
// vaccination request goes to the city, which downloads the portal's CSV.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { accessibilityProblems, launchBrowser, logIn, screenshot, startProduct, type Browser, type Product } from './harness';

let product: Product;
let resident: Browser;
let officer: Browser;

const day = (offset: number) => new Date(Date.now() - offset * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  product = await startProduct();
  resident = await launchBrowser({ mobile: true });
  officer = await launchBrowser();
});

afterAll(async () => {
  await resident?.close();
  await officer?.close();
  await product?.stop();
});

test('the resident files a recovery request for his grandmother', async () => {
  const { page } = resident;
  await logIn(page, product.url, 'demo.cudan');
  await page.waitForURL('**/me');
  await page.getByRole('link', { name: 'Trần Thị Bưởi' }).click();
  await page.getByRole('heading', { name: 'Trần Thị Bưởi' }).waitFor();
  await page.locator('figure.personal-qr .qr-colour', { hasText: 'Đen' }).waitFor();
  await page.getByRole('link', { name: 'Yêu cầu sửa thông tin' }).click();
  await page.getByRole('heading', { name: 'Yêu cầu sửa thông tin' }).waitFor();

  await page.getByLabel('Tình trạng khỏi bệnh (F0)').check();
  await page.getByLabel('Mô tả điều cần sửa').fill('Bà tôi đã khỏi bệnh, có giấy xác nhận của phường, nhưng mã vẫn đen.');
  await page.getByLabel('Ngày xét nghiệm dương tính').fill(day(25));
  await page.getByLabel('Ngày khỏi bệnh').fill(day(30));
  await page.getByRole('button', { name: 'Gửi yêu cầu' }).click();
  // Checked before sending: recovery cannot come before the positive test.
  await page.getByText('Ngày khỏi bệnh không thể trước ngày dương tính.').waitFor();
  await screenshot(page, 'correction-form-error');
  expect(await accessibilityProblems(page)).toEqual([]);

  await page.getByLabel('Ngày khỏi bệnh').fill(day(10));
  await page.getByLabel('Số giấy chứng nhận khỏi bệnh').fill('LX-2021-0815');
  await page.getByRole('button', { name: 'Gửi yêu cầu' }).click();
  await page.getByText('Đã gửi yêu cầu. Tình trạng xử lý hiện ở danh sách “Các yêu cầu đã gửi”.').waitFor();
  const filed = page.locator('li.correction', { hasText: 'Bà tôi đã khỏi bệnh' });
  await filed.locator('.state', { hasText: 'Mới gửi' }).waitFor();
  expect(await filed.textContent()).toContain('UBND phường');
  await screenshot(page, 'correction-filed');
  expect(await accessibilityProblems(page)).toEqual([]);
});

test('the ward officer resolves it from the queue, recording the recovery, and she turns green', async () => {
  const { page } = officer;
  await logIn(page, product.url, 'demo.linhxuan');
  await page.getByRole('navigation', { name: 'Trang chính' }).getByRole('link', { name: 'Yêu cầu sửa' }).click();
  await page.getByRole('heading', { name: 'Yêu cầu sửa thông tin' }).waitFor();
  await page.getByLabel('Trạng thái').selectOption('open');
  const item = page.locator('.queue li', { hasText: 'Trần Thị Bưởi' });
  await item.waitFor();
  expect(await item.textContent()).toContain('******000102');
  await screenshot(page, 'correction-queue');
  expect(await accessibilityProblems(page)).toEqual([]);

  await item.getByRole('link', { name: 'Trần Thị Bưởi' }).click();
  await page.getByRole('heading', { name: 'Xử lý yêu cầu' }).waitFor();
  await page.getByLabel('Chuyển sang “Đang xử lý”').check();
  await page.getByLabel('Ghi chú', { exact: true }).fill('Đang đối chiếu giấy xác nhận.');
  await page.getByRole('button', { name: 'Lưu' }).click();
  await page.getByText('Đã lưu.').waitFor();
  await page.locator('.state', { hasText: 'Đang xử lý' }).waitFor();

  await page.getByLabel('Đã giải quyết').check();
  expect(await page.getByLabel('Ghi nhận khỏi bệnh theo yêu cầu này').isChecked()).toBe(true);
  await page.getByLabel('Ghi chú', { exact: true }).fill('Đã ghi nhận theo giấy LX-2021-0815.');
  await screenshot(page, 'correction-resolve');
  expect(await accessibilityProblems(page)).toEqual([]);
  await page.getByRole('button', { name: 'Lưu' }).click();
  await page.getByText('Đã giải quyết và ghi nhận khỏi bệnh; mã QR của người dân đã được tính lại.').waitFor();
  await page.getByText('Yêu cầu đã đóng. Vấn đề mới cần một yêu cầu mới.').waitFor();
  await screenshot(page, 'correction-resolved');

  await page.getByRole('link', { name: 'Trần Thị Bưởi' }).click();
  await page.getByRole('heading', { name: 'Trần Thị Bưởi' }).waitFor();
  await page.locator('figure.personal-qr .qr-colour', { hasText: 'Xanh' }).waitFor();
  await page.getByText(/LX-2021-0815/).waitFor();
});

test('the resident sees the outcome and its history, and his grandmother green', async () => {
  const { page } = resident;
  await page.reload();
  const filed = page.locator('li.correction', { hasText: 'Bà tôi đã khỏi bệnh' });
  await filed.locator('.state', { hasText: 'Đã giải quyết' }).waitFor();
  const history = await filed.locator('ol.history').textContent();
  expect(history).toContain('Chuyển sang “Đang xử lý”');
  expect(history).toContain('Đang đối chiếu giấy xác nhận.');
  expect(history).toContain('Đã ghi nhận theo giấy LX-2021-0815.');
  await screenshot(page, 'correction-resident-outcome');
  await page.getByRole('link', { name: 'Về hồ sơ người dân' }).click();
  await page.locator('figure.personal-qr .qr-colour', { hasText: 'Xanh' }).waitFor();
});

test('a vaccination request goes to the city, which downloads the portal export', async () => {
  const { page } = resident;
  await page.goto(`${product.url}/me`);
  await page.getByRole('link', { name: 'Yêu cầu sửa thông tin' }).click();
  await page.getByLabel('Mô tả điều cần sửa').fill('Thiếu mũi 2 Pfizer tiêm tại trạm y tế phường.');
  await page.getByLabel('Vắc xin', { exact: true }).selectOption('pfizer');
  await page.getByLabel('Mũi thứ').fill('2');
  await page.getByLabel('Ngày tiêm').fill(day(3));
  await page.getByRole('button', { name: 'Gửi yêu cầu' }).click();
  const filed = page.locator('li.correction', { hasText: 'Thiếu mũi 2 Pfizer' });
  await filed.waitFor();
  expect(await filed.textContent()).toContain('Cổng tiêm chủng quốc gia');

  const city = await launchBrowser();
  try {
    await logIn(city.page, product.url, 'demo.admin');
    await city.page.getByRole('navigation', { name: 'Trang chính' }).getByRole('link', { name: 'Yêu cầu sửa' }).click();
    await city.page.locator('.queue li', { hasText: 'Nguyễn Văn An' }).waitFor();
    await city.page.getByRole('heading', { name: 'Xuất cho Cổng tiêm chủng quốc gia' }).waitFor();
    await screenshot(city.page, 'correction-city-export');
    expect(await accessibilityProblems(city.page)).toEqual([]);
    const download = city.page.waitForEvent('download');
    await city.page.getByRole('button', { name: 'Tải tệp CSV cho Cổng tiêm chủng' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('vaccination-corrections-open.csv');
    const csv = readFileSync((await file.path()) ?? '', 'utf8');
    expect(csv.split('\n')[0]).toContain('request_id,filed_at,state,document_kind,document_number');
    expect(csv).toContain('079090000101');
    expect(csv).toContain('Thiếu mũi 2 Pfizer tiêm tại trạm y tế phường.');
  } finally {
    await city.close();
  }
});
