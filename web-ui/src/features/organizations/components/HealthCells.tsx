// A person's status now as the organization's lists show it: colour,
// vaccination, latest test and latest health declaration, each in words.
import { StatusBadge } from '@/components/Status';
import { useI18n } from '@/lib/i18n';
import type { HealthSummary } from '../api/organizations';

export function VaccinationCell({ status }: { status: HealthSummary }) {
  const { t, date } = useI18n();
  if (!status.doses) return <>{t('lists.noDoses')}</>;
  return (
    <>
      {t('lists.doses', { doses: status.doses })}
      {status.last_dose_vaccine ? ` · ${status.last_dose_vaccine}` : ''}
      {status.last_dose_on ? ` · ${date(status.last_dose_on)}` : ''}
    </>
  );
}

export function TestCell({ status }: { status: HealthSummary }) {
  const { t, dateTime } = useI18n();
  if (!status.latest_test_at) return <>{t('records.none')}</>;
  const kind = status.latest_test_kind === 'pcr' ? 'PCR' : t('records.rapidTest');
  const result = status.latest_test_result === 'positive' ? t('records.positive') : t('records.negative');
  return (
    <>
      {kind} {result} · {dateTime(status.latest_test_at)}
    </>
  );
}

export function DeclarationCell({ status }: { status: HealthSummary }) {
  const { t, dateTime } = useI18n();
  if (!status.latest_declaration_at) return <>{t('records.none')}</>;
  const symptoms = status.latest_declaration_symptoms.length ? status.latest_declaration_symptoms.join(', ') : t('records.noSymptoms');
  return (
    <>
      {dateTime(status.latest_declaration_at)} · {symptoms}
      {status.latest_declaration_contact_with_case ? ` · ${t('records.contact')}` : ''}
    </>
  );
}

// Limitation: the lists' status carries the reason in English only, so it reads in English on the Vietnamese page too.
export function ColourCell({ status }: { status: HealthSummary }) {
  return (
    <>
      <StatusBadge colour={status.colour} /> <span className="muted">{status.reason}</span>
    </>
  );
}
