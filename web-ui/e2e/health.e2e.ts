// A health officer: opening an organization's visits asks for the
// investigation's purpose first; the visits then load, and each visitor's
// access ledger holds the read with that purpose.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { accessibilityProblems, apiCall, launchBrowser, logIn, screenshot, startProduct, token, type Browser, type Product } from './harness';

let product: Product;
let browser: Browser;

beforeAll(async () => {
  product = await startProduct();
  // The demo resident is scanned at the market's main gate.
  const guard = await token(product.url, 'demo.baove');
  const [gate] = await apiCall<{ id: string }[]>(product.url, `/organizations/${guard.account.organization_id}/checkpoints`, { token: guard.token });
  await apiCall(product.url, `/checkpoints/${gate?.id}/scans`, { token: guard.token, body: { document_number: '079090000101' } });
  browser = await launchBrowser();
  await logIn(browser.page, product.url, 'demo.yte');
});

afterAll(async () => {
  await browser?.close();
  await product?.stop();
});

test("an organization's visits open after the investigation's purpose is stated, and the resident's ledger shows it", async () => {
  const { page } = browser;
  await page.waitForURL('**/organizations');
  await page.getByRole('link', { name: 'Chợ Thủ Đức' }).click();
  await page.getByRole('heading', { name: 'Mục đích tra cứu' }).waitFor();
  expect(await page.locator('section[aria-labelledby="org-visits"]').count()).toBe(0);
  expect(await accessibilityProblems(page)).toEqual([]);
  await page.getByLabel('Mục đích khác').check();
  await page.getByLabel('Ghi mục đích').fill('Truy vết ca F0 ở chợ Thủ Đức, ngày 01/11');
  await page.getByRole('button', { name: 'Tiếp tục' }).click();

  const visits = page.locator('section[aria-labelledby="org-visits"]');
  await visits.locator('tr', { hasText: 'NGUYEN VAN AN' }).waitFor();
  await page.getByText('Mục đích: Truy vết ca F0 ở chợ Thủ Đức, ngày 01/11').waitFor();
  await screenshot(page, 'health-visits');
  expect(await accessibilityProblems(page)).toEqual([]);

  const resident = await token(product.url, 'demo.cudan');
  const ledger = await apiCall<{ items: { kind: string; purpose?: string | null; reader_role: string }[] }>(
    product.url,
    `/people/${resident.account.person_id}/access-log`,
    { token: resident.token },
  );
  expect(ledger.items).toContainEqual(
    expect.objectContaining({ kind: 'visit_list', reader_role: 'health_officer', purpose: 'Truy vết ca F0 ở chợ Thủ Đức, ngày 01/11' }),
  );
});
