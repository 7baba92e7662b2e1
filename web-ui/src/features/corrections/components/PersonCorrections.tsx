// A person's correction requests, newest first, each with where it stands,
// every change so far and any record its resolution removed, as the person
// (or their ward office) follows them.
import { useState } from 'react';
import { Link } from 'react-router';
import { ErrorNotice } from '@/components/ErrorNotice';
import { useI18n } from '@/lib/i18n';
import { usePersonCorrections } from '../api/corrections';
import { CorrectionDetails, CorrectionHistory } from './CorrectionSummary';
import { RemovedRecordDetails } from './RecordRemoval';
import { Pager } from '@/components/Pager';

export function PersonCorrections({ personId, linkToQueue = false }: { personId: string; linkToQueue?: boolean }) {
  const { t } = useI18n();
  const [cursors, setCursors] = useState<string[]>([]);
  const list = usePersonCorrections(personId, cursors.at(-1));

  return (
    <>
      <ErrorNotice error={list.error} />
      {!list.data && !list.error && <p aria-busy="true">{t('common.loading')}</p>}
      {list.data?.items.length === 0 && <p className="empty">{t('correction.none')}</p>}
      <ul className="cards">
        {list.data?.items.map((correction) => (
          <li key={correction.id} className="card correction">
            <CorrectionDetails correction={correction} />
            <RemovedRecordDetails correction={correction} heading="h3" />
            <h3>{t('correction.history')}</h3>
            <CorrectionHistory correction={correction} />
            {linkToQueue && (
              <p>
                <Link to={`/corrections/${correction.id}`}>{t('correction.handle')}</Link>
              </p>
            )}
          </li>
        ))}
      </ul>
      <Pager cursors={cursors} next={list.data?.next_cursor} onChange={setCursors} />
    </>
  );
}
