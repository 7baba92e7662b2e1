// Why an officer reads someone's data: one of a few common purposes picked
// with one tap, or written out. The resident sees it in their access log,
// and the field says so.
import { useState } from 'react';
import { isMessageKey, useI18n } from '@/lib/i18n';
import type { MessageKey } from '@/lib/messages';

const OTHER = 'other';

export function PurposeField({
  id,
  presets,
  value,
  onChange,
  error,
}: {
  id: string;
  /** The common purposes of this desk, as message keys. */
  presets: readonly MessageKey[];
  value: string;
  onChange: (value: string) => void;
  /** A message key from validation, or the API's own words. */
  error?: string | undefined;
}) {
  const { t } = useI18n();
  const matching = presets.find((key) => t(key) === value);
  const [choice, setChoice] = useState<string>(() => matching ?? (value ? OTHER : ''));
  const errorText = error ? (isMessageKey(error) ? t(error) : error) : undefined;
  const describedBy = [`${id}-notice`, errorText ? `${id}-error` : null].filter(Boolean).join(' ');

  const pick = (next: string) => {
    setChoice(next);
    if (next === OTHER) {
      onChange(matching ? '' : value);
    } else if (isMessageKey(next)) {
      onChange(t(next));
    }
  };

  return (
    <fieldset className="purpose" aria-describedby={describedBy}>
      <legend>{t('purpose.legend')}</legend>
      <p className="hint" id={`${id}-notice`}>
        {t('purpose.notice')}
      </p>
      {presets.map((key) => (
        <label key={key} className="choice">
          <input type="radio" name={id} value={key} checked={choice === key} onChange={() => pick(key)} />
          {t(key)}
        </label>
      ))}
      <label className="choice">
        <input type="radio" name={id} value={OTHER} checked={choice === OTHER} onChange={() => pick(OTHER)} />
        {t('purpose.other')}
      </label>
      {choice === OTHER && (
        <div className="field">
          <label htmlFor={`${id}-text`}>{t('purpose.otherText')}</label>
          <input
            id={`${id}-text`}
            value={value}
            maxLength={300}
            autoComplete="off"
            aria-invalid={errorText ? true : undefined}
            aria-describedby={describedBy}
            onChange={(event) => onChange(event.target.value)}
          />
        </div>
      )}
      {errorText && (
        <p className="field-error" id={`${id}-error`}>
          {errorText}
        </p>
      )}
    </fieldset>
  );
}

export const wardPurposes: readonly MessageKey[] = [
  'purpose.ward.card',
  'purpose.ward.recovery',
  'purpose.ward.correction',
  'purpose.ward.question',
];

export const healthPurposes: readonly MessageKey[] = ['purpose.health.contacts', 'purpose.health.cluster', 'purpose.health.check'];
