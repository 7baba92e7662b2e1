// A resident's access ledger: a staff scan at the market's gate shows in
// "Ai đã xem thông tin của tôi", linked from the resident's home.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { accessibilityProblems, apiCall, launchBrowser, logIn, screenshot, startProduct, token, type Browser, type Product } from './harness';

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

test('a staff scan of the demo resident then shows in their ledger', async () => {
  const guard = await token(product.url, 'demo.baove');
  const [gate] = await apiCall<{ id: string; name: string }[]>(product.url, `/organizations/${guard.account.organization_id}/checkpoints`, {
    token: guard.token,
  });
  await apiCall(product.url, `/checkpoints/${gate?.id}/scans`, { token: guard.token, body: { document_number: '079090000101' } });

  const { page } = browser;
  await logIn(page, product.url, 'demo.cudan');
  await page.waitForURL('**/me');
  await page.getByRole('link', { name: 'Ai đã xem thông tin của tôi' }).click();
  await page.getByRole('heading', { name: 'Ai đã xem thông tin của tôi' }).waitFor();
  const entry = page.locator('li.ledger-entry', { hasText: 'Quét mã QR khi vào cửa' });
  await entry.waitFor();
  expect(await entry.textContent()).toContain('Nhân viên điểm kiểm soát');
  expect(await entry.textContent()).toContain(`Chợ Thủ Đức · ${gate?.name}`);
  // The time is Ho Chi Minh City's, as dd/mm/yyyy with hours and minutes.
  expect(await entry.locator('time').textContent()).toMatch(/^\d{2}:\d{2} \d{2}\/\d{2}\/\d{4}$/);
  await screenshot(page, 'resident-access-log');
  expect(await accessibilityProblems(page)).toEqual([]);
});
