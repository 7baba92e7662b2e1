// The page a card link from an SMS opens: `/card#<secret>`. The secret sits
// in the address's fragment, which a browser never sends to any server, and
// goes to the API only in the body of `POST /cards/open`. The page shows the
// personal QR large in its colour with the reason, and prints the card.
//
// Limitation: the address, fragment included, stays in the history of the
// browser that opened it, so whoever holds that phone can open the card
// until the link expires or the ward office revokes the person's links.
import { Link, useLocation } from 'react-router';
import { ApiProblem } from '@/api/problem';
import { ErrorNotice } from '@/components/ErrorNotice';
import { useI18n } from '@/lib/i18n';
import { useCard, type Card } from '../api/registrations';
import { QrFigure } from './PersonalQr';
import { CardFace, PrintIntro } from './PrintCard';

/** The card's code as an image, from the SVG the API rendered. */
function svgSource(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

function CardView({ card }: { card: Card }) {
  const { t, dateTime } = useI18n();
  const source = svgSource(card.qr_svg);
  return (
    <>
      <div className="no-print">
        <p className="card-owner">
          <strong>{card.full_name}</strong>
          <span>{card.document_number_masked}</span>
          <span>{card.ward_name}</span>
        </p>
        <QrFigure status={card.qr.status} image={<img src={source} alt={t('qr.alt')} className="qr-image" />} />
        <p className="hint">{t('card.linkUntil', { when: dateTime(card.link_expires_at) })}</p>
        <h2>{t('card.title')}</h2>
      </div>
      <PrintIntro />
      <CardFace
        qr={<img src={source} alt={t('qr.alt')} className="card-qr" />}
        name={card.full_name}
        document={card.document_number_masked}
        ward={card.ward_name}
      />
    </>
  );
}

export function CardPage() {
  const { t } = useI18n();
  const { hash } = useLocation();
  const secret = hash.replace(/^#/, '').trim();
  const card = useCard(secret);
  const gone = card.error instanceof ApiProblem && card.error.status === 404;

  return (
    <section className="card-page" aria-labelledby="card-page-title">
      <h1 id="card-page-title" className="no-print">
        {t('cardPage.title')}
      </h1>
      {!secret && (
        <p className="notice notice-error" role="alert">
          {t('cardPage.noSecret')}
        </p>
      )}
      {gone && (
        <div className="notice notice-error" role="alert">
          <p>{t('cardPage.gone')}</p>
          <p>
            <Link to="/register-sms">{t('sms.link')}</Link>
          </p>
        </div>
      )}
      {!gone && <ErrorNotice error={card.error} />}
      {secret && card.isPending && <p aria-busy="true">{t('common.loading')}</p>}
      {card.data && <CardView card={card.data} />}
    </section>
  );
}
