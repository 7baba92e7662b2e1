// The typed API client, generated from openapi/openapi.json: every path,
// parameter and body is checked against the API's contract at compile time.
// The fetch underneath adds the access token and, when it has expired,
// exchanges the refresh token once and retries.
import createClient from 'openapi-fetch';
import { session } from '@/lib/session';
import type { components, paths } from './schema';

type TokenPair = components['schemas']['TokenPair'];

let refreshing: Promise<boolean> | null = null;

async function refresh(): Promise<boolean> {
  const current = session.get();
  if (!current) {
    return false;
  }
  const response = await fetch(new URL('/api/v1/auth/refresh', location.origin), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refresh_token: current.refreshToken }),
  });
  if (!response.ok) {
    session.set(null);
    return false;
  }
  const pair = (await response.json()) as TokenPair;
  session.set({ accessToken: pair.access_token, refreshToken: pair.refresh_token, account: pair.account });
  return true;
}

function withToken(request: Request): Request {
  const token = session.get()?.accessToken;
  if (token) {
    request.headers.set('authorization', `Bearer ${token}`);
  }
  return request;
}

/** fetch with the access token, refreshed once on a 401. */
export async function authFetch(request: Request): Promise<Response> {
  const retry = request.clone();
  const response = await fetch(withToken(request));
  if (response.status !== 401 || !session.get() || request.url.includes('/api/v1/auth/')) {
    return response;
  }
  refreshing ??= refresh().finally(() => {
    refreshing = null;
  });
  return (await refreshing) ? fetch(withToken(retry)) : response;
}

export const api = createClient<paths>({
  baseUrl: location.origin,
  fetch: (request) => authFetch(request),
});

export type Schemas = components['schemas'];
