// The API as tests see it: MSW handlers typed against the same generated
// paths as the client, so a mock cannot drift from the contract unnoticed.
import { setupServer } from 'msw/node';
import { createOpenApiHttp } from 'openapi-msw';
import type { paths } from '@/api/schema';

export const http = createOpenApiHttp<paths>({ baseUrl: location.origin });
export const server = setupServer();
