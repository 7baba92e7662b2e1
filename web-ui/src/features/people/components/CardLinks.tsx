// A ward officer texts a resident a link to their personal QR card (to the
// phone on their record), or stops every link sent before (a lost or
// shared phone), from the resident's page.
import { useState } from 'react';
import { ApiProblem } from '@/api/problem';
import { ErrorNotice } from '@/components/ErrorNotice';
import { useI18n } from '@/lib/i18n';
import type { Person } from '../api/people';
import { useRevokeCardLinks, useSendCardLink } from '../api/registrations';

function Refusal({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (error instanceof ApiProblem && error.code === 'no_phone') {
    return (
      <p className="notice notice-error" role="alert">
        {t('cardLinks.noPhone')}
      </p>
    );
  }
  return <ErrorNotice error={error} />;
}

export function CardLinks({ person }: { person: Person }) {
  const { t, dateTime } = useI18n();
  const send = useSendCardLink(person.id);
  const revoke = useRevokeCardLinks(person.id);
  const [confirming, setConfirming] = useState(false);

  return (
    <div className="card-links">
      <p>{t('cardLinks.intro')}</p>
      {!person.phone && <p className="notice">{t('cardLinks.noPhone')}</p>}
      <p className="actions">
        <button
          type="button"
          className="primary"
          disabled={send.isPending || !person.phone}
          onClick={() => {
            revoke.reset();
            send.mutate();
          }}
        >
          {t('cardLinks.send')}
        </button>
        {!confirming && (
          <button
            type="button"
            onClick={() => {
              send.reset();
              setConfirming(true);
            }}
          >
            {t('cardLinks.revoke')}
          </button>
        )}
      </p>
      {send.data && (
        <p className="notice notice-ok" role="status">
          {t('cardLinks.sent', { phone: send.data.phone_masked, when: dateTime(send.data.expires_at) })}
        </p>
      )}
      {send.error ? <Refusal error={send.error} /> : null}
      {confirming && (
        <div className="confirm" role="group" aria-label={t('cardLinks.revoke')}>
          <p>{t('cardLinks.revokeWarning')}</p>
          <button
            type="button"
            className="danger"
            disabled={revoke.isPending}
            onClick={() => revoke.mutate(undefined, { onSettled: () => setConfirming(false) })}
          >
            {t('cardLinks.revokeConfirm')}
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            {t('common.cancel')}
          </button>
        </div>
      )}
      {revoke.data && (
        <p className="notice notice-ok" role="status">
          {t('cardLinks.revoked', { count: revoke.data.revoked })}
        </p>
      )}
      <ErrorNotice error={revoke.error} />
    </div>
  );
}
