import '@testing-library/jest-dom/vitest';
import { afterAll, afterEach, beforeAll } from 'vitest';

// Tests marked `@vitest-environment node` (the contract and architecture
// checks) have no DOM and need none of this.
if (typeof window !== 'undefined') {
  const { cleanup } = await import('@testing-library/react');
  const { session } = await import('@/lib/session');
  const { server } = await import('./server');
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => {
    cleanup();
    server.resetHandlers();
    session.set(null);
    localStorage.clear();
    sessionStorage.clear();
  });
  afterAll(() => server.close());
}
