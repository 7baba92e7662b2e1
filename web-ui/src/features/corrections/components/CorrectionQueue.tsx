// The queue of correction requests: a ward officer's ward, or every request
// for the city, newest first, filtered by state and kind.
import { useState } from 'react';
import { Link } from 'react-router';
import { ErrorNotice } from '@/components/ErrorNotice';
import { SelectField } from '@/components/Field';
import { Pager } from '@/components/Pager';
import { useI18n } from '@/lib/i18n';
import { useCorrectionQueue, type QueueFilter } from '../api/corrections';
import { label, StateBadge } from './CorrectionSummary';

const states = ['open', 'in_progress', 'resolved', 'rejected'] as const;
const kinds = ['vaccination', 'recovery'] as const;

export function CorrectionQueue() {
  const { t, dateTime } = useI18n();
  const [filter, setFilter] = useState<QueueFilter>({ state: '', kind: '' });
  const [cursors, setCursors] = useState<string[]>([]);
  const queue = useCorrectionQueue(filter, cursors.at(-1));
  const change = (next: Partial<QueueFilter>) => {
    setFilter({ ...filter, ...next });
    setCursors([]);
  };

  return (
    <>
      <form className="filters" aria-label={t('queue.filter')} onSubmit={(event) => event.preventDefault()}>
        <SelectField id="queue-state" label={t('correction.state')} value={filter.state} onChange={(event) => change({ state: event.target.value })}>
          <option value="">{t('queue.allStates')}</option>
          {states.map((state) => (
            <option key={state} value={state}>
              {t(`correction.state.${state}`)}
            </option>
          ))}
        </SelectField>
        <SelectField id="queue-kind" label={t('correction.kind')} value={filter.kind} onChange={(event) => change({ kind: event.target.value })}>
          <option value="">{t('queue.allKinds')}</option>
          {kinds.map((kind) => (
            <option key={kind} value={kind}>
              {t(`correction.kind.${kind}`)}
            </option>
          ))}
        </SelectField>
      </form>
      <ErrorNotice error={queue.error} />
      {!queue.data && !queue.error && <p aria-busy="true">{t('common.loading')}</p>}
      {queue.data?.items.length === 0 && <p className="empty">{t('queue.none')}</p>}
      {queue.data && queue.data.items.length > 0 && (
        <ul className="cards queue" aria-label={t('queue.title')}>
          {queue.data.items.map((correction) => (
            <li key={correction.id} className="card">
              <p className="queue-who">
                <Link to={`/corrections/${correction.id}`}>{correction.person_full_name}</Link>{' '}
                <span className="muted">{correction.person_document_number_masked}</span>
              </p>
              <p className="queue-what">
                <StateBadge state={correction.state} /> {label(t, 'correction.kind', correction.kind)} ·{' '}
                <time dateTime={correction.created_at}>{dateTime(correction.created_at)}</time>
              </p>
              <p className="queue-description">{correction.description}</p>
            </li>
          ))}
        </ul>
      )}
      <Pager cursors={cursors} next={queue.data?.next_cursor} onChange={setCursors} />
    </>
  );
}
