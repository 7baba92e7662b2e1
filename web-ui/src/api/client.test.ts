import { expect, test } from 'vitest';
import { session } from '@/lib/session';
import { account } from '@/test/render';
import { http, server } from '@/test/server';
import { api } from './client';
import { unwrap } from './problem';

const expired = { type: '/problems/invalid_token', title: 'Authentication required', status: 401, detail: 'expired', code: 'invalid_token' };

test('an expired access token is refreshed once and the request retried', async () => {
  const seen: (string | null)[] = [];
  server.use(
    http.get('/api/v1/auth/me', ({ request, response }) => {
      const authorization = request.headers.get('authorization');
      seen.push(authorization);
      return authorization === 'Bearer fresh' ? response(200).json(account('resident')) : response(401).json(expired);
    }),
    http.post('/api/v1/auth/refresh', async ({ request, response }) => {
      expect(await request.json()).toEqual({ refresh_token: 'refresh-1' });
      return response(200).json({ access_token: 'fresh', refresh_token: 'refresh-2', token_type: 'Bearer', expires_in: 900, account: account('resident') });
    }),
  );
  session.set({ accessToken: 'stale', refreshToken: 'refresh-1', account: account('resident') });

  const me = unwrap(await api.GET('/api/v1/auth/me'));
  expect(me.role).toBe('resident');
  expect(seen).toEqual(['Bearer stale', 'Bearer fresh']);
  expect(session.get()?.refreshToken).toBe('refresh-2');
});

test('a refused refresh ends the login here', async () => {
  server.use(
    http.get('/api/v1/auth/me', ({ response }) => response(401).json(expired)),
    http.post('/api/v1/auth/refresh', ({ response }) => response(401).json(expired)),
  );
  session.set({ accessToken: 'stale', refreshToken: 'reused', account: account('resident') });

  const result = await api.GET('/api/v1/auth/me');
  expect(result.response.status).toBe(401);
  expect(session.get()).toBeNull();
});
