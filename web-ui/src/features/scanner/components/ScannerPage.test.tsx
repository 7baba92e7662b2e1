import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse } from 'msw';
import { expect, test, vi } from 'vitest';
import { checkpoint, greenScan } from '@/test/fixtures';
import { logIn, renderPage } from '@/test/render';
import { http, server } from '@/test/server';
import type { RevocationEntry } from '../offline';
import { scanQueue } from '../queue';
import { vector, vectorKey, vectorRevocation } from '../vectors';
import { ScannerPage } from './ScannerPage';

const checkpoints = [
  http.get('/api/v1/organizations/{id}/checkpoints', ({ response }) => response(200).json([checkpoint])),
  http.get('/api/v1/qr/jwks.json', ({ response }) => response(200).json({ keys: [] })),
  http.get('/api/v1/qr/revocations.json', ({ response }) => response(200).json({ version: 1, max_validity_seconds: 604800, entries: [] })),
];

function staff() {
  return logIn('checkpoint_staff', { organization_id: 'org-1', checkpoint_id: 'checkpoint-1' });
}

test('a USB scanner’s code and Enter give a full-screen green answer, and the next scan replaces it', async () => {
  const bodies: unknown[] = [];
  server.use(
    ...checkpoints,
    http.post('/api/v1/checkpoints/{id}/scans', async ({ params, request, response }) => {
      expect(params.id).toBe('checkpoint-1');
      const body = await request.json();
      bodies.push(body);
      return bodies.length === 1
        ? response(201).json(greenScan)
        : response(201).json({ ...greenScan, colour: 'black', folded_name: 'LE THI HOA', reason_vi: 'chưa đủ 14 ngày sau mũi 1' });
    }),
  );
  renderPage(<ScannerPage account={staff()} />);
  expect(await screen.findByText('Điểm kiểm soát: Cổng chính')).toBeInTheDocument();

  const field = screen.getByLabelText('Mã quét');
  expect(field).toHaveFocus();
  await userEvent.type(field, '079090000101|NGUYEN VAN AN|1990-04-12|0|790000000000000001|<1<<<sig{Enter}');
  const answer = await screen.findByTestId('scan-result');
  expect(answer).toHaveClass('result-green');
  expect(answer).toHaveTextContent('XANH');
  expect(answer).toHaveTextContent('NGUYEN VAN AN');
  expect(answer).toHaveTextContent('******000101');
  expect(answer).toHaveTextContent(greenScan.reason_vi);
  expect(bodies[0]).toMatchObject({ payload: '079090000101|NGUYEN VAN AN|1990-04-12|0|790000000000000001|<1<<<sig' });
  expect((bodies[0] as { idempotency_key: string }).idempotency_key).toMatch(/^[0-9a-f-]{36}$/);

  // Ready for the next person without dismissing: the field kept its focus.
  expect(field).toHaveFocus();
  await userEvent.type(field, '079185000103|LE THI HOA|1985-08-20|0||{Enter}');
  await waitFor(() => expect(screen.getByTestId('scan-result')).toHaveClass('result-black'));
  expect(screen.getByTestId('scan-result')).toHaveTextContent('LE THI HOA');
  expect((bodies[1] as { idempotency_key: string }).idempotency_key).not.toBe((bodies[0] as { idempotency_key: string }).idempotency_key);

  await userEvent.keyboard('{Escape}');
  expect(screen.queryByTestId('scan-result')).toBeNull();
});

test('manual entry sends the document number', async () => {
  let body: unknown;
  server.use(
    ...checkpoints,
    http.post('/api/v1/checkpoints/{id}/scans', async ({ request, response }) => {
      body = await request.json();
      return response(201).json({ ...greenScan, signature: 'manual' });
    }),
  );
  renderPage(<ScannerPage account={staff()} />);
  await userEvent.type(screen.getByLabelText('Nhập số giấy tờ (khi mã không quét được)'), '0790 9000 0101');
  await userEvent.click(screen.getByRole('button', { name: 'Kiểm tra' }));
  expect(await screen.findByTestId('scan-result')).toHaveTextContent('Nhập tay theo số giấy tờ.');
  expect(body).toMatchObject({ document_number: '079090000101' });
});

test('a refused code says why', async () => {
  server.use(
    ...checkpoints,
    http.post('/api/v1/checkpoints/{id}/scans', ({ response }) =>
      response(422).json({ type: '/problems/unrecognized_format', title: 'x', status: 422, detail: 'this is not a personal QR code', code: 'unrecognized_format' }),
    ),
  );
  renderPage(<ScannerPage account={staff()} />);
  await userEvent.type(screen.getByLabelText('Mã quét'), 'hello{Enter}');
  const answer = await screen.findByTestId('scan-result');
  expect(answer).toHaveClass('result-refused');
  expect(answer).toHaveTextContent('this is not a personal QR code');
});

test('offline scans are queued and replayed with the same idempotency key when the network returns', async () => {
  let online = false;
  const received: { idempotency_key?: string | null; scanned_at?: string | null }[] = [];
  server.use(
    ...checkpoints,
    http.post('/api/v1/checkpoints/{id}/scans', async ({ request, response }) => {
      if (!online) return HttpResponse.error();
      received.push(await request.json());
      return response(201).json({ ...greenScan, replayed: false });
    }),
  );
  renderPage(<ScannerPage account={staff()} />);
  await userEvent.type(screen.getByLabelText('Mã quét'), '079090000101|NGUYEN VAN AN|1990-04-12|0||{Enter}');
  const answer = await screen.findByTestId('scan-result');
  expect(answer).toHaveClass('result-queued');
  expect(screen.getByText('1 lượt quét đang chờ gửi lại.')).toBeInTheDocument();
  const queued = scanQueue.get().pending[0];
  expect(queued?.body.idempotency_key).toMatch(/^[0-9a-f-]{36}$/);
  expect(JSON.parse(localStorage.getItem('antoan.scanQueue') ?? '{}').pending).toHaveLength(1);

  online = true;
  act(() => {
    window.dispatchEvent(new Event('online'));
  });
  expect(await screen.findByText('Mọi lượt quét đã được gửi.')).toBeInTheDocument();
  expect(received).toHaveLength(1);
  expect(received[0]?.idempotency_key).toBe(queued?.body.idempotency_key);
  expect(received[0]?.scanned_at).toBe(queued?.body.scanned_at);
  expect(scanQueue.get().pending).toHaveLength(0);
});

/** A scan of the documented version 2 code on 2021-10-19, offline, with the saved list `entries`. */
async function scanOffline(entries: RevocationEntry[]) {
  vi.useFakeTimers({ now: new Date('2021-10-19T00:00:00Z'), toFake: ['Date'] });
  server.use(
    http.get('/api/v1/organizations/{id}/checkpoints', ({ response }) => response(200).json([checkpoint])),
    http.get('/api/v1/qr/jwks.json', ({ response }) => response(200).json({ keys: [vectorKey] })),
    http.get('/api/v1/qr/revocations.json', ({ response }) => response(200).json({ version: 1, max_validity_seconds: 604800, entries })),
    http.post('/api/v1/checkpoints/{id}/scans', () => HttpResponse.error()),
  );
  renderPage(<ScannerPage account={staff()} />);
  // The keys and the list are saved while the page is online.
  await waitFor(() => expect(localStorage.getItem('antoan.qrRevocations')).toBe(JSON.stringify(entries)));
  await waitFor(() => expect(localStorage.getItem('antoan.qrKeys')).toContain(vectorKey.kid));
  await userEvent.type(screen.getByLabelText('Mã quét'), `${vector}{Enter}`);
  return screen.findByTestId('scan-result');
}

test('offline, a signed code shows the colour it vouches for', async () => {
  try {
    const answer = await scanOffline([]);
    expect(answer).toHaveClass('result-offline', 'result-green');
    expect(answer).toHaveTextContent('NGUYEN VAN DOAN');
  } finally {
    vi.useRealTimers();
  }
});

test('offline, a code the saved list revokes is not green and the screen says why', async () => {
  try {
    const queued = scanQueue.get().pending.length;
    const answer = await scanOffline([vectorRevocation]);
    expect(answer).toHaveClass('result-revoked');
    expect(answer).not.toHaveClass('result-green');
    expect(answer).toHaveTextContent('ĐÃ THU HỒI');
    expect(answer).not.toHaveTextContent('XANH');
    expect(answer).toHaveTextContent('NGUYEN VAN DOAN');
    expect(answer).toHaveTextContent('hồ sơ tiêm chủng hoặc khỏi bệnh của người này đã được sửa sau khi cấp mã');
    // Kept for the server, which decides from the records now once it answers.
    expect(scanQueue.get().pending).toHaveLength(queued + 1);
  } finally {
    vi.useRealTimers();
  }
});

test('online, a revoked code’s answer says that it was revoked', async () => {
  server.use(
    ...checkpoints,
    http.post('/api/v1/checkpoints/{id}/scans', ({ response }) => response(201).json({ ...greenScan, signature: 'revoked' })),
  );
  renderPage(<ScannerPage account={staff()} />);
  await userEvent.type(screen.getByLabelText('Mã quét'), `${vector}{Enter}`);
  const answer = await screen.findByTestId('scan-result');
  expect(answer).toHaveClass('result-green');
  expect(answer).toHaveTextContent('Mã này đã bị thu hồi vì hồ sơ của người này được sửa sau khi cấp mã');
});
