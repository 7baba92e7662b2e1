// Checkpoint staff: the camera reads a real personal QR made by the API and
// shows green; manual entry; scans made offline are replayed exactly once;
// offline, a code issued before a correction removed a record is revoked.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { accessibilityProblems, apiCall, launchBrowser, logIn, output, screenshot, startProduct, token, y4mFromPng, type Browser, type Product } from './harness';

let product: Product;
let video: string;

interface Visit {
  folded_name: string;
  colour: string;
  method: string;
}

beforeAll(async () => {
  product = await startProduct();
  // The resident's own QR, exactly as the API renders it for printing.
  const resident = await token(product.url, 'demo.cudan');
  const png = await apiCall<ArrayBuffer>(product.url, `/people/${resident.account.person_id}/qr.png?size=400`, { token: resident.token });
  mkdirSync(output, { recursive: true });
  video = join(output, 'resident-qr.y4m');
  const helper = await launchBrowser();
  try {
    await helper.page.goto(`${product.url}/guide`);
    await y4mFromPng(helper.page, png, video);
  } finally {
    await helper.close();
  }
});

afterAll(async () => {
  await product?.stop();
});

async function visits(): Promise<Visit[]> {
  const admin = await token(product.url, 'demo.cho');
  const page = await apiCall<{ items: Visit[] }>(product.url, `/organizations/${admin.account.organization_id}/visits`, { token: admin.token });
  return page.items;
}

async function withScanner(run: (browser: Browser) => Promise<void>) {
  const browser = await launchBrowser({ camera: video, mobile: true });
  try {
    await logIn(browser.page, product.url, 'demo.baove');
    await browser.page.waitForURL('**/scan');
    await browser.page.getByLabel('Điểm kiểm soát').selectOption({ label: 'Cổng chính' });
    await run(browser);
  } finally {
    await browser.close();
  }
}

test('the camera reads a personal QR and the screen turns green', async () => {
  await withScanner(async ({ page }) => {
    await screenshot(page, 'scanner');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.getByRole('button', { name: 'Bật camera' }).click();
    const answer = page.getByTestId('scan-result');
    await answer.waitFor();
    expect(await answer.getAttribute('class')).toContain('result-green');
    expect(await answer.textContent()).toContain('XANH');
    expect(await answer.textContent()).toContain('NGUYEN VAN AN');
    expect(await answer.textContent()).toContain('******000101');
    await screenshot(page, 'scanner-green', false);
    expect(await accessibilityProblems(page)).toEqual([]);
  });
  const recorded = await visits();
  expect(recorded.some((visit) => visit.folded_name === 'NGUYEN VAN AN' && visit.colour === 'green' && visit.method === 'staff_scan')).toBe(true);
});

test('a USB scanner typing anywhere on the page lands in the scan field', async () => {
  const resident = await token(product.url, 'demo.cudan');
  const qr = await apiCall<{ payload: string }>(product.url, `/people/${resident.account.person_id}/qr`, { token: resident.token });
  await withScanner(async ({ page }) => {
    // The guard pressed a button last: the focus is on no field.
    await page.getByRole('button', { name: 'Bật camera' }).click();
    await page.getByRole('button', { name: 'Tắt camera' }).click();
    await page.keyboard.type(qr.payload);
    await page.keyboard.press('Enter');
    const answer = page.getByTestId('scan-result');
    await answer.waitFor();
    expect(await answer.getAttribute('class')).toContain('result-green');
    expect(await answer.textContent()).toContain('NGUYEN VAN AN');
  });
});

test('manual entry by document number answers black for a dose five days old', async () => {
  await withScanner(async ({ page }) => {
    await page.getByLabel('Nhập số giấy tờ (khi mã không quét được)').fill('079185000103');
    await page.getByRole('button', { name: 'Kiểm tra' }).click();
    const answer = page.getByTestId('scan-result');
    await answer.waitFor();
    expect(await answer.getAttribute('class')).toContain('result-black');
    expect(await answer.textContent()).toContain('LE THI HOA');
    await screenshot(page, 'scanner-black', false);
  });
});

test('a scan made offline waits in the browser and is recorded once when the network returns', async () => {
  const before = (await visits()).filter((visit) => visit.folded_name === 'PHAM VAN DONG').length;
  await withScanner(async ({ page, context }) => {
    await context.setOffline(true);
    await page.getByLabel('Nhập số giấy tờ (khi mã không quét được)').fill('079070000104');
    await page.getByRole('button', { name: 'Kiểm tra' }).click();
    const answer = page.getByTestId('scan-result');
    await answer.waitFor();
    expect(await answer.getAttribute('class')).toContain('result-queued');
    await page.getByText('1 lượt quét đang chờ gửi lại.').waitFor();
    await screenshot(page, 'scanner-offline', false);

    await context.setOffline(false);
    await page.getByText('Mọi lượt quét đã được gửi.').waitFor();
  });
  const after = (await visits()).filter((visit) => visit.folded_name === 'PHAM VAN DONG');
  expect(after.length).toBe(before + 1);
  expect(after[0]?.method).toBe('manual');
});

test('offline, a signed code shows the colour its signature vouches for', async () => {
  const resident = await token(product.url, 'demo.cudan');
  const qr = await apiCall<{ payload: string }>(product.url, `/people/${resident.account.person_id}/qr`, { token: resident.token });
  await withScanner(async ({ page, context }) => {
    // The scanner saved the public keys while it was online.
    await page.waitForFunction(() => (localStorage.getItem('antoan.qrKeys') ?? '[]').length > 2);
    await context.setOffline(true);
    await page.getByLabel('Mã quét').fill(qr.payload);
    await page.getByLabel('Mã quét').press('Enter');
    const answer = page.getByTestId('scan-result');
    await answer.waitFor();
    expect(await answer.getAttribute('class')).toContain('result-offline result-green');
    expect(await answer.textContent()).toContain('NGUYEN VAN AN');
    expect(await answer.textContent()).toContain('******000101');
    await screenshot(page, 'scanner-offline-signed', false);
    await context.setOffline(false);
    await page.getByText('Mọi lượt quét đã được gửi.').waitFor();
  });
});

test('the scanner reloads without the network and keeps scanning into its queue', async () => {
  const resident = await token(product.url, 'demo.cudan');
  const qr = await apiCall<{ payload: string }>(product.url, `/people/${resident.account.person_id}/qr`, { token: resident.token });
  await withScanner(async ({ page, context }) => {
    // The service worker has cached the app shell once it controls the page.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await page.waitForFunction(() => (localStorage.getItem('antoan.qrKeys') ?? '[]').length > 2);
    await context.setOffline(true);
    await page.reload();
    await page.getByRole('heading', { name: 'Quét mã QR' }).waitFor();
    await page.getByLabel('Mã quét').fill(qr.payload);
    await page.getByLabel('Mã quét').press('Enter');
    const answer = page.getByTestId('scan-result');
    await answer.waitFor();
    expect(await answer.getAttribute('class')).toContain('result-offline result-green');
    await page.getByText('1 lượt quét đang chờ gửi lại.').waitFor();
    await context.setOffline(false);
    await page.getByText('Mọi lượt quét đã được gửi.').waitFor();
  });
});

test('replaying a scan the API already recorded adds no visit', async () => {
  // The answer to a scan can be lost after the API recorded it; the queue
  // then sends it again with the same idempotency key.
  const staff = await token(product.url, 'demo.baove');
  const checkpoints = await apiCall<{ id: string; name: string }[]>(product.url, `/organizations/${staff.account.organization_id}/checkpoints`, { token: staff.token });
  const gate = checkpoints.find((checkpoint) => checkpoint.name === 'Cổng chính');
  const body = { document_number: '079141000102', idempotency_key: '5f0c6a52-8d1e-4c57-9a43-2f6d3b1e7a90', scanned_at: new Date().toISOString() };
  await apiCall(product.url, `/checkpoints/${gate?.id}/scans`, { token: staff.token, body });
  const before = (await visits()).filter((visit) => visit.folded_name === 'TRAN THI BUOI').length;

  await withScanner(async ({ page }) => {
    await page.evaluate(
      ([checkpointId, queued]) => {
        localStorage.setItem('antoan.scanQueue', JSON.stringify({ pending: [{ checkpointId, body: queued }], rejected: 0 }));
      },
      [gate?.id ?? '', body] as const,
    );
    await page.reload();
    await page.getByText('Mọi lượt quét đã được gửi.').waitFor();
  });
  expect((await visits()).filter((visit) => visit.folded_name === 'TRAN THI BUOI').length).toBe(before);
});

test('offline, a code issued before the ward removed a wrong recovery is shown revoked, not green', async () => {
  // Phạm Văn Đông's card, green from a recovery the ward recorded.
  const officer = await token(product.url, 'demo.linhxuan');
  const person = await apiCall<{ id: string }>(product.url, '/people/search', {
    token: officer.token,
    purpose: 'Xử lý yêu cầu điều chỉnh',
    body: { document_number: '079070000104' },
  });
  const card = await apiCall<{ payload: string; status: { colour: string } }>(product.url, `/people/${person.id}/qr`, { token: officer.token });
  expect(card.status.colour).toBe('green');

  // The recovery was someone else's: the ward resolves the request by removing it.
  const records = await apiCall<{ recoveries: { id: string }[] }>(product.url, `/people/${person.id}/health-records`, { token: officer.token });
  const request = await apiCall<{ id: string }>(product.url, `/people/${person.id}/corrections`, {
    token: officer.token,
    body: { kind: 'recovery', description: 'Giấy khỏi bệnh ghi nhầm người.' },
  });
  const resolved = await apiCall<{ state: string }>(product.url, `/corrections/${request.id}/transitions`, {
    token: officer.token,
    body: { to: 'resolved', note: 'Đã gỡ bản ghi nhập nhầm.', remove_record_id: records.recoveries[0]?.id },
  });
  expect(resolved.state).toBe('resolved');

  await withScanner(async ({ page, context }) => {
    // The scanner saved the keys and the revocation list while it was online.
    await page.waitForFunction(() => (localStorage.getItem('antoan.qrKeys') ?? '[]').length > 2);
    await page.waitForFunction(() => (localStorage.getItem('antoan.qrRevocations') ?? '[]').length > 2);
    await context.setOffline(true);
    await page.getByLabel('Mã quét').fill(card.payload);
    await page.getByLabel('Mã quét').press('Enter');
    const answer = page.getByTestId('scan-result');
    await answer.waitFor();
    const classes = await answer.getAttribute('class');
    expect(classes).toContain('result-revoked');
    expect(classes).not.toContain('result-green');
    const text = await answer.textContent();
    expect(text).toContain('ĐÃ THU HỒI');
    expect(text).toContain('PHAM VAN DONG');
    expect(text).toContain('đã được sửa sau khi cấp mã');
    await screenshot(page, 'scanner-offline-revoked', false);
    expect(await accessibilityProblems(page)).toEqual([]);
    await context.setOffline(false);
    await page.getByText('Mọi lượt quét đã được gửi.').waitFor();
  });
});
