// The personal QR, large, in the colour of the status now, with the reason
// in words: the screen a resident shows at a gate.
import type { ReactNode } from 'react';
import { ErrorNotice } from '@/components/ErrorNotice';
import { QrImage } from '@/components/QrImage';
import { colourLabel } from '@/components/Status';
import { useI18n } from '@/lib/i18n';
import type { Schemas } from '@/api/client';
import { usePersonalQr } from '../api/people';

/** A QR image framed in the status colour, the colour and reason written beneath. */
export function QrFigure({ status, image, className }: { status: Schemas['StatusView']; image: ReactNode; className?: string }) {
  const { t, reason, dateTime } = useI18n();
  const green = status.colour === 'green';
  return (
    <figure className={`personal-qr ${green ? 'qr-green' : 'qr-black'} ${className ?? ''}`} data-colour={status.colour}>
      <div className="qr-frame">{image}</div>
      <figcaption>
        <strong className="qr-colour">{colourLabel(status.colour, t)}</strong>
        <span className="qr-reason">{reason(status)}</span>
        {status.valid_until && <span className="qr-until">{t('qr.until', { when: dateTime(status.valid_until) })}</span>}
      </figcaption>
    </figure>
  );
}

export function PersonalQr({ personId }: { personId: string }) {
  const { t } = useI18n();
  const qr = usePersonalQr(personId);
  if (qr.error) return <ErrorNotice error={qr.error} />;
  if (!qr.data) return <p aria-busy="true">{t('common.loading')}</p>;
  return (
    <QrFigure
      status={qr.data.status}
      image={<QrImage path={`/api/v1/people/${personId}/qr.png?size=600`} alt={t('qr.alt')} className="qr-image" />}
    />
  );
}
