// The API's field errors placed beside the form's own fields.
import type { FieldValues, Path, UseFormSetError } from 'react-hook-form';
import { ApiProblem } from '@/api/problem';

/**
 * Puts each failing field of an API problem on the form field of the same
 * name (after `prefix`, e.g. `person.`); returns false when none matched, so
 * that the page shows the problem as a whole instead.
 */
export function showFieldErrors<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  fields: readonly Path<T>[],
  prefix = '',
): boolean {
  if (!(error instanceof ApiProblem)) return false;
  let matched = false;
  for (const fieldError of error.fieldErrors) {
    const name = fieldError.field.startsWith(prefix) ? fieldError.field.slice(prefix.length) : fieldError.field;
    const field = fields.find((candidate) => candidate === name);
    if (field) {
      setError(field, { type: 'server', message: fieldError.message });
      matched = true;
    }
  }
  return matched;
}
