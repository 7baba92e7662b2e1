// A checkpoint's poster: the location QR printed 19.4 × 19.4 cm (print CSS),
// the area's name and what a visitor does, printed with the browser. The
// image carries the API's quiet zone of four modules a side; a location URL
// needs at least a version 3 code (29 modules of 37 with the quiet zone), so
// the modules themselves span at least 19.4 × 29 / 37 = 15.2 cm.
import { ErrorNotice } from '@/components/ErrorNotice';
import { QrImage } from '@/components/QrImage';
import { useI18n } from '@/lib/i18n';
import { useCheckpoint, useOrganization } from '../api/organizations';

function PosterBody({ checkpointId, organizationId, name }: { checkpointId: string; organizationId: string; name: string }) {
  const { t } = useI18n();
  const organization = useOrganization(organizationId);
  return (
    <article className="poster" aria-label={t('poster.title')}>
      <p className="poster-org">{organization.data?.name ?? ''}</p>
      <h2 className="poster-area">{name}</h2>
      <QrImage path={`/api/v1/checkpoints/${checkpointId}/location-qr.svg`} alt={t('poster.qrAlt', { name })} className="poster-qr" />
      <p className="poster-call">{t('poster.call')}</p>
      <p className="poster-note">{t('poster.note')}</p>
    </article>
  );
}

export function LocationPoster({ checkpointId }: { checkpointId: string }) {
  const { t } = useI18n();
  const checkpoint = useCheckpoint(checkpointId);
  if (checkpoint.error) return <ErrorNotice error={checkpoint.error} />;
  if (!checkpoint.data) return <p aria-busy="true">{t('common.loading')}</p>;
  return (
    <>
      <div className="no-print">
        <p>{t('poster.intro')}</p>
        <button type="button" className="primary" onClick={() => window.print()}>
          {t('poster.print')}
        </button>
      </div>
      <PosterBody checkpointId={checkpointId} organizationId={checkpoint.data.organization_id} name={checkpoint.data.name} />
    </>
  );
}
