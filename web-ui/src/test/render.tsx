// Renders a page inside the app's providers and router, optionally logged in.
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { makeQueryClient, Providers } from '@/app/Providers';
import type { components } from '@/api/schema';
import { session, type Role } from '@/lib/session';

type Account = components['schemas']['AccountView'];

export function account(role: Role, extra: Partial<Account> = {}): Account {
  return {
    id: `account-${role}`,
    username: `demo.${role}`,
    role,
    active: true,
    created_at: '2021-10-01T00:00:00Z',
    ...extra,
  };
}

export function logIn(role: Role, extra: Partial<Account> = {}): Account {
  const value = account(role, extra);
  session.set({ accessToken: `access-${role}`, refreshToken: `refresh-${role}`, account: value });
  return value;
}

export function renderPage(ui: ReactNode, { route = '/', path = '*' }: { route?: string; path?: string } = {}) {
  const queryClient = makeQueryClient();
  queryClient.setDefaultOptions({ queries: { retry: false, staleTime: 0 } });
  return render(
    <Providers queryClient={queryClient}>
      <MemoryRouter initialEntries={[route]}>
        <Routes>
          <Route path={path} element={ui} />
          <Route path="*" element={<p>elsewhere</p>} />
        </Routes>
      </MemoryRouter>
    </Providers>,
  );
}
