// One correction request as every reader sees it: what it is about, where
// it went, where it stands, what the person asked for, and its history.
import { Fragment } from 'react';
import { isMessageKey, useI18n } from '@/lib/i18n';
import { useVaccineCatalogue, type Correction } from '../api/corrections';

type T = ReturnType<typeof useI18n>['t'];

/** A word from the API (a state, kind, route or role) in the reader's language. */
export function label(t: T, prefix: string, value: string): string {
  const key = `${prefix}.${value}`;
  return isMessageKey(key) ? t(key) : value;
}

/** The state as a word in a band: never a colour alone. */
export function StateBadge({ state }: { state: string }) {
  const { t } = useI18n();
  return <span className={`state state-${state}`}>{label(t, 'correction.state', state)}</span>;
}

/** What the person asked the record to say; only the parts they gave. */
function Requested({ correction }: { correction: Correction }) {
  const { t, date } = useI18n();
  const vaccines = useVaccineCatalogue();
  const facts: [string, string][] = [];
  const vaccination = correction.vaccination;
  const recovery = correction.recovery;
  if (vaccination) {
    const code = vaccination.vaccine_code;
    if (code) facts.push([t('correction.vaccine'), vaccines.data?.find((vaccine) => vaccine.code === code)?.name ?? code]);
    if (vaccination.dose_number) facts.push([t('correction.doseNumber'), String(vaccination.dose_number)]);
    if (vaccination.administered_on) facts.push([t('correction.administeredOn'), date(vaccination.administered_on)]);
    if (vaccination.place) facts.push([t('correction.place'), vaccination.place]);
    if (vaccination.lot) facts.push([t('correction.lot'), vaccination.lot]);
  }
  if (recovery) {
    if (recovery.positive_on) facts.push([t('recovery.positiveOn'), date(recovery.positive_on)]);
    if (recovery.recovered_on) facts.push([t('recovery.recoveredOn'), date(recovery.recovered_on)]);
    if (recovery.certificate_number) facts.push([t('recovery.certificate'), recovery.certificate_number]);
  }
  if (facts.length === 0) return null;
  return (
    <>
      {facts.map(([term, value]) => (
        <Fragment key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </Fragment>
      ))}
    </>
  );
}

export function CorrectionDetails({ correction }: { correction: Correction }) {
  const { t, dateTime } = useI18n();
  return (
    <dl className="details correction-details">
      <dt>{t('correction.kind')}</dt>
      <dd>{label(t, 'correction.kind', correction.kind)}</dd>
      <dt>{t('correction.routedTo')}</dt>
      <dd>{label(t, 'correction.routed', correction.routed_to)}</dd>
      <dt>{t('correction.state')}</dt>
      <dd>
        <StateBadge state={correction.state} />
      </dd>
      <dt>{t('correction.filedAt')}</dt>
      <dd>
        <time dateTime={correction.created_at}>{dateTime(correction.created_at)}</time>
      </dd>
      <dt>{t('correction.description')}</dt>
      <dd className="correction-text">{correction.description}</dd>
      <Requested correction={correction} />
    </dl>
  );
}

export function CorrectionHistory({ correction }: { correction: Correction }) {
  const { t, dateTime } = useI18n();
  return (
    <ol className="history" aria-label={t('correction.history')}>
      {correction.history.map((event, index) => {
        const what = !event.from_state
          ? t('correction.filed')
          : event.from_state === event.to_state
            ? t('correction.noted')
            : t('correction.moved', { to: label(t, 'correction.state', event.to_state) });
        return (
          <li key={`${event.at}-${index}`}>
            <time dateTime={event.at}>{dateTime(event.at)}</time> · {what} · <span className="muted">{label(t, 'role', event.by_role)}</span>
            {event.note && <p className="history-note">{event.note}</p>}
          </li>
        );
      })}
    </ol>
  );
}
