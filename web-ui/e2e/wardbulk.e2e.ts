// The ward office's bulk work in the browser: a CSV of residents with one
// bad row (refused whole in all-or-nothing mode, then imported with the
// good rows kept), the refused row shown with its line and reason, and the
// new residents' cards printed as a PDF of A4 sheets.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { accessibilityProblems, launchBrowser, logIn, screenshot, startProduct, type Browser, type Product } from './harness';

let product: Product;
let browser: Browser;
let folder: string;
let file: string;

const csv = [
  'document_kind,document_number,full_name,birth_date,gender,phone,address',
  'cccd,079160000205,Võ Thị Năm,1960-03-08,female,0909123456,"12 Kha Vạn Cân, Linh Xuân"',
  // A CCCD of eleven digits: refused, by its line.
  'cccd,07916100020,Nguyễn Văn Sáu,1961-04-01,male,,',
  'cccd,079162000207,Đặng Thị Bảy,1962-05-02,female,,',
].join('\n');

beforeAll(async () => {
  product = await startProduct();
  browser = await launchBrowser();
  folder = mkdtempSync(join(tmpdir(), 'antoan-import-'));
  file = join(folder, 'cu-dan-linh-xuan.csv');
  writeFileSync(file, csv);
  await logIn(browser.page, product.url, 'demo.linhxuan');
});

afterAll(async () => {
  await browser?.close();
  await product?.stop();
  rmSync(folder, { recursive: true, force: true });
});

test('all or nothing: the bad row is shown with its line and reason, and nobody is created', async () => {
  const { page } = browser;
  await page.getByRole('navigation', { name: 'Trang chính' }).getByRole('link', { name: 'Nhập từ tệp' }).click();
  await page.getByRole('heading', { name: 'Nhập người dân từ tệp CSV' }).waitFor();
  await page.getByLabel('Tệp CSV', { exact: true }).setInputFiles(file);
  await page.getByRole('button', { name: 'Nhập', exact: true }).click();
  await page.getByText('Chưa tạo hồ sơ nào vì 1 dòng sai.', { exact: false }).waitFor();
  const row = page.getByRole('table', { name: 'Các dòng bị từ chối' }).getByRole('row', { name: /^3 / });
  expect(await row.textContent()).toContain('Nguyễn Văn Sáu');
  expect(await row.textContent()).toContain('Số giấy tờ');
  expect(await page.getByRole('table', { name: 'Hồ sơ đã tạo' }).count()).toBe(0);
  await screenshot(page, 'ward-import-refused');
  expect(await accessibilityProblems(page)).toEqual([]);
});

test('good rows: two created, line 3 refused, and their cards printed as a PDF', async () => {
  const { page } = browser;
  await page.getByLabel('Tạo các dòng đúng, báo các dòng sai').check();
  await page.getByRole('button', { name: 'Nhập', exact: true }).click();
  await page.getByText('Đã tạo hồ sơ cho 2 người; 1 dòng bị từ chối.').waitFor();
  const refused = page.getByRole('table', { name: 'Các dòng bị từ chối' });
  expect(await refused.getByRole('row').count()).toBe(2);
  expect(await refused.getByRole('row', { name: /^3 / }).textContent()).toContain('Nguyễn Văn Sáu');
  const created = page.getByRole('table', { name: 'Hồ sơ đã tạo' });
  await created.getByRole('link', { name: 'Võ Thị Năm' }).waitFor();
  await created.getByRole('link', { name: 'Đặng Thị Bảy' }).waitFor();
  await screenshot(page, 'ward-import-result');
  expect(await accessibilityProblems(page)).toEqual([]);

  await page.getByRole('button', { name: 'Thêm 2 người vừa tạo vào danh sách in thẻ' }).click();
  await page.getByRole('link', { name: 'Mở danh sách in thẻ (2)' }).click();
  await page.getByRole('heading', { name: 'In thẻ QR hàng loạt' }).waitFor();
  await page.getByRole('checkbox', { name: /Võ Thị Năm/ }).waitFor();
  await page.getByRole('button', { name: 'Tạo tệp PDF (2 thẻ)' }).click();
  await page.getByText('Tệp PDF 2 thẻ đã sẵn sàng.').waitFor();
  await screenshot(page, 'ward-cards');
  expect(await accessibilityProblems(page)).toEqual([]);

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Tải tệp PDF' }).click();
  const pdf = readFileSync((await (await download).path()) ?? '');
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  // One A4 sheet holds both cards.
  expect(pdf.toString('latin1').match(/\/Type\s*\/Page\b/g)).toHaveLength(1);
});
