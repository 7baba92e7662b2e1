// "Những nơi tôi đã vào": the resident's recent visits and those of the
// people they declared for, newest first, each with who, where, how they
// came in and when they left (or leave by themselves, while still there).
import { useState } from 'react';
import { ErrorNotice } from '@/components/ErrorNotice';
import { colourLabel } from '@/components/Status';
import { isMessageKey, useI18n } from '@/lib/i18n';
import { useOwnVisits, type OwnVisit } from '../api/visits';

function Visit({ item }: { item: OwnVisit }) {
  const { t, dateTime } = useI18n();
  const { visit } = item;
  const method = `myVisits.method.${item.method}`;
  return (
    <li className="own-visit" data-open={item.open}>
      <p>
        <strong>{visit.folded_name}</strong> · {item.organization_name} · {visit.checkpoint_name}
      </p>
      <p>
        <time dateTime={visit.entered_at}>{dateTime(visit.entered_at)}</time> ({isMessageKey(method) ? t(method) : item.method},{' '}
        {colourLabel(item.colour, t)})
      </p>
      <p className={item.open ? 'notice' : 'muted'}>
        {item.open
          ? t('myVisits.open', { time: dateTime(visit.ends_at) })
          : t('myVisits.left', { time: dateTime(visit.exited_at ?? visit.ends_at) })}
      </p>
    </li>
  );
}

export function MyVisits() {
  const { t } = useI18n();
  const [cursors, setCursors] = useState<string[]>([]);
  const visits = useOwnVisits(cursors.at(-1));
  const next = visits.data?.next_cursor;

  return (
    <>
      <p>{t('myVisits.intro')}</p>
      <ErrorNotice error={visits.error} />
      {!visits.data && !visits.error && <p aria-busy="true">{t('common.loading')}</p>}
      {visits.data?.items.length === 0 && <p className="empty">{t('myVisits.none')}</p>}
      {visits.data && visits.data.items.length > 0 && (
        <ol className="own-visits" aria-label={t('myVisits.title')}>
          {visits.data.items.map((item) => (
            <Visit key={item.visit.visit_id} item={item} />
          ))}
        </ol>
      )}
      <p className="actions">
        {cursors.length > 0 && (
          <button type="button" onClick={() => setCursors(cursors.slice(0, -1))}>
            {t('common.previous')}
          </button>
        )}
        {next && (
          <button type="button" onClick={() => setCursors([...cursors, next])}>
            {t('common.next')}
          </button>
        )}
      </p>
    </>
  );
}
