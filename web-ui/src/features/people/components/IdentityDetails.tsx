// Who a person is, with the document number and birth date masked by
// default as the national display rule asks, and a switch to show them.
import { useState } from 'react';
import { useI18n } from '@/lib/i18n';
import type { Person } from '../api/people';

/** Day and month hidden, the year kept: `**-**-1990`. */
export function maskBirthDate(birthDate: string): string {
  return `**/**/${birthDate.slice(0, 4)}`;
}

export function IdentityDetails({ person }: { person: Person }) {
  const { t, date } = useI18n();
  const [shown, setShown] = useState(false);
  return (
    <dl className="details">
      <dt>{t('person.fullName')}</dt>
      <dd>{person.full_name}</dd>
      <dt>{t('person.document')}</dt>
      <dd data-testid="document-number">{shown ? person.document_number : person.document_number_masked}</dd>
      <dt>{t('person.birthDate')}</dt>
      <dd data-testid="birth-date">{shown ? date(person.birth_date) : maskBirthDate(person.birth_date)}</dd>
      <dd className="details-action">
        <button type="button" aria-pressed={shown} onClick={() => setShown((value) => !value)}>
          {shown ? t('person.hideDetails') : t('person.showDetails')}
        </button>
      </dd>
      {person.declared_on_behalf && (
        <>
          <dt>{t('person.declaredOnBehalf')}</dt>
          <dd>{t('common.yes')}</dd>
        </>
      )}
    </dl>
  );
}
