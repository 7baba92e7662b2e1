// Registration by SMS, for a person with only a feature phone (often helped
// by a relative or at the ward office): their details and phone number, then
// the six-digit code the phone received, then word that the link to their
// card went out by SMS. No account is made and no password chosen.
import { zodResolver } from '@hookform/resolvers/zod';
import { useEffect, useRef, useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { ApiProblem } from '@/api/problem';
import { ErrorNotice } from '@/components/ErrorNotice';
import { TextField } from '@/components/Field';
import { showFieldErrors } from '@/lib/forms';
import { useI18n } from '@/lib/i18n';
import type { MessageKey } from '@/lib/messages';
import { useWards, type PersonInput } from '../api/people';
import { useConfirmSmsCode, useRequestSmsCode, type ConfirmedRegistration, type SmsRegistration } from '../api/registrations';
import { PersonFieldset } from './PersonFieldset';
import { emptyPerson, personFields, smsPersonSchema, toPersonInput, type PersonForm } from './personSchema';

type Step =
  | { at: 'details' }
  | { at: 'code'; person: PersonInput; registration: SmsRegistration }
  | { at: 'done'; confirmed: ConfirmedRegistration };

/** A heading that takes the focus when its step appears, so a screen reader follows along. */
function StepHeading({ children }: { children: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <h2 ref={heading} tabIndex={-1}>
      {children}
    </h2>
  );
}

/** The API's refusal of a code request (429 above all), in the reader's words. */
function RequestRefusal({ error }: { error: unknown }) {
  const { t, dateTime } = useI18n();
  if (!(error instanceof ApiProblem) || error.status !== 429) return <ErrorNotice error={error} />;
  const seconds = error.retryAfterSeconds;
  const when = seconds === null ? null : { when: dateTime(new Date(Date.now() + seconds * 1000).toISOString()), minutes: Math.max(1, Math.ceil(seconds / 60)) };
  const what = error.code === 'too_many_codes_for_phone' ? t('sms.tooManyForPhone') : t('sms.tooManyFromAddress');
  return (
    <p className="notice notice-error" role="alert">
      {what} {when ? t('sms.tryAt', when) : t('sms.tryLater')}
    </p>
  );
}

function DetailsStep({ initial, onSent }: { initial: PersonForm; onSent: (person: PersonInput, registration: SmsRegistration, values: PersonForm) => void }) {
  const { t } = useI18n();
  const wards = useWards();
  const request = useRequestSmsCode();
  const form = useForm<PersonForm>({ resolver: zodResolver(smsPersonSchema), defaultValues: initial });
  const errors = form.formState.errors;
  const submit = form.handleSubmit((values) => {
    const person = toPersonInput(values);
    request.mutate(person, {
      onSuccess: (registration) => onSent(person, registration, values),
      onError: (error) => showFieldErrors(error, form.setError, personFields, 'person.'),
    });
  });
  const onField = request.error instanceof ApiProblem && request.error.fieldErrors.some((error) => error.field.startsWith('person.'));

  return (
    <form onSubmit={submit} noValidate aria-label={t('sms.detailsTitle')}>
      <StepHeading>{t('sms.detailsTitle')}</StepHeading>
      <PersonFieldset
        register={(name) => form.register(name)}
        errors={Object.fromEntries(personFields.map((name) => [name, errors[name]?.message]))}
        wards={wards.data}
        phoneRequired
      />
      {request.error && !onField ? <RequestRefusal error={request.error} /> : null}
      <button type="submit" className="primary" disabled={request.isPending}>
        {request.isPending ? t('sms.sending') : t('sms.sendCode')}
      </button>
    </form>
  );
}

const codeSchema = z.object({
  code: z
    .string()
    .transform((value) => value.replace(/\s/g, ''))
    .pipe(z.string().regex(/^\d{6}$/, 'validation.smsCode')),
});
type CodeInput = z.input<typeof codeSchema>;
type CodeOutput = z.output<typeof codeSchema>;

/** Refusals after which this code can no longer work, and what to tell: a new one must be requested. */
const spent: Record<string, MessageKey> = {
  code_expired: 'sms.expired',
  attempts_exhausted: 'sms.exhausted',
  not_found: 'sms.unknownRegistration',
};

function CodeStep({
  person,
  registration,
  onConfirmed,
  onResent,
  onEdit,
}: {
  person: PersonInput;
  registration: SmsRegistration;
  onConfirmed: (confirmed: ConfirmedRegistration) => void;
  onResent: (registration: SmsRegistration) => void;
  onEdit: () => void;
}) {
  const { t, dateTime } = useI18n();
  const confirm = useConfirmSmsCode();
  const resend = useRequestSmsCode();
  // Wrong codes so far for this code; the API counts them too, and says how many are left only in words.
  const [wrong, setWrong] = useState(0);
  const form = useForm<CodeInput, unknown, CodeOutput>({ resolver: zodResolver(codeSchema), defaultValues: { code: '' } });
  const attemptsLeft = registration.attempts_allowed - wrong;

  const submit = form.handleSubmit(({ code }) =>
    confirm.mutate(
      { id: registration.id, code },
      {
        onSuccess: onConfirmed,
        onError: (error) => {
          if (error instanceof ApiProblem && error.code === 'wrong_code') {
            const left = attemptsLeft - 1;
            setWrong((count) => count + 1);
            form.setError('code', { type: 'server', message: left > 0 ? t('sms.wrongCode', { left }) : t('sms.noAttemptsLeft') });
          }
        },
      },
    ),
  );
  const sendAgain = () =>
    resend.mutate(person, {
      onSuccess: (next) => {
        setWrong(0);
        confirm.reset();
        form.reset();
        onResent(next);
      },
    });

  const code = confirm.error instanceof ApiProblem ? confirm.error.code : null;
  const spentBecause: MessageKey | null = (code ? spent[code] : undefined) ?? (attemptsLeft <= 0 ? 'sms.exhausted' : null);
  const mustResend = spentBecause !== null;

  return (
    <div>
      <StepHeading>{t('sms.codeTitle')}</StepHeading>
      <p role="status">{t('sms.codeSent', { phone: registration.phone_masked, when: dateTime(registration.expires_at) })}</p>
      {resend.isSuccess && <p className="notice notice-ok">{t('sms.resent')}</p>}
      {spentBecause ? (
        <p className="notice notice-error" role="alert">
          {t(spentBecause)}
        </p>
      ) : (
        <form onSubmit={submit} noValidate aria-label={t('sms.codeTitle')}>
          <TextField
            id="sms-code"
            label={t('sms.codeLabel')}
            hint={t('sms.codeHint')}
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={7}
            error={form.formState.errors.code?.message}
            {...form.register('code')}
          />
          <ConfirmRefusal error={code === 'wrong_code' ? null : confirm.error} />
          <button type="submit" className="primary" disabled={confirm.isPending}>
            {t('sms.confirm')}
          </button>
        </form>
      )}
      <p className="actions">
        <button type="button" onClick={sendAgain} disabled={resend.isPending} className={mustResend ? 'primary' : undefined}>
          {mustResend ? t('sms.newCode') : t('sms.resend')}
        </button>
        <button type="button" onClick={onEdit}>
          {t('sms.edit')}
        </button>
      </p>
      {resend.error ? <RequestRefusal error={resend.error} /> : null}
    </div>
  );
}

/** A refusal of the code other than a wrong one, in the reader's words. */
function ConfirmRefusal({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!(error instanceof ApiProblem)) return <ErrorNotice error={error} />;
  const known: Record<string, string> = {
    already_confirmed: t('sms.alreadyConfirmed'),
    duplicate_document: t('sms.duplicateDocument'),
  };
  const text = known[error.code];
  if (!text) return <ErrorNotice error={error} />;
  return (
    <p className="notice notice-error" role="alert">
      {text}
    </p>
  );
}

function DoneStep({ confirmed }: { confirmed: ConfirmedRegistration }) {
  const { t, dateTime } = useI18n();
  return (
    <div>
      <StepHeading>{t('sms.doneTitle')}</StepHeading>
      <p className="notice notice-ok" role="status">
        {t('sms.linkSent', { phone: confirmed.phone_masked })}
      </p>
      {confirmed.existing_person && <p>{t('sms.existingPerson')}</p>}
      <p>{t('sms.openLink', { when: dateTime(confirmed.card_link_expires_at) })}</p>
      <p>{t('sms.noSmartphone')}</p>
    </div>
  );
}

export function SmsRegistration() {
  const [step, setStep] = useState<Step>({ at: 'details' });
  // What was typed, so that "change the details" does not start from nothing.
  const [values, setValues] = useState<PersonForm>(() => emptyPerson());

  if (step.at === 'done') return <DoneStep confirmed={step.confirmed} />;
  if (step.at === 'code') {
    return (
      <CodeStep
        person={step.person}
        registration={step.registration}
        onConfirmed={(confirmed) => setStep({ at: 'done', confirmed })}
        onResent={(registration) => setStep({ ...step, registration })}
        onEdit={() => setStep({ at: 'details' })}
      />
    );
  }
  return (
    <DetailsStep
      initial={values}
      onSent={(person, registration, typed) => {
        setValues(typed);
        setStep({ at: 'code', person, registration });
      }}
    />
  );
}
