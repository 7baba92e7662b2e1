// Who came in and how they stand now: an organization's visits by
// checkpoint, time window, colour at entry and staff or visitor, each row
// with the person's colour, vaccination, latest test and latest
// declaration; the same filter exported as CSV or XLSX.
import { useState, type FormEvent } from 'react';
import { ErrorNotice } from '@/components/ErrorNotice';
import { StatusBadge } from '@/components/Status';
import { useI18n } from '@/lib/i18n';
import { useCheckpoints, useExportVisitors, useVisitors, type VisitorFilter } from '../api/organizations';
import { ExportError } from './ExportError';
import { ColourCell, DeclarationCell, TestCell, VaccinationCell } from './HealthCells';

/** A `datetime-local` value (the browser's clock) for an instant. */
function toLocalInput(date: Date): string {
  const shifted = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return shifted.toISOString().slice(0, 16);
}

function defaultInputs() {
  const now = new Date();
  return {
    from: toLocalInput(new Date(now.getTime() - 24 * 60 * 60_000)),
    until: toLocalInput(new Date(now.getTime() + 60 * 60_000)),
    checkpoint: '',
    colour: '',
    who: '',
  };
}

type Inputs = ReturnType<typeof defaultInputs>;

function toFilter(inputs: Inputs): VisitorFilter | null {
  const from = new Date(inputs.from);
  const until = new Date(inputs.until);
  if (Number.isNaN(from.getTime()) || Number.isNaN(until.getTime()) || from >= until) return null;
  return { from: from.toISOString(), until: until.toISOString(), checkpoint: inputs.checkpoint, colour: inputs.colour, who: inputs.who };
}

export function Visitors({ organizationId }: { organizationId: string }) {
  const { t, dateTime } = useI18n();
  const checkpoints = useCheckpoints(organizationId);
  const [inputs, setInputs] = useState(defaultInputs);
  const [filter, setFilter] = useState<VisitorFilter>(() => toFilter(inputs) as VisitorFilter);
  const [cursors, setCursors] = useState<string[]>([]);
  const [windowError, setWindowError] = useState(false);
  const visitors = useVisitors(organizationId, filter, cursors.at(-1));
  const exportList = useExportVisitors(organizationId);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const next = toFilter(inputs);
    setWindowError(!next);
    if (!next) return;
    setCursors([]);
    setFilter(next);
  };
  const set = (key: keyof Inputs) => (event: { target: { value: string } }) => setInputs({ ...inputs, [key]: event.target.value });

  return (
    <>
      <form className="filters" onSubmit={apply} aria-label={t('lists.visitorFilter')}>
        <div className="field">
          <label htmlFor="visitors-checkpoint">{t('visits.checkpoint')}</label>
          <select id="visitors-checkpoint" value={inputs.checkpoint} onChange={set('checkpoint')}>
            <option value="">{t('visits.allCheckpoints')}</option>
            {checkpoints.data?.map((checkpoint) => (
              <option key={checkpoint.id} value={checkpoint.id}>
                {checkpoint.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="visitors-colour">{t('lists.colourAtEntry')}</label>
          <select id="visitors-colour" value={inputs.colour} onChange={set('colour')}>
            <option value="">{t('visits.allCheckpoints')}</option>
            <option value="green">{t('status.green')}</option>
            <option value="black">{t('status.black')}</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="visitors-who">{t('lists.who')}</label>
          <select id="visitors-who" value={inputs.who} onChange={set('who')}>
            <option value="">{t('visits.allCheckpoints')}</option>
            <option value="staff">{t('lists.whoStaff')}</option>
            <option value="visitor">{t('lists.whoVisitor')}</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="visitors-from">{t('visits.from')}</label>
          <input id="visitors-from" type="datetime-local" value={inputs.from} onChange={set('from')} />
        </div>
        <div className="field">
          <label htmlFor="visitors-until">{t('visits.until')}</label>
          <input
            id="visitors-until"
            type="datetime-local"
            value={inputs.until}
            aria-invalid={windowError || undefined}
            aria-describedby={windowError ? 'visitors-window-error' : undefined}
            onChange={set('until')}
          />
          {windowError && (
            <p className="field-error" id="visitors-window-error">
              {t('visits.windowError')}
            </p>
          )}
        </div>
        <button type="submit" className="primary">
          {t('visits.show')}
        </button>
      </form>
      <p className="actions">
        <button type="button" disabled={exportList.isPending} onClick={() => exportList.mutate({ filter, format: 'csv' })}>
          {t('lists.exportVisitors')}
        </button>
        <button type="button" disabled={exportList.isPending} onClick={() => exportList.mutate({ filter, format: 'xlsx' })}>
          {t('lists.exportVisitorsXlsx')}
        </button>
      </p>
      <ExportError error={exportList.error} />
      <ErrorNotice error={visitors.error} />
      {visitors.data?.items.length === 0 && <p className="empty">{t('visits.none')}</p>}
      {visitors.data && visitors.data.items.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t('lists.visitors')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('visits.time')}</th>
                <th scope="col">{t('visits.visitor')}</th>
                <th scope="col">{t('lists.colourNow')}</th>
                <th scope="col">{t('lists.vaccination')}</th>
                <th scope="col">{t('lists.latestTest')}</th>
                <th scope="col">{t('lists.latestDeclaration')}</th>
              </tr>
            </thead>
            <tbody>
              {visitors.data.items.map((visitor) => (
                <tr key={visitor.visit_id}>
                  <td>
                    {dateTime(visitor.entered_at)}
                    <br />
                    <span className="muted">{visitor.checkpoint_name}</span>
                  </td>
                  <td>
                    {visitor.folded_name}
                    <br />
                    <span className="muted">
                      {visitor.document_masked} · {visitor.staff ? t('lists.whoStaff') : t('lists.whoVisitor')}
                    </span>
                    <br />
                    <span className="muted">
                      {t('lists.atEntry')} <StatusBadge colour={visitor.colour_at_entry} />
                    </span>
                  </td>
                  {visitor.status ? (
                    <>
                      <td>
                        <ColourCell status={visitor.status} />
                      </td>
                      <td>
                        <VaccinationCell status={visitor.status} />
                      </td>
                      <td>
                        <TestCell status={visitor.status} />
                      </td>
                      <td>
                        <DeclarationCell status={visitor.status} />
                      </td>
                    </>
                  ) : (
                    <td colSpan={4}>{t('visits.unknownPerson')}</td>
                  )}
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
        {visitors.data?.next_cursor && (
          <button type="button" onClick={() => setCursors([...cursors, visitors.data.next_cursor ?? ''])}>
            {t('common.next')}
          </button>
        )}
      </p>
    </>
  );
}
