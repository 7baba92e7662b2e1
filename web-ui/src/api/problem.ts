// The API's errors as the UI sees them: RFC 9457 problems with a stable
// `code` and, for validation, the failing fields.
import type { components } from './schema';

export type Problem = components['schemas']['Problem'];
export type FieldError = components['schemas']['FieldError'];

/** An answer of 4xx or 5xx from the API. Pages branch on `code`, never on `detail`. */
export class ApiProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly fieldErrors: FieldError[];

  constructor(status: number, body: unknown) {
    const problem = isProblem(body) ? body : undefined;
    super(problem?.detail ?? `HTTP ${status}`);
    this.name = 'ApiProblem';
    this.status = status;
    this.code = problem?.code ?? 'http_error';
    this.fieldErrors = problem?.errors ?? [];
  }
}

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && 'code' in body && 'detail' in body;
}

/** True when the request never reached the API (offline, server down). */
export function isNetworkError(error: unknown): boolean {
  return error instanceof TypeError;
}

/** The data of an openapi-fetch answer, or its problem thrown. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok) {
    return result.data as T;
  }
  throw new ApiProblem(result.response.status, result.error);
}
