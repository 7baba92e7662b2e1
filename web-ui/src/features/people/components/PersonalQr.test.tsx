import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { HttpResponse, http as untypedHttp } from 'msw';
import { expect, test } from 'vitest';
import { useI18n } from '@/lib/i18n';
import { greenStatus } from '@/test/fixtures';
import { logIn, renderPage } from '@/test/render';
import { http, server } from '@/test/server';
import { PersonalQr } from './PersonalQr';

function LanguageSwitch() {
  const { setLang } = useI18n();
  return (
    <button type="button" onClick={() => setLang('en')}>
      English
    </button>
  );
}

test('shows the QR in its colour with the reason, in either language', async () => {
  let authorization: string | null = null;
  server.use(
    http.get('/api/v1/people/{id}/qr', ({ params, response }) => {
      expect(params.id).toBe('person-1');
      return response(200).json({
        payload: '079090000101|NGUYEN VAN AN|1990-04-12|0|790000000000000001|<1<<0909000101<sig',
        key_id: 'k1',
        issued_at: '2021-10-16T03:00:00Z',
        green_from: '2021-10-15T00:00:00Z',
        green_until: '2022-04-13T00:00:00Z',
        status: { ...greenStatus, valid_until: '2022-03-30T17:00:00Z' },
      });
    }),
    // Binary bodies are outside what the typed handlers describe.
    untypedHttp.get(`${location.origin}/api/v1/people/:id/qr.png`, ({ request }) => {
      authorization = request.headers.get('authorization');
      return new HttpResponse(new Uint8Array([137, 80, 78, 71]), { headers: { 'content-type': 'image/png' } });
    }),
  );
  URL.createObjectURL = () => 'blob:qr';
  URL.revokeObjectURL = () => undefined;
  logIn('resident', { person_id: 'person-1' });
  renderPage(
    <>
      <LanguageSwitch />
      <PersonalQr personId="person-1" />
    </>,
  );

  const figure = (await screen.findByText('Xanh')).closest('figure');
  expect(figure).toHaveAttribute('data-colour', 'green');
  const qr = within(figure as HTMLElement);
  expect(qr.getByText(greenStatus.reason_vi)).toBeInTheDocument();
  expect(await qr.findByRole('img', { name: 'Mã QR cá nhân' })).toHaveAttribute('src', 'blob:qr');
  expect(authorization).toBe('Bearer access-resident');

  await userEvent.click(screen.getByRole('button', { name: 'English' }));
  expect(qr.getByText('Green')).toBeInTheDocument();
  expect(qr.getByText(greenStatus.reason)).toBeInTheDocument();
  expect(document.documentElement.lang).toBe('en');
});
