// A labelled form control with its error beside it, wired for screen readers.
import type { InputHTMLAttributes, Ref, SelectHTMLAttributes } from 'react';
import { isMessageKey, useI18n } from '@/lib/i18n';

interface Common {
  id: string;
  label: string;
  /** A message key from client-side validation, or the API's own message. */
  error?: string | undefined;
  hint?: string | undefined;
}

function useErrorText(error: string | undefined): string | undefined {
  const { t } = useI18n();
  if (!error) {
    return undefined;
  }
  return isMessageKey(error) ? t(error) : error;
}

function describedBy(id: string, error?: string, hint?: string): string | undefined {
  const ids = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

export function TextField({
  id,
  label,
  error,
  hint,
  ref,
  ...input
}: Common & InputHTMLAttributes<HTMLInputElement> & { ref?: Ref<HTMLInputElement> }) {
  const text = useErrorText(error);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <input
        id={id}
        ref={ref}
        aria-invalid={text ? true : undefined}
        aria-describedby={describedBy(id, text, hint)}
        {...input}
      />
      {text && (
        <p className="field-error" id={`${id}-error`}>
          {text}
        </p>
      )}
    </div>
  );
}

export function SelectField({
  id,
  label,
  error,
  hint,
  ref,
  children,
  ...select
}: Common & SelectHTMLAttributes<HTMLSelectElement> & { ref?: Ref<HTMLSelectElement> }) {
  const text = useErrorText(error);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <select
        id={id}
        ref={ref}
        aria-invalid={text ? true : undefined}
        aria-describedby={describedBy(id, text, hint)}
        {...select}
      >
        {children}
      </select>
      {text && (
        <p className="field-error" id={`${id}-error`}>
          {text}
        </p>
      )}
    </div>
  );
}
