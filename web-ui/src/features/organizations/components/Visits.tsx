// Who came in: an organization's visits by checkpoint and time window, each
// with the visitor's colour and its reason at that moment.
import { useState, type FormEvent } from 'react';
import { ErrorNotice } from '@/components/ErrorNotice';
import { StatusBadge } from '@/components/Status';
import { useI18n } from '@/lib/i18n';
import { useCheckpoints, useVisits, type VisitFilter } from '../api/organizations';

/** A `datetime-local` value (the browser's clock) for an instant. */
function toLocalInput(date: Date): string {
  const shifted = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return shifted.toISOString().slice(0, 16);
}

function defaultWindow(): { from: string; until: string } {
  const now = new Date();
  const until = new Date(now.getTime() + 60 * 60_000);
  return { from: toLocalInput(new Date(now.getTime() - 24 * 60 * 60_000)), until: toLocalInput(until) };
}

export function Visits({ organizationId }: { organizationId: string }) {
  const { t, reason, dateTime } = useI18n();
  const checkpoints = useCheckpoints(organizationId);
  const [inputs, setInputs] = useState(() => ({ ...defaultWindow(), checkpoint: '' }));
  const [filter, setFilter] = useState<VisitFilter>(() => ({
    from: new Date(inputs.from).toISOString(),
    until: new Date(inputs.until).toISOString(),
  }));
  const [cursors, setCursors] = useState<string[]>([]);
  const visits = useVisits(organizationId, filter, cursors.at(-1));
  const [windowError, setWindowError] = useState(false);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const from = new Date(inputs.from);
    const until = new Date(inputs.until);
    if (Number.isNaN(from.getTime()) || Number.isNaN(until.getTime()) || from >= until) {
      setWindowError(true);
      return;
    }
    setWindowError(false);
    setCursors([]);
    setFilter({ from: from.toISOString(), until: until.toISOString(), checkpoint: inputs.checkpoint || undefined });
  };

  return (
    <>
      <form className="filters" onSubmit={apply} aria-label={t('visits.filter')}>
        <div className="field">
          <label htmlFor="visits-checkpoint">{t('visits.checkpoint')}</label>
          <select id="visits-checkpoint" value={inputs.checkpoint} onChange={(event) => setInputs({ ...inputs, checkpoint: event.target.value })}>
            <option value="">{t('visits.allCheckpoints')}</option>
            {checkpoints.data?.map((checkpoint) => (
              <option key={checkpoint.id} value={checkpoint.id}>
                {checkpoint.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="visits-from">{t('visits.from')}</label>
          <input id="visits-from" type="datetime-local" value={inputs.from} onChange={(event) => setInputs({ ...inputs, from: event.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="visits-until">{t('visits.until')}</label>
          <input
            id="visits-until"
            type="datetime-local"
            value={inputs.until}
            aria-invalid={windowError || undefined}
            aria-describedby={windowError ? 'visits-window-error' : undefined}
            onChange={(event) => setInputs({ ...inputs, until: event.target.value })}
          />
          {windowError && (
            <p className="field-error" id="visits-window-error">
              {t('visits.windowError')}
            </p>
          )}
        </div>
        <button type="submit" className="primary">
          {t('visits.show')}
        </button>
      </form>
      <ErrorNotice error={visits.error} />
      {visits.data?.items.length === 0 && <p className="empty">{t('visits.none')}</p>}
      {visits.data && visits.data.items.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t('visits.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('visits.time')}</th>
                <th scope="col">{t('visits.checkpoint')}</th>
                <th scope="col">{t('visits.visitor')}</th>
                <th scope="col">{t('visits.status')}</th>
              </tr>
            </thead>
            <tbody>
              {visits.data.items.map((visit) => (
                <tr key={visit.id}>
                  <td>{dateTime(visit.entered_at)}</td>
                  <td>{visit.checkpoint_name}</td>
                  <td>
                    {visit.folded_name}
                    <br />
                    <span className="muted">{visit.document_masked}</span>
                    {!visit.person_known && <span className="muted"> · {t('visits.unknownPerson')}</span>}
                  </td>
                  <td>
                    <StatusBadge colour={visit.colour} /> <span className="muted">{reason(visit)}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="actions">
        {cursors.length > 0 && (
          <button type="button" onClick={() => setCursors(cursors.slice(0, -1))}>
            {t('common.previous')}
          </button>
        )}
        {visits.data?.next_cursor && (
          <button type="button" onClick={() => setCursors([...cursors, visits.data.next_cursor ?? ''])}>
            {t('common.next')}
          </button>
        )}
      </p>
    </>
  );
}
