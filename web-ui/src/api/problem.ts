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
  /** For a 429 (or a 503): how many seconds to wait, from the `Retry-After` header. */
  readonly retryAfterSeconds: number | null;

  constructor(status: number, body: unknown, headers?: Headers) {
    const problem = isProblem(body) ? body : undefined;
    super(problem?.detail ?? `HTTP ${status}`);
    this.name = 'ApiProblem';
    this.status = status;
    this.code = problem?.code ?? 'http_error';
    this.fieldErrors = problem?.errors ?? [];
    this.retryAfterSeconds = retryAfter(headers?.get('retry-after') ?? null);
  }
}

/** Seconds from a `Retry-After` header: a number of seconds or an HTTP date. */
function retryAfter(value: string | null): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
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
  throw new ApiProblem(result.response.status, result.error, result.response.headers);
}
