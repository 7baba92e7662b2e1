// The browser tests' world: the real antoan binary on a fresh SQLite data
// folder with the demo data set, and Debian's Chromium driven by
// playwright-core. Everything listens on 127.0.0.1 and is stopped by pid.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const webUi = fileURLToPath(new URL('..', import.meta.url));
export const output = join(webUi, 'test-results');
export const PASSWORD = 'demo-password-2021';

function binary(): string {
  const explicit = process.env.ANTOAN_BIN;
  if (explicit) return resolve(explicit);
  const target = process.env.CARGO_TARGET_DIR ?? join(webUi, '..', 'target');
  return join(target, 'debug', 'antoan');
}

export interface Product {
  url: string;
  /** Everything the server has written to stdout and stderr so far: its log. */
  logs: () => string;
  stop: () => Promise<void>;
}

/**
 * Loads the demo data set into a fresh data folder and serves it with the
 * built UI; `env` adds settings (an SMS gateway, say) for both steps.
 */
export async function startProduct(options: { env?: Record<string, string> } = {}): Promise<Product> {
  const dir = mkdtempSync(join(tmpdir(), 'antoan-e2e-'));
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    NO_COLOR: '1',
    ANTOAN_DATA_DIR: join(dir, 'data'),
    ANTOAN_LISTEN: '127.0.0.1:0',
    ANTOAN_WEB_UI_DIR: join(webUi, 'dist'),
    ...options.env,
  };
  const demo = spawnSync(binary(), ['demo'], { cwd: dir, env, encoding: 'utf8' });
  if (demo.status !== 0) {
    throw new Error(`antoan demo failed (${demo.status}): ${demo.stderr}${demo.stdout}`);
  }

  const server: ChildProcess = spawn(binary(), ['serve'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  server.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  let seen = '';
  const url = await new Promise<string>((found, failed) => {
    server.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /antoan listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
      if (match?.[1]) found(match[1]);
    });
    server.on('exit', (code) => failed(new Error(`antoan serve exited (${code}): ${log}${seen}`)));
  });

  return {
    url,
    logs: () => seen + log,
    stop: async () => {
      if (server.exitCode === null && server.pid) {
        const exited = new Promise((done) => server.once('exit', done));
        process.kill(server.pid, 'SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  close: () => Promise<void>;
}

/** Chromium with a fresh profile; `camera` feeds a .y4m file to the fake camera. */
export async function launchBrowser(options: { camera?: string; mobile?: boolean } = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'antoan-chromium-'));
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ];
  if (options.camera) {
    args.push('--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${options.camera}`);
  }
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.ANTOAN_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args,
    viewport: options.mobile ? { width: 390, height: 844 } : { width: 1280, height: 900 },
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  const dir = join(output, 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage });
}

export async function logIn(page: Page, url: string, username: string): Promise<void> {
  await page.goto(`${url}/login`);
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.waitForURL((address) => !address.pathname.startsWith('/login'));
}

/** A call to the API from the test itself, for set-up and for checking what the UI did. */
export async function apiCall<T>(
  url: string,
  path: string,
  init: { token?: string; body?: unknown; method?: string; purpose?: string } = {},
): Promise<T> {
  const response = await fetch(`${url}/api/v1${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      // Why an officer reads someone's data, as the API asks of a lookup.
      ...(init.purpose ? { 'x-access-purpose': encodeURIComponent(init.purpose) } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  const type = response.headers.get('content-type') ?? '';
  return (type.includes('json') ? await response.json() : await response.arrayBuffer()) as T;
}

export async function token(url: string, username: string, password = PASSWORD): Promise<{ token: string; account: { person_id?: string | null; organization_id?: string | null } }> {
  const pair = await apiCall<{ access_token: string; account: { person_id?: string | null; organization_id?: string | null } }>(url, '/auth/login', {
    body: { username, password },
  });
  return { token: pair.access_token, account: pair.account };
}

/**
 * A YUV4MPEG2 video (C420) of a PNG centred on white, for Chromium's fake
 * camera. The PNG is decoded by the browser itself, so no image library is needed.
 */
export async function y4mFromPng(page: Page, png: ArrayBuffer, file: string): Promise<void> {
  const width = 640;
  const height = 480;
  const base64 = Buffer.from(png).toString('base64');
  const luma = await page.evaluate(
    async ({ base64, width, height }) => {
      const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const canvas = new OffscreenCanvas(width, height);
      const context = canvas.getContext('2d');
      if (!context) throw new Error('no 2d context');
      context.fillStyle = '#fff';
      context.fillRect(0, 0, width, height);
      const side = Math.min(width, height) - 60;
      context.imageSmoothingEnabled = false;
      context.drawImage(bitmap, (width - side) / 2, (height - side) / 2, side, side);
      const { data } = context.getImageData(0, 0, width, height);
      const out: number[] = new Array(width * height);
      for (let i = 0; i < width * height; i += 1) {
        out[i] = Math.round(0.299 * (data[i * 4] ?? 0) + 0.587 * (data[i * 4 + 1] ?? 0) + 0.114 * (data[i * 4 + 2] ?? 0));
      }
      return out;
    },
    { base64, width, height },
  );
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), Buffer.from(luma), chroma]);
  const frames = Array.from({ length: 10 }, () => frame);
  writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`), ...frames]));
}

/**
 * The WCAG 2 A and AA rules of axe-core run on the page as it stands; the
 * answer lists each serious or critical violation with where it is.
 */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: fileURLToPath(new URL('../node_modules/axe-core/axe.min.js', import.meta.url)) });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
    return result.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  });
}
