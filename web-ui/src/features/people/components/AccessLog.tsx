// "Ai đã xem thông tin của tôi": a person's access ledger, newest first, each
// read with when (Ho Chi Minh City's clock), what, who and why. The person
// reads it, and so do their ward office and whoever declared for them.
import { useState } from 'react';
import { ErrorNotice } from '@/components/ErrorNotice';
import { Pager } from '@/components/Pager';
import { isMessageKey, useI18n } from '@/lib/i18n';
import { useAccessLog, type AccessEntry } from '../api/people';

function Entry({ entry }: { entry: AccessEntry }) {
  const { t, dateTime } = useI18n();
  const kind = `ledger.kind.${entry.kind}`;
  const role = `role.${entry.reader_role}`;
  const place = [entry.organization_name, entry.checkpoint_name].filter(Boolean).join(' · ');
  return (
    <li className="ledger-entry">
      <dl>
        <dt>{t('ledger.when')}</dt>
        <dd>
          <time dateTime={entry.accessed_at}>{dateTime(entry.accessed_at)}</time>
        </dd>
        <dt>{t('ledger.what')}</dt>
        <dd>{isMessageKey(kind) ? t(kind) : entry.kind}</dd>
        <dt>{t('ledger.who')}</dt>
        <dd>
          {isMessageKey(role) ? t(role) : entry.reader_role}
          {place && <span className="muted"> {t('ledger.at', { place })}</span>}
        </dd>
        <dt>{t('ledger.why')}</dt>
        <dd>{entry.purpose ?? <span className="muted">{t('ledger.noPurpose')}</span>}</dd>
      </dl>
    </li>
  );
}

/** `own` when the person reads their own ledger; otherwise their ward office or the resident who declared for them does. */
export function AccessLog({ personId, own = true }: { personId: string; own?: boolean }) {
  const { t } = useI18n();
  const [cursors, setCursors] = useState<string[]>([]);
  const log = useAccessLog(personId, cursors.at(-1));

  return (
    <>
      <ErrorNotice error={log.error} />
      {!log.data && !log.error && <p aria-busy="true">{t('common.loading')}</p>}
      {log.data?.items.length === 0 && <p className="empty">{own ? t('ledger.none') : t('ledger.noneOther')}</p>}
      {log.data && log.data.items.length > 0 && (
        <ol className="ledger" aria-label={own ? t('ledger.title') : t('ledger.titleOther')}>
          {log.data.items.map((entry) => (
            <Entry key={entry.id} entry={entry} />
          ))}
        </ol>
      )}
      <Pager cursors={cursors} next={log.data?.next_cursor} onChange={setCursors} />
    </>
  );
}
