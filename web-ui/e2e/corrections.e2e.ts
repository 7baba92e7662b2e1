// Correction requests in the browser: the demo resident files a recovery
// request for the grandmother he declared for (black, no records); the ward
// officer finds it in the ward's queue and resolves it, recording the
// recovery, and she turns green; the resident follows it to the end. The
// ward officer resolves another request by removing a recovery recorded by
// mistake, and that resident turns black with his earlier code revoked. A
// vaccination request goes to the city, which downloads the portal's CSV.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { accessibilityProblems, apiCall, launchBrowser, logIn, screenshot, startProduct, token, type Browser, type Product } from './harness';

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

test('the ward officer resolves a request by removing a wrong recovery, and the resident turns black', async () => {
  // Phạm Văn Đông is green from a recovery the ward recorded, which was
  // someone else's; his request about it is filed at the ward office.
  const ward = await token(product.url, 'demo.linhxuan');
  const person = await apiCall<{ id: string }>(product.url, '/people/search', {
    token: ward.token,
    purpose: 'Người dân yêu cầu sửa thông tin',
    body: { document_number: '079070000104' },
  });
  const card = await apiCall<{ payload: string; status: { colour: string } }>(product.url, `/people/${person.id}/qr`, { token: ward.token });
  expect(card.status.colour).toBe('green');
  await apiCall(product.url, `/people/${person.id}/corrections`, {
    token: ward.token,
    body: { kind: 'recovery', description: 'Tôi chưa từng mắc COVID-19; giấy khỏi bệnh được ghi nhận là của người khác.' },
  });

  const { page } = officer;
  await page.goto(`${product.url}/corrections`);
  await page.getByLabel('Trạng thái').selectOption('open');
  await page.locator('.queue li', { hasText: 'Phạm Văn Đông' }).getByRole('link', { name: 'Phạm Văn Đông' }).click();
  await page.getByRole('heading', { name: 'Xử lý yêu cầu' }).waitFor();
  await page.getByLabel('Đã giải quyết').check();

  // His current recoveries, one to pick; picking it says what removing it does.
  const removal = page.getByRole('group', { name: 'Gỡ lần khỏi bệnh bị ghi sai' });
  const wrong = removal.getByLabel(/^Dương tính .*, khỏi bệnh /);
  await wrong.check();
  const warning = page.locator('.notice-warning');
  await warning.getByText('Gỡ bản ghi này thì:').waitFor();
  expect(await warning.textContent()).toContain('mọi mã QR của người này cấp trước lúc gỡ bị thu hồi');
  await page.getByLabel('Ghi chú', { exact: true }).fill('Giấy khỏi bệnh là của người khác; đã gỡ bản ghi nhập nhầm.');
  await screenshot(page, 'correction-removal-warning');
  expect(await accessibilityProblems(page)).toEqual([]);

  await page.getByRole('button', { name: 'Gỡ bản ghi và giải quyết' }).click();
  await page.getByText('Đã giải quyết và gỡ bản ghi sai.', { exact: false }).waitFor();
  const removed = page.getByRole('region', { name: 'Bản ghi đã gỡ' });
  await removed.getByText('Cán bộ phường (bạn)').waitFor();
  expect(await removed.textContent()).toMatch(/Dương tính .*, khỏi bệnh /);
  // His card must be printed anew: the ward's print list is one press away.
  await removed.getByRole('button', { name: 'Thêm vào danh sách in thẻ' }).click();
  await removed.getByText('Đã có trong danh sách in thẻ', { exact: false }).waitFor();
  await screenshot(page, 'correction-removed');
  expect(await accessibilityProblems(page)).toEqual([]);

  // Black now, on his page and through the API; the card printed before is revoked.
  await page.getByRole('link', { name: 'Phạm Văn Đông' }).click();
  await page.getByRole('heading', { name: 'Phạm Văn Đông' }).waitFor();
  await page.locator('figure.personal-qr .qr-colour', { hasText: 'Đen' }).waitFor();
  const status = await apiCall<{ colour: string }>(product.url, `/people/${person.id}/status`, { token: ward.token });
  expect(status.colour).toBe('black');
  const records = await apiCall<{ recoveries: unknown[] }>(product.url, `/people/${person.id}/health-records`, { token: ward.token });
  expect(records.recoveries).toEqual([]);
  const verified = await apiCall<{ signature: string }>(product.url, '/qr/verify', { body: { payload: card.payload } });
  expect(verified.signature).toBe('revoked');
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
