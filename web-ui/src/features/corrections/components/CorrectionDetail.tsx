// One correction request as its handler sees it: the person, what they
// asked, the history, and the form that moves it on (open, in progress,
// resolved or rejected, or a note), which for a recovery request can record
// the recovery it asks for.
import { zodResolver } from '@hookform/resolvers/zod';
import { useForm } from 'react-hook-form';
import { Link } from 'react-router';
import { z } from 'zod';
import { ApiProblem } from '@/api/problem';
import { ErrorNotice } from '@/components/ErrorNotice';
import { TextAreaField } from '@/components/Field';
import { showFieldErrors } from '@/lib/forms';
import { isMessageKey, useI18n } from '@/lib/i18n';
import type { Account } from '@/lib/session';
import { useCorrection, useTransition, type Correction } from '../api/corrections';
import { CorrectionDetails, CorrectionHistory } from './CorrectionSummary';

/** Who may move a request on, as the API decides it: the city any, a ward officer their ward's recovery requests. */
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
  })
  .superRefine((form, context) => {
    if ((form.to === 'rejected' || form.to === NOTE_ONLY) && !form.note) {
      context.addIssue({ code: 'custom', path: ['note'], message: 'validation.noteRequired' });
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
  const form = useForm<Form>({ resolver: zodResolver(schema), defaultValues: { to: '', note: '', record_recovery: recordable } });
  const errors = form.formState.errors;
  const to = form.watch('to');
  const options = [...(nextStates[correction.state] ?? []), NOTE_ONLY];

  const submit = form.handleSubmit((values) =>
    move.mutate(
      {
        to: values.to === NOTE_ONLY ? null : values.to,
        note: values.note || null,
        record_recovery: values.to === 'resolved' && correction.kind === 'recovery' && values.record_recovery,
      },
      {
        onSuccess: () => form.reset({ to: '', note: '', record_recovery: recordable }),
        onError: (error) => {
          if (error instanceof ApiProblem && stale.includes(error.code)) onStale();
          showFieldErrors(error, form.setError, ['to', 'note', 'record_recovery']);
        },
      },
    ),
  );
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
      <button type="submit" className="primary" disabled={move.isPending}>
        {t('transition.submit')}
      </button>
    </form>
  );
}

export function CorrectionDetail({ id, account }: { id: string; account: Account }) {
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
      <section aria-labelledby="correction-history">
        <h2 id="correction-history">{t('correction.history')}</h2>
        <CorrectionHistory correction={request} />
      </section>
      <section aria-labelledby="correction-handle">
        <h2 id="correction-handle">{t('transition.title')}</h2>
        {move.isSuccess && (
          <p className="notice notice-ok" role="status">
            {move.variables.record_recovery ? t('transition.recovered') : t('transition.saved')}
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
