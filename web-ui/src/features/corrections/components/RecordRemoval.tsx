// Removing the wrongly recorded record a correction request is about: the
// choice among the person's current records of the request's kind, with
// what removing one does, as the handler resolves the request; and the
// removed record (what, by whom, when) on the resolved request, for the
// handler and the person alike.
import type { ReactNode } from 'react';
import type { UseFormRegisterReturn } from 'react-hook-form';
import { ApiProblem } from '@/api/problem';
import { ErrorNotice } from '@/components/ErrorNotice';
import { isMessageKey, useI18n } from '@/lib/i18n';
import { useSession } from '@/lib/session';
import { useRecordsForCorrection, useVaccineCatalogue, type Correction, type HealthRecords, type RemovedRecord } from '../api/corrections';
import { label } from './CorrectionSummary';

type Dose = HealthRecords['vaccinations'][number];
type Recovery = HealthRecords['recoveries'][number];

/** A dose or a recovery in one line, as the person's records show it, and where it came from. */
function useRecordWords() {
  const { t, date, dateTime } = useI18n();
  const vaccines = useVaccineCatalogue();
  const vaccineName = (code: string) => vaccines.data?.find((vaccine) => vaccine.code === code)?.name ?? code;
  return {
    dose: (dose: Dose) =>
      [t('records.dose', { number: dose.dose_number, vaccine: vaccineName(dose.vaccine_code) }), date(dose.administered_on), dose.place]
        .filter(Boolean)
        .join(' · '),
    recovery: (recovery: Recovery) =>
      [
        t('records.recovery', { positive: date(recovery.positive_on), recovered: date(recovery.recovered_on) }),
        recovery.certificate_number ? `${t('records.certificate')} ${recovery.certificate_number}` : null,
      ]
        .filter(Boolean)
        .join(' · '),
    /** What tells two similar records apart: the lot, the source, when it was entered. */
    origin: (record: Dose | Recovery) =>
      [
        'lot' in record && record.lot ? `${t('correction.lot')} ${record.lot}` : null,
        'source' in record ? (record.source === 'staff' ? t('removal.source.staff') : t('removal.source.import', { source: record.source })) : null,
        t('removal.recorded', { at: dateTime(record.created_at) }),
      ]
        .filter(Boolean)
        .join(' · '),
  };
}

export const NO_REMOVAL = '';

/**
 * The person's current records of the request's kind, each one to pick as
 * the wrong one, or none; once one is picked, what removing it does. The
 * records are read when the handler chooses to resolve, with this request as
 * the purpose the person reads in their ledger.
 */
export function RemovalChoice({
  correction,
  field,
  chosen,
  error,
  replacing,
}: {
  correction: Correction;
  /** The form's `remove_record_id` radio group: a record's id, or `NO_REMOVAL`. */
  field: UseFormRegisterReturn;
  chosen: string;
  /** A message key, or the API's own words. */
  error?: string | undefined;
  /** The right recovery is recorded in the same step. */
  replacing: boolean;
}) {
  const { t } = useI18n();
  const records = useRecordsForCorrection(correction.person_id, t('purpose.ward.correction'));
  const words = useRecordWords();
  const kind = correction.kind === 'vaccination' ? 'vaccination' : 'recovery';
  const errorText = error ? (isMessageKey(error) ? t(error) : error) : undefined;
  const describedBy = ['removal-hint', errorText ? 'removal-error' : null, chosen ? 'removal-warning' : null].filter(Boolean).join(' ');

  let choices: ReactNode;
  if (records.error) {
    // A ward officer reads only their ward's residents: a person who moved is another ward's to correct.
    choices =
      records.error instanceof ApiProblem && records.error.status === 404 ? (
        <p className="notice notice-error" role="alert">
          {t('removal.unreadable')}
        </p>
      ) : (
        <ErrorNotice error={records.error} />
      );
  } else if (!records.data) {
    choices = <p aria-busy="true">{t('common.loading')}</p>;
  } else {
    const options =
      kind === 'vaccination'
        ? records.data.vaccinations.map((dose) => ({ id: dose.id, what: words.dose(dose), origin: words.origin(dose) }))
        : records.data.recoveries.map((recovery) => ({ id: recovery.id, what: words.recovery(recovery), origin: words.origin(recovery) }));
    choices = (
      <>
        <label className="choice">
          <input type="radio" value={NO_REMOVAL} {...field} />
          {t('removal.none')}
        </label>
        {options.length === 0 && <p className="empty">{t(`removal.noRecords.${kind}`)}</p>}
        {options.map((option) => (
          <div key={option.id} className="choice-block">
            <label className="choice">
              <input type="radio" value={option.id} aria-describedby={`removal-${option.id}-origin`} {...field} />
              {option.what}
            </label>
            <p className="hint" id={`removal-${option.id}-origin`}>
              {option.origin}
            </p>
          </div>
        ))}
      </>
    );
  }

  return (
    <fieldset className="removal" aria-describedby={describedBy}>
      <legend>{t(`removal.legend.${kind}`)}</legend>
      <p className="hint" id="removal-hint">
        {t(`removal.hint.${kind}`)}
      </p>
      {choices}
      {errorText && (
        <p className="field-error" id="removal-error">
          {errorText}
        </p>
      )}
      {/* Announced as it appears, so that the consequences are heard before saving. */}
      <div aria-live="polite">
        {chosen && (
          <div className="notice notice-warning" id="removal-warning">
            <p>
              <strong>{t('removal.warning.title')}</strong>
            </p>
            <ul>
              <li>{t('removal.warning.status')}</li>
              <li>{t('removal.warning.codes')}</li>
              {kind === 'vaccination' && <li>{t('removal.warning.import')}</li>}
              {replacing && <li>{t('removal.warning.replace')}</li>}
              <li>{t('removal.warning.kept')}</li>
            </ul>
          </div>
        )}
      </div>
    </fieldset>
  );
}

/** Who removed the record: the role of the resolution's author, and whether it was the reader. */
function removedBy(correction: Correction, removed: RemovedRecord, t: ReturnType<typeof useI18n>['t'], me: string | undefined): string {
  // A request is resolved once: the resolution is the removal's step.
  const resolution = correction.history.find((event) => event.to_state === 'resolved' && event.by_account_id === removed.removed_by_account_id);
  const role = resolution ? label(t, 'role', resolution.by_role) : t('removal.byUnknown');
  return removed.removed_by_account_id === me ? t('removal.byYou', { role }) : role;
}

/**
 * The record that resolving the request removed, if it removed one: what it
 * said, who removed it and when, and what that meant for the person's codes.
 * `action` adds what the reader can do next (the ward office's print list).
 */
export function RemovedRecordDetails({
  correction,
  heading: Heading,
  action,
}: {
  correction: Correction;
  heading: 'h2' | 'h3';
  action?: ReactNode;
}) {
  const { t, dateTime } = useI18n();
  const session = useSession();
  const words = useRecordWords();
  const removed = correction.removed_record;
  if (!removed) return null;
  const record = removed.vaccination ?? removed.recovery;
  const headingId = `removed-${correction.id}`;
  return (
    <section aria-labelledby={headingId} className="removed-record">
      <Heading id={headingId}>{t('removal.title')}</Heading>
      <dl className="details correction-details">
        <dt>{t('removal.record')}</dt>
        <dd>
          {removed.vaccination ? words.dose(removed.vaccination) : removed.recovery ? words.recovery(removed.recovery) : label(t, 'correction.kind', removed.kind)}
          {record && <span className="hint removed-origin">{words.origin(record)}</span>}
        </dd>
        <dt>{t('removal.by')}</dt>
        <dd>{removedBy(correction, removed, t, session?.account.id)}</dd>
        <dt>{t('removal.at')}</dt>
        <dd>
          <time dateTime={removed.removed_at}>{dateTime(removed.removed_at)}</time>
        </dd>
      </dl>
      <p className="hint">{t('removal.after')}</p>
      {action}
    </section>
  );
}
