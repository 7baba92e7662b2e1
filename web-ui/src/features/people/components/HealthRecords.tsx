// Every health record of a person: doses, recoveries, tests and health
// declarations, oldest first as the API gives them.
import { ErrorNotice } from '@/components/ErrorNotice';
import { isMessageKey, useI18n } from '@/lib/i18n';
import { useHealthRecords, useVaccines } from '../api/people';

export function HealthRecords({ personId }: { personId: string }) {
  const { t, date, dateTime } = useI18n();
  const records = useHealthRecords(personId);
  const vaccines = useVaccines();
  if (records.error) return <ErrorNotice error={records.error} />;
  if (!records.data) return <p aria-busy="true">{t('common.loading')}</p>;

  // Symptoms are the form's codes or the person's words: codes get their label.
  const symptom = (text: string) => {
    const key = `declaration.symptom.${text}`;
    return isMessageKey(key) ? t(key) : text;
  };
  const vaccineName = (code: string) => vaccines.data?.find((vaccine) => vaccine.code === code)?.name ?? code;
  const { vaccinations, recoveries, test_results, health_declarations } = records.data;
  return (
    <div className="records">
      <section aria-labelledby="vaccinations-title">
        <h3 id="vaccinations-title">{t('records.vaccinations')}</h3>
        {vaccinations.length === 0 ? (
          <p className="empty">{t('records.noVaccinations')}</p>
        ) : (
          <ul>
            {vaccinations.map((dose) => (
              <li key={dose.id}>
                {t('records.dose', { number: dose.dose_number, vaccine: vaccineName(dose.vaccine_code) })}
                {' · '}
                {date(dose.administered_on)}
                {dose.place ? ` · ${dose.place}` : ''}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="recoveries-title">
        <h3 id="recoveries-title">{t('records.recoveries')}</h3>
        {recoveries.length === 0 ? (
          <p className="empty">{t('records.none')}</p>
        ) : (
          <ul>
            {recoveries.map((recovery) => (
              <li key={recovery.id}>
                {t('records.recovery', { positive: date(recovery.positive_on), recovered: date(recovery.recovered_on) })}
                {recovery.certificate_number ? ` · ${t('records.certificate')} ${recovery.certificate_number}` : ''}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="tests-title">
        <h3 id="tests-title">{t('records.tests')}</h3>
        {test_results.length === 0 ? (
          <p className="empty">{t('records.none')}</p>
        ) : (
          <ul>
            {test_results.map((test) => (
              <li key={test.id}>
                {test.kind === 'pcr' ? 'PCR' : t('records.rapidTest')} · {dateTime(test.sampled_at)} ·{' '}
                {test.result === 'positive' ? t('records.positive') : t('records.negative')}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="declarations-title">
        <h3 id="declarations-title">{t('records.declarations')}</h3>
        {health_declarations.length === 0 ? (
          <p className="empty">{t('records.none')}</p>
        ) : (
          <ul>
            {health_declarations.map((declaration) => (
              <li key={declaration.id}>
                {dateTime(declaration.declared_at)} ·{' '}
                {declaration.symptoms.length ? declaration.symptoms.map(symptom).join(', ') : t('records.noSymptoms')}
                {declaration.contact_with_case ? ` · ${t('records.contact')}` : ''}
                {declaration.recent_travel ? ` · ${t('records.travel')}` : ''}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
