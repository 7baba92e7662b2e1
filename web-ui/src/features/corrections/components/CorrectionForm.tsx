// Filing a correction request for a person: vaccination data (which the
// national vaccination portal holds, so the request is routed there) or
// recovery status (which the ward issues). Checked before sending; the
// API's field errors land beside the fields.
import { zodResolver } from '@hookform/resolvers/zod';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { ErrorNotice } from '@/components/ErrorNotice';
import { SelectField, TextAreaField, TextField } from '@/components/Field';
import { PANDEMIC_START, todayInCity } from '@/lib/dates';
import { showFieldErrors } from '@/lib/forms';
import { useI18n } from '@/lib/i18n';
import { useFileCorrection, useVaccineCatalogue, type CorrectionInput } from '../api/corrections';

const isoDate = /^\d{4}-\d{2}-\d{2}$/;
const text = (max: number) => z.string().trim().max(max, 'validation.tooLong');

const schema = z
  .object({
    kind: z.enum(['vaccination', 'recovery']),
    description: z.string().trim().min(1, 'validation.required').max(1000, 'validation.tooLong'),
    vaccination: z.object({
      vaccine_code: z.string(),
      dose_number: z.string().trim(),
      administered_on: z.string(),
      place: text(200),
      lot: text(50),
    }),
    recovery: z.object({
      positive_on: z.string(),
      recovered_on: z.string(),
      certificate_number: text(50),
    }),
  })
  .superRefine((form, context) => {
    // Only the chosen kind's details are sent, so only they are checked.
    const date = (value: string, path: string[]) => {
      if (!value) return;
      const message = !isoDate.test(value)
        ? 'validation.date'
        : value > todayInCity()
          ? 'validation.future'
          : value < PANDEMIC_START
            ? 'validation.beforePandemic'
            : null;
      if (message) context.addIssue({ code: 'custom', path, message });
    };
    if (form.kind === 'vaccination') {
      const dose = form.vaccination.dose_number;
      if (dose && !(/^\d+$/.test(dose) && Number(dose) >= 1 && Number(dose) <= 10)) {
        context.addIssue({ code: 'custom', path: ['vaccination', 'dose_number'], message: 'validation.doseNumber' });
      }
      date(form.vaccination.administered_on, ['vaccination', 'administered_on']);
    } else {
      const { positive_on, recovered_on } = form.recovery;
      date(positive_on, ['recovery', 'positive_on']);
      date(recovered_on, ['recovery', 'recovered_on']);
      if (positive_on && recovered_on && recovered_on < positive_on) {
        context.addIssue({ code: 'custom', path: ['recovery', 'recovered_on'], message: 'validation.recoveryOrder' });
      }
    }
  });
type Form = z.infer<typeof schema>;

const fields = [
  'kind',
  'description',
  'vaccination.vaccine_code',
  'vaccination.dose_number',
  'vaccination.administered_on',
  'vaccination.place',
  'vaccination.lot',
  'recovery.positive_on',
  'recovery.recovered_on',
  'recovery.certificate_number',
] as const;

const blank: Form = {
  kind: 'vaccination',
  description: '',
  vaccination: { vaccine_code: '', dose_number: '', administered_on: '', place: '', lot: '' },
  recovery: { positive_on: '', recovered_on: '', certificate_number: '' },
};

/** The request as the API takes it: the chosen kind's details, empty fields absent. */
function toInput(form: Form): CorrectionInput {
  const given = (value: string) => value || null;
  if (form.kind === 'vaccination') {
    const { vaccine_code, dose_number, administered_on, place, lot } = form.vaccination;
    return {
      kind: 'vaccination',
      description: form.description,
      vaccination: {
        vaccine_code: given(vaccine_code),
        dose_number: dose_number ? Number(dose_number) : null,
        administered_on: given(administered_on),
        place: given(place),
        lot: given(lot),
      },
    };
  }
  const { positive_on, recovered_on, certificate_number } = form.recovery;
  return {
    kind: 'recovery',
    description: form.description,
    recovery: { positive_on: given(positive_on), recovered_on: given(recovered_on), certificate_number: given(certificate_number) },
  };
}

export function CorrectionForm({ personId }: { personId: string }) {
  const { t } = useI18n();
  const file = useFileCorrection(personId);
  const vaccines = useVaccineCatalogue();
  const form = useForm<Form>({ resolver: zodResolver(schema), defaultValues: blank });
  const errors = form.formState.errors;
  const kind = form.watch('kind');
  const today = todayInCity();

  const submit = form.handleSubmit((values) =>
    file.mutate(toInput(values), {
      onSuccess: () => form.reset(blank),
      onError: (error) => showFieldErrors(error, form.setError, fields),
    }),
  );
  const unmatched = file.error && !Object.keys(errors).length ? file.error : null;

  return (
    <form onSubmit={submit} noValidate aria-label={t('correction.new')}>
      <fieldset>
        <legend>{t('correction.whatWrong')}</legend>
        {(['vaccination', 'recovery'] as const).map((each) => (
          <div key={each} className="choice-block">
            <label className="choice">
              <input type="radio" value={each} aria-describedby={`correction-kind-${each}-hint`} {...form.register('kind')} />
              <strong>{t(`correction.kind.${each}`)}</strong>
            </label>
            <p className="hint" id={`correction-kind-${each}-hint`}>
              {t(`correction.kindHint.${each}`)}
            </p>
          </div>
        ))}
      </fieldset>
      <TextAreaField
        id="correction-description"
        label={t('correction.description')}
        hint={t('correction.descriptionHint')}
        maxLength={1000}
        error={errors.description?.message}
        {...form.register('description')}
      />
      {kind === 'vaccination' ? (
        <fieldset>
          <legend>{t('correction.shouldSay')}</legend>
          <p className="hint">{t('correction.shouldSayHint')}</p>
          <SelectField id="correction-vaccine" label={t('correction.vaccine')} error={errors.vaccination?.vaccine_code?.message} {...form.register('vaccination.vaccine_code')}>
            <option value="">{t('correction.vaccineUnknown')}</option>
            {vaccines.data?.map((vaccine) => (
              <option key={vaccine.code} value={vaccine.code}>
                {vaccine.name}
              </option>
            ))}
          </SelectField>
          <TextField
            id="correction-dose"
            label={t('correction.doseNumber')}
            inputMode="numeric"
            error={errors.vaccination?.dose_number?.message}
            {...form.register('vaccination.dose_number')}
          />
          <TextField
            id="correction-administered"
            type="date"
            max={today}
            label={t('correction.administeredOn')}
            error={errors.vaccination?.administered_on?.message}
            {...form.register('vaccination.administered_on')}
          />
          <TextField id="correction-place" label={t('correction.place')} error={errors.vaccination?.place?.message} {...form.register('vaccination.place')} />
          <TextField id="correction-lot" label={t('correction.lot')} error={errors.vaccination?.lot?.message} {...form.register('vaccination.lot')} />
        </fieldset>
      ) : (
        <fieldset>
          <legend>{t('correction.shouldSay')}</legend>
          <p className="hint">{t('correction.recoveryHint')}</p>
          <TextField
            id="correction-positive"
            type="date"
            max={today}
            label={t('recovery.positiveOn')}
            error={errors.recovery?.positive_on?.message}
            {...form.register('recovery.positive_on')}
          />
          <TextField
            id="correction-recovered"
            type="date"
            max={today}
            label={t('recovery.recoveredOn')}
            error={errors.recovery?.recovered_on?.message}
            {...form.register('recovery.recovered_on')}
          />
          <TextField
            id="correction-certificate"
            label={t('recovery.certificate')}
            error={errors.recovery?.certificate_number?.message}
            {...form.register('recovery.certificate_number')}
          />
        </fieldset>
      )}
      {file.isSuccess && (
        <p className="notice notice-ok" role="status">
          {t('correction.filedNotice')}
        </p>
      )}
      <ErrorNotice error={unmatched} />
      <button type="submit" className="primary" disabled={file.isPending}>
        {t('correction.submit')}
      </button>
    </form>
  );
}
