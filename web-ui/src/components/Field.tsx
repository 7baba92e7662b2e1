// A labelled form control with its error beside it, wired for screen readers.
import type { InputHTMLAttributes, ReactNode, Ref, SelectHTMLAttributes, TextareaHTMLAttributes } from 'react';
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

/** The label, hint and error around one control, which gets the ARIA wiring to pass on. */
function Frame({
  id,
  label,
  error,
  hint,
  control,
}: Common & { control: (aria: { 'aria-invalid'?: true; 'aria-describedby'?: string }) => ReactNode }) {
  const text = useErrorText(error);
  const describedByIds = describedBy(id, text, hint);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {control({
        ...(text ? { 'aria-invalid': true as const } : {}),
        ...(describedByIds ? { 'aria-describedby': describedByIds } : {}),
      })}
      {text && (
        <p className="field-error" id={`${id}-error`}>
          {text}
        </p>
      )}
    </div>
  );
}

export function TextField({
  id,
  label,
  error,
  hint,
  ref,
  ...input
}: Common & InputHTMLAttributes<HTMLInputElement> & { ref?: Ref<HTMLInputElement> }) {
  return <Frame id={id} label={label} error={error} hint={hint} control={(aria) => <input id={id} ref={ref} {...aria} {...input} />} />;
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
  return (
    <Frame
      id={id}
      label={label}
      error={error}
      hint={hint}
      control={(aria) => (
        <select id={id} ref={ref} {...aria} {...select}>
          {children}
        </select>
      )}
    />
  );
}

export function TextAreaField({
  id,
  label,
  error,
  hint,
  ref,
  ...area
}: Common & TextareaHTMLAttributes<HTMLTextAreaElement> & { ref?: Ref<HTMLTextAreaElement> }) {
  return <Frame id={id} label={label} error={error} hint={hint} control={(aria) => <textarea id={id} ref={ref} rows={3} {...aria} {...area} />} />;
}
