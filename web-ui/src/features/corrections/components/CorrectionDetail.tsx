// One correction request as its handler sees it: the person, what they
// asked, the history, and the form that moves it on (open, in progress,
// resolved or rejected, or a note). Resolving can remove the wrongly
// recorded dose or recovery the request is about and, for a recovery
// request, record the recovery it asks for, in the same step.
import { zodResolver } from '@hookform/resolvers/zod';
import type { ReactNode } from 'react';
import { useForm } from 'react-hook-form';
import { Link } from 'react-router';
import { z } from 'zod';
import { ApiProblem } from '@/api/problem';
import { ErrorNotice } from '@/components/ErrorNotice';
import { TextAreaField } from '@/components/Field';
import { showFieldErrors } from '@/lib/forms';
import { isMessageKey, useI18n } from '@/lib/i18n';
import type { Account } from '@/lib/session';
import { recordGone, useCorrection, useTransition, type Correction } from '../api/corrections';
import { CorrectionDetails, CorrectionHistory } from './CorrectionSummary';
import { NO_REMOVAL, RemovalChoice, RemovedRecordDetails } from './RecordRemoval';

/**
 * Who may move a request on, as the API decides it: the city any, a ward
 * officer their ward's recovery requests. Whoever may resolve a request may
 * also remove the record it is about, so only the city removes a dose; the
 * API still refuses a ward officer whose resident has moved to another ward.
 */
export function mayHandle(account: Account, correction: Correction): boolean {
  if (account.role === 'city_admin') return true;
  return account.role === 'ward_officer' && correction.kind === 'recovery' && account.ward_code === correction.ward_code;
}

const NOTE_ONLY = 'note';
const nextStates: Record<string, string[]> = {
  open: ['in_progress', 'resolved', 'rejected'],
  in_progress: ['resolved', 'rejected'],
};

const schema = z
  .object({
    to: z.string().min(1, 'validation.chooseState'),
    note: z.string().trim().max(1000, 'validation.tooLong'),
    record_recovery: z.boolean(),
    remove_record_id: z.string(),
  })
  .superRefine((form, context) => {
    if ((form.to === 'rejected' || form.to === NOTE_ONLY) && !form.note) {
      context.addIssue({ code: 'custom', path: ['note'], message: 'validation.noteRequired' });
    }
    // The person reads in the history why a record of theirs was removed.
    if (form.to === 'resolved' && form.remove_record_id !== NO_REMOVAL && !form.note) {
      context.addIssue({ code: 'custom', path: ['note'], message: 'validation.removalNote' });
    }
  });
type Form = z.infer<typeof schema>;

/** The refusals that mean someone else moved the request meanwhile. */
const stale = ['invalid_transition', 'request_closed', 'state_changed'];

type Move = ReturnType<typeof useTransition>;

function TransitionForm({ correction, move, onStale }: { correction: Correction; move: Move; onStale: () => void }) {
  const { t } = useI18n();
  const say = (message: string) => (isMessageKey(message) ? t(message) : message);
  const recovery = correction.recovery;
  const recordable = correction.kind === 'recovery' && Boolean(recovery?.positive_on && recovery.recovered_on);
  const blank: Form = { to: '', note: '', record_recovery: recordable, remove_record_id: NO_REMOVAL };
  const form = useForm<Form>({ resolver: zodResolver(schema), defaultValues: blank });
  const errors = form.formState.errors;
  const to = form.watch('to');
  const recording = correction.kind === 'recovery' && form.watch('record_recovery');
  const picked = form.watch('remove_record_id');
  const removing = to === 'resolved' && picked !== NO_REMOVAL;
  const options = [...(nextStates[correction.state] ?? []), NOTE_ONLY];

  const submit = form.handleSubmit((values) => {
    const resolving = values.to === 'resolved';
    move.mutate(
      {
        to: values.to === NOTE_ONLY ? null : values.to,
        note: values.note || null,
        record_recovery: resolving && correction.kind === 'recovery' && values.record_recovery,
        ...(resolving && values.remove_record_id !== NO_REMOVAL ? { remove_record_id: values.remove_record_id } : {}),
      },
      {
        onSuccess: () => form.reset(blank),
        onError: (error) => {
          if (error instanceof ApiProblem && stale.includes(error.code)) onStale();
          if (recordGone(error)) {
            // The list is read again without it: nothing stays picked.
            form.setValue('remove_record_id', NO_REMOVAL);
          }
          if (error instanceof ApiProblem && error.code === 'record_already_removed') {
            form.setError('remove_record_id', { type: 'server', message: 'removal.alreadyRemoved' });
          } else if (error instanceof ApiProblem && error.status === 403 && resolving && values.remove_record_id !== NO_REMOVAL) {
            form.setError('remove_record_id', { type: 'server', message: 'removal.forbidden' });
          }
          showFieldErrors(error, form.setError, ['to', 'note', 'record_recovery', 'remove_record_id']);
        },
      },
    );
  });
  const staleError = move.error instanceof ApiProblem && stale.includes(move.error.code);
  const shown = Object.keys(errors).length > 0;

  return (
    <form onSubmit={submit} noValidate aria-label={t('transition.title')}>
      <fieldset aria-describedby={errors.to ? 'transition-to-error' : undefined}>
        <legend>{t('transition.to')}</legend>
        {options.map((option) => (
          <label key={option} className="choice">
            <input type="radio" value={option} {...form.register('to')} />
            {option === NOTE_ONLY ? t('transition.noteOnly') : t(`transition.to.${option as 'in_progress' | 'resolved' | 'rejected'}`)}
          </label>
        ))}
        {errors.to?.message && (
          <p className="field-error" id="transition-to-error">
            {say(errors.to.message)}
          </p>
        )}
      </fieldset>
      {/* The wrong record first, then the right one recorded in its place. */}
      {to === 'resolved' && (
        <RemovalChoice
          correction={correction}
          field={form.register('remove_record_id')}
          chosen={removing ? picked : NO_REMOVAL}
          error={errors.remove_record_id?.message}
          replacing={recording}
        />
      )}
      {to === 'resolved' && correction.kind === 'recovery' && (
        <div className="field">
          <label className="check">
            <input type="checkbox" disabled={!recordable} aria-describedby="record-recovery-hint" {...form.register('record_recovery')} />
            {t('transition.recordRecovery')}
          </label>
          <p className="hint" id="record-recovery-hint">
            {recordable ? t('transition.recordRecoveryHint') : t('transition.recordRecoveryMissing')}
          </p>
          {errors.record_recovery?.message && <p className="field-error">{say(errors.record_recovery.message)}</p>}
        </div>
      )}
      <TextAreaField
        id="transition-note"
        label={t('transition.note')}
        hint={t('transition.noteHint')}
        maxLength={1000}
        error={errors.note?.message}
        {...form.register('note')}
      />
      {staleError ? (
        <p className="notice notice-error" role="alert">
          {t('transition.stale')}
        </p>
      ) : (
        !shown && <ErrorNotice error={move.error} />
      )}
      <button type="submit" className={removing ? 'danger' : 'primary'} disabled={move.isPending}>
        {removing ? t('removal.submit') : t('transition.submit')}
      </button>
    </form>
  );
}

/** What the handler is told once the move is saved. */
function savedMessage(body: { record_recovery?: boolean; remove_record_id?: string | null }) {
  if (body.remove_record_id) return body.record_recovery ? 'removal.doneReplaced' : 'removal.done';
  return body.record_recovery ? 'transition.recovered' : 'transition.saved';
}

/**
 * `reprint` is what the handler can do about the person's card once a
 * removal revoked their codes: the app puts the ward's print list there.
 */
export function CorrectionDetail({ id, account, reprint }: { id: string; account: Account; reprint?: (correction: Correction) => ReactNode }) {
  const { t } = useI18n();
  const correction = useCorrection(id);
  const move = useTransition(id);
  if (correction.error) return <ErrorNotice error={correction.error} />;
  if (!correction.data) return <p aria-busy="true">{t('common.loading')}</p>;
  const request = correction.data;
  const closed = request.state === 'resolved' || request.state === 'rejected';

  return (
    <>
      <p className="queue-who">
        <Link to={`/people/${request.person_id}`}>{request.person_full_name}</Link>{' '}
        <span className="muted">{request.person_document_number_masked}</span>
      </p>
      <CorrectionDetails correction={request} />
      <RemovedRecordDetails correction={request} heading="h2" action={reprint?.(request)} />
      <section aria-labelledby="correction-history">
        <h2 id="correction-history">{t('correction.history')}</h2>
        <CorrectionHistory correction={request} />
      </section>
      <section aria-labelledby="correction-handle">
        <h2 id="correction-handle">{t('transition.title')}</h2>
        {move.isSuccess && (
          <p className="notice notice-ok" role="status">
            {t(savedMessage(move.variables))}
          </p>
        )}
        {!mayHandle(account, request) ? (
          <p className="notice">{request.kind === 'vaccination' ? t('transition.portalOnly') : t('transition.notYours')}</p>
        ) : closed ? (
          <p className="notice">{t('transition.closed')}</p>
        ) : (
          <TransitionForm correction={request} move={move} onStale={() => void correction.refetch()} />
        )}
      </section>
    </>
  );
}
