// Registration by SMS end to end: the product sends its messages to a tiny
// SMS gateway this test runs on 127.0.0.1; the test reads the one-time code
// and the card link from what the gateway received, completes the flow in
// the browser, and decodes the card page's QR to compare it with the API's
// payload. Then a ward officer texts a new link and revokes them all, and
// reads the resident's ledger from the resident's page.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { accessibilityProblems, launchBrowser, logIn, screenshot, startProduct, type Browser, type Product } from './harness';

/** One message as the product's HTTP gateway sends it (see api/src/sms.rs). */
interface Sms {
  id: string;
  to: string;
  text: string;
}

interface Gateway {
  url: string;
  /** The next message to `phone` whose text matches, once it has arrived; each message is taken once. */
  take: (phone: string, pattern: RegExp) => Promise<RegExpExecArray>;
  close: () => Promise<void>;
}

async function startGateway(): Promise<Gateway> {
  const received: Sms[] = [];
  const taken = new Set<number>();
  const arrivals = new Set<() => void>();
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      received.push(JSON.parse(body) as Sms);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"accepted":true}');
      arrivals.forEach((arrived) => arrived());
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  const digits = (phone: string) => phone.replace(/\D/g, '').slice(-9);

  const take = (phone: string, pattern: RegExp) =>
    new Promise<RegExpExecArray>((found) => {
      const look = () => {
        for (const [index, sms] of received.entries()) {
          const match = pattern.exec(sms.text);
          if (!taken.has(index) && digits(sms.to) === digits(phone) && match) {
            taken.add(index);
            arrivals.delete(look);
            found(match);
            return;
          }
        }
      };
      arrivals.add(look);
      look();
    });
  return {
    url: `http://127.0.0.1:${port}/sms`,
    take,
    close: () => new Promise((closed) => server.close(() => closed())),
  };
}

const PHONE = '0912345678';
const DOCUMENT = '079050000111';

let gateway: Gateway;
let product: Product;
let resident: Browser;
let officer: Browser;
let secret = '';

beforeAll(async () => {
  gateway = await startGateway();
  product = await startProduct({ env: { ANTOAN_SMS_GATEWAY_URL: gateway.url, ANTOAN_SMS_POLL_SECONDS: '1' } });
  resident = await launchBrowser({ mobile: true });
  officer = await launchBrowser();
});

afterAll(async () => {
  await resident?.close();
  await officer?.close();
  await product?.stop();
  await gateway?.close();
});

/** The QR an image on the page shows, decoded by jsQR in the page itself. */
async function decodeQr(page: Page, selector: string): Promise<string | null> {
  await page.addScriptTag({ path: fileURLToPath(new URL('../node_modules/jsqr/dist/jsQR.js', import.meta.url)) });
  return page.evaluate(async (selector) => {
    const image = document.querySelector(selector) as HTMLImageElement;
    await image.decode();
    const side = 600;
    const canvas = document.createElement('canvas');
    canvas.width = side;
    canvas.height = side;
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2d context');
    context.fillStyle = '#fff';
    context.fillRect(0, 0, side, side);
    context.drawImage(image, 0, 0, side, side);
    const pixels = context.getImageData(0, 0, side, side);
    const reader = (window as unknown as { jsQR: (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null }).jsQR;
    return reader(pixels.data, side, side)?.data ?? null;
  }, selector);
}

test('a person without a smartphone registers by SMS and opens the card the link leads to', async () => {
  const { page } = resident;
  await page.goto(`${product.url}/login`);
  await page.getByRole('link', { name: 'Không có điện thoại thông minh? Đăng ký bằng tin nhắn SMS' }).click();
  await page.getByRole('heading', { name: 'Đăng ký bằng tin nhắn SMS' }).waitFor();
  await page.getByLabel('Số giấy tờ').fill(DOCUMENT);
  await page.getByLabel('Họ và tên').fill('Đỗ Văn Mười');
  await page.getByLabel('Ngày sinh').fill('1950-06-15');
  await page.getByLabel('Giới tính').selectOption('male');
  await page.getByLabel('Phường').selectOption('26794');
  await page.getByLabel('Số điện thoại', { exact: true }).fill(PHONE);
  await screenshot(page, 'sms-details');
  expect(await accessibilityProblems(page)).toEqual([]);
  await page.getByRole('button', { name: 'Gửi mã xác nhận' }).click();

  await page.getByRole('heading', { name: 'Bước 2: Nhập mã trong tin nhắn' }).waitFor();
  const [, code = ''] = await gateway.take(PHONE, /ma xac nhan dang ky cua ban la (\d{6})/);
  // A wrong code first: the page says how many tries are left.
  await page.getByLabel('Mã xác nhận').fill(code === '000000' ? '111111' : '000000');
  await page.getByRole('button', { name: 'Xác nhận' }).click();
  await page.getByText('Mã chưa đúng. Còn 4 lần thử.').waitFor();
  await screenshot(page, 'sms-code');
  expect(await accessibilityProblems(page)).toEqual([]);
  await page.getByLabel('Mã xác nhận').fill(code);
  await page.getByRole('button', { name: 'Xác nhận' }).click();
  await page.getByRole('heading', { name: 'Đã đăng ký' }).waitFor();
  await page.getByText(/Đường dẫn tới thẻ QR đã được gửi bằng tin nhắn tới số \*+678\./).waitFor();
  await screenshot(page, 'sms-done');
  expect(await accessibilityProblems(page)).toEqual([]);

  // The link from the SMS, opened on this product (its public address is the default one).
  const [link = '', fragment = ''] = await gateway.take(PHONE, /https?:\/\/\S+\/card#([A-Za-z0-9_-]+)/);
  expect(link).toContain('/card#');
  secret = fragment;
  const opened = page.waitForResponse((response) => response.url() === `${product.url}/api/v1/cards/open`);
  await page.goto(`${product.url}/card#${secret}`);
  const card = (await (await opened).json()) as { qr: { payload: string }; full_name: string };
  const figure = page.locator('figure.personal-qr');
  await figure.locator('.qr-colour', { hasText: 'Đen' }).waitFor();
  expect(await figure.getAttribute('data-colour')).toBe('black');
  expect(card.full_name).toBe('Đỗ Văn Mười');
  expect(await page.locator('.card-owner').textContent()).toContain('******000111');
  expect(await page.locator('.card-owner').textContent()).toContain('Phường Linh Xuân');

  // The QR on the page is the API's signed payload, as a phone camera reads it.
  expect(await decodeQr(page, 'figure.personal-qr img')).toBe(card.qr.payload);
  expect(card.qr.payload.startsWith(`${DOCUMENT}|DO VAN MUOI|1950-06-15|0|`)).toBe(true);
  await screenshot(page, 'sms-card');
  expect(await accessibilityProblems(page)).toEqual([]);

  // Printed, the card alone: the QR at 5 × 5 cm with the name, masked number and ward.
  await page.emulateMedia({ media: 'print' });
  const width = await page.locator('.print-card img.card-qr').evaluate((image) => image.getBoundingClientRect().width);
  expect(Math.abs(width - (5 / 2.54) * 96)).toBeLessThan(1);
  expect(await page.locator('figure.personal-qr').isVisible()).toBe(false);
  expect(await page.locator('.print-card').textContent()).toMatch(/Đỗ Văn Mười.*\*{6}000111.*Phường Linh Xuân/);
  expect(await decodeQr(page, '.print-card img.card-qr')).toBe(card.qr.payload);
  await screenshot(page, 'sms-card-print');
  await page.emulateMedia({ media: 'screen' });

  // The secret, the phone number and the messages never reach the server's log.
  const logs = product.logs();
  expect(logs).toContain('registration.confirmed');
  expect(logs).not.toContain(secret);
  expect(logs).not.toContain(PHONE);
  expect(logs).not.toContain('ma xac nhan');
});

test('the ward office texts a new link and revokes them all; the old link then says it no longer works', async () => {
  const { page } = officer;
  await logIn(page, product.url, 'demo.linhxuan');
  const search = page.getByRole('search');
  await search.getByLabel('Số giấy tờ').fill(DOCUMENT);
  await search.getByLabel('In thẻ QR cho người dân').check();
  await page.getByRole('button', { name: 'Tìm' }).click();
  await page.getByRole('heading', { name: 'Đỗ Văn Mười' }).waitFor();

  await page.getByRole('button', { name: 'Gửi đường dẫn qua SMS' }).click();
  await page.getByText(/Đã gửi tới số \*+678; đường dẫn dùng được đến/).waitFor();
  const [, second = ''] = await gateway.take(PHONE, /\/card#([A-Za-z0-9_-]+)/);
  expect(second).not.toBe(secret);

  await page.getByRole('button', { name: 'Thu hồi mọi đường dẫn đã gửi' }).click();
  await page.getByRole('button', { name: 'Thu hồi', exact: true }).click();
  await page.getByText('Đã thu hồi 2 đường dẫn.').waitFor();

  // The resident's ledger, from the resident's page: the officer's lookup and its purpose.
  await page.getByText('Xem nhật ký truy cập').click();
  const lookup = page.locator('li.ledger-entry', { hasText: 'Tìm hồ sơ theo số giấy tờ' }).first();
  await lookup.waitFor();
  expect(await lookup.textContent()).toContain('In thẻ QR cho người dân');
  expect(await lookup.textContent()).toContain('Cán bộ phường');
  await screenshot(page, 'ward-person-links-ledger');
  expect(await accessibilityProblems(page)).toEqual([]);

  // The link opened anew (the same address with its fragment would not load the page again).
  await resident.page.goto('about:blank');
  await resident.page.goto(`${product.url}/card#${secret}`);
  await resident.page.getByText('Đường dẫn này không còn dùng được', { exact: false }).waitFor();
  await screenshot(resident.page, 'sms-card-revoked');
  expect(await accessibilityProblems(resident.page)).toEqual([]);
});
