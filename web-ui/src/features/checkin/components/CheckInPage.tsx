// The page a location QR opens: which organization and area the poster
// belongs to, whether the code is still in force, and for a logged-in
// resident one button that checks in, the confirmation with the place, the
// time and the colour the API decided, and the button that checks out. A
// visit still open here (the resident's or a relative's, from before a
// reload or a staff scan) is found again from the API, so it can be checked
// out after the page was closed.
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { Link } from 'react-router';
import { ApiProblem } from '@/api/problem';
import { ErrorNotice, errorText } from '@/components/ErrorNotice';
import { colourLabel } from '@/components/Status';
import { useI18n } from '@/lib/i18n';
import { newIdempotencyKey } from '@/lib/ids';
import type { Account } from '@/lib/session';
import {
  openVisitsKey,
  useCheckIn,
  useCheckOut,
  useDeclaredForCheckIn,
  useOpenVisitsHere,
  type CheckIn,
  type OwnVisit,
  type VisitRange,
} from '../api/checkin';
import { useLocationCode } from '../api/location';

type T = ReturnType<typeof useI18n>['t'];

function checkInError(error: unknown, t: T): string {
  if (error instanceof ApiProblem) {
    if (error.code === 'location_code_replaced') return t('checkin.replaced');
    if (error.status === 404) return t('checkin.unknown');
    if (error.status === 403) return t('checkin.residentsOnly');
    if (error.status === 401) return t('checkin.sessionEnded');
  }
  return errorText(error, t);
}

function checkOutError(error: unknown, t: T): string {
  if (error instanceof ApiProblem) {
    if (error.code === 'visit_ended') return t('checkin.alreadyEnded');
    if (error.status === 404) return t('checkin.visitUnknown');
    if (error.status === 401) return t('checkin.sessionEnded');
  }
  return errorText(error, t);
}

function Confirmation({ answer, ended }: { answer: CheckIn; ended: VisitRange | null }) {
  const { t, reason, dateTime } = useI18n();
  const green = answer.colour === 'green';
  const visit = ended ?? answer.visit;
  return (
    <div className={`checkin-done ${green ? 'checkin-green' : 'checkin-black'}`} data-colour={answer.colour} role="status">
      <p className="checkin-done-title">{ended ? t('checkin.checkedOut') : t('checkin.checkedIn')}</p>
      <p className="checkin-who">{visit.folded_name}</p>
      <p className="checkin-colour">
        <strong>{colourLabel(answer.colour, t)}</strong> <span>{reason(answer)}</span>
      </p>
      <dl className="checkin-facts">
        <dt>{t('checkin.place')}</dt>
        <dd>
          {answer.organization_name} · {visit.checkpoint_name}
        </dd>
        <dt>{t('checkin.enteredAt')}</dt>
        <dd data-testid="entered-at">{dateTime(visit.entered_at)}</dd>
        {visit.exited_at ? (
          <>
            <dt>{t('checkin.exitedAt')}</dt>
            <dd data-testid="exited-at">{dateTime(visit.exited_at)}</dd>
          </>
        ) : (
          <>
            <dt>{t('checkin.endsAt')}</dt>
            <dd>{dateTime(visit.ends_at)}</dd>
          </>
        )}
      </dl>
      {answer.replayed && !ended ? <p>{t('checkin.replayed')}</p> : null}
    </div>
  );
}

/** An open visit found here, shown as the answer of its check-in. */
function asCheckIn(found: OwnVisit): CheckIn {
  return {
    visit: found.visit,
    organization_name: found.organization_name,
    colour: found.colour,
    reason: found.reason,
    reason_vi: found.reason_vi,
    replayed: false,
  };
}

function ResidentCheckIn({
  code,
  checkpointId,
  placeName,
  account,
}: {
  code: string;
  checkpointId: string;
  placeName: string;
  account: Account;
}) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const key = useRef(newIdempotencyKey());
  const declared = useDeclaredForCheckIn(account.person_id);
  const openHere = useOpenVisitsHere(checkpointId);
  const [personId, setPersonId] = useState<string | null>(null);
  const checkIn = useCheckIn(code);
  const checkOut = useCheckOut();
  const [ended, setEnded] = useState<VisitRange | null>(null);
  const [endedElsewhere, setEndedElsewhere] = useState(false);
  // Visits this page is done with: checked out here, or set aside to check
  // someone else in.
  const [dismissed, setDismissed] = useState<string[]>([]);

  const found = openHere.data?.items.find((item) => !dismissed.includes(item.visit.visit_id));
  const answer = checkIn.data ?? (found ? asCheckIn(found) : undefined);
  const startOver = () => {
    if (answer) setDismissed([...dismissed, answer.visit.visit_id]);
    key.current = newIdempotencyKey();
    setEnded(null);
    setEndedElsewhere(false);
    checkOut.reset();
    checkIn.reset();
    void queryClient.invalidateQueries({ queryKey: openVisitsKey(checkpointId) });
  };

  // Until the open visits are known, a second check-in would be a guess.
  if (openHere.isPending) return <p aria-busy="true">{t('common.loading')}</p>;
  if (!answer) {
    return (
      <>
        {declared.data && declared.data.length > 0 ? (
          <fieldset className="checkin-who-choice">
            <legend>{t('checkin.who')}</legend>
            <label>
              <input
                type="radio"
                name="checkin-person"
                checked={personId === null}
                onChange={() => {
                  setPersonId(null);
                  key.current = newIdempotencyKey();
                }}
              />{' '}
              {t('checkin.myself')}
            </label>
            {declared.data.map((person) => (
              <label key={person.id}>
                <input
                  type="radio"
                  name="checkin-person"
                  checked={personId === person.id}
                  onChange={() => {
                    setPersonId(person.id);
                    key.current = newIdempotencyKey();
                  }}
                />{' '}
                {person.full_name}
              </label>
            ))}
          </fieldset>
        ) : null}
        {checkIn.error ? (
          <p className="notice notice-error" role="alert">
            {checkInError(checkIn.error, t)}
          </p>
        ) : null}
        <button
          type="button"
          className="primary checkin-button"
          disabled={checkIn.isPending}
          onClick={() => checkIn.mutate({ idempotencyKey: key.current, personId })}
        >
          {checkIn.isPending ? t('checkin.checkingIn') : t('checkin.button', { place: placeName })}
        </button>
        <p className="muted">{t('checkin.orShowQr')}</p>
        <Link className="button" to="/me">
          {t('checkin.myQr')}
        </Link>
      </>
    );
  }

  const open = !ended && !endedElsewhere;
  return (
    <>
      <Confirmation answer={answer} ended={ended} />
      {checkOut.error ? (
        <p className="notice notice-error" role="alert">
          {checkOutError(checkOut.error, t)}
        </p>
      ) : null}
      {open ? (
        <button
          type="button"
          className="checkin-button checkout-button"
          disabled={checkOut.isPending}
          onClick={() =>
            checkOut.mutate(answer.visit.visit_id, {
              onSuccess: setEnded,
              onError: (error) => {
                if (error instanceof ApiProblem && error.code === 'visit_ended') setEndedElsewhere(true);
              },
            })
          }
        >
          {checkOut.isPending ? t('checkin.checkingOut') : t('checkin.checkOut')}
        </button>
      ) : (
        <button
          type="button"
          className="primary"
          onClick={startOver}
        >
          {t('checkin.again')}
        </button>
      )}
      {open && !checkIn.data ? (
        <button type="button" onClick={startOver}>
          {t('checkin.someoneElse')}
        </button>
      ) : null}
    </>
  );
}

export function CheckInPage({ code, account }: { code: string; account: Account | null }) {
  const { t } = useI18n();
  const location = useLocationCode(code);

  if (location.error instanceof ApiProblem && location.error.status === 404) {
    return (
      <section className="narrow">
        <h1>{t('checkin.title')}</h1>
        <p className="notice notice-error" role="alert">
          {t('checkin.unknown')}
        </p>
      </section>
    );
  }
  if (location.error) return <ErrorNotice error={location.error} />;
  if (!location.data) return <p aria-busy="true">{t('common.loading')}</p>;

  const place = location.data;
  return (
    <section className="narrow checkin" aria-labelledby="checkin-title">
      <h1 id="checkin-title">{t('checkin.title')}</h1>
      <p className="checkin-org">{place.organization_name}</p>
      <p className="checkin-area">{place.checkpoint_name}</p>
      {!place.active ? (
        <p className="notice notice-error" role="alert">
          {t('checkin.replaced')}
        </p>
      ) : account?.role === 'resident' ? (
        <ResidentCheckIn code={code} checkpointId={place.checkpoint_id} placeName={place.checkpoint_name} account={account} />
      ) : account ? (
        <p className="notice">{t('checkin.residentsOnly')}</p>
      ) : (
        <>
          <p className="notice">{t('checkin.loginFirst')}</p>
          <Link className="button primary checkin-button" to={`/login?next=${encodeURIComponent(`/check-in/${code}`)}`}>
            {t('login.submit')}
          </Link>
          <p className="muted">{t('checkin.noAccount')}</p>
        </>
      )}
    </section>
  );
}
