// The organization admin's self-assessment: pick one of the city's criteria
// sets, see where it comes from and what it approximates, answer every
// criterion from its graded options, and read what the submission scored;
// below, the organization's past submissions.
import { useState, type FormEvent } from 'react';
import { ApiProblem } from '@/api/problem';
import { ErrorNotice } from '@/components/ErrorNotice';
import { SelectField } from '@/components/Field';
import { isMessageKey, useI18n } from '@/lib/i18n';
import { useAssessments, useCriteriaSet, useCriteriaSets, useSubmitAssessment, type Assessment, type Criterion } from '../api/assessments';

type Errors = Record<string, string>;

function useLevel() {
  const { t } = useI18n();
  return (level: string) => {
    const key = `assessment.level.${level}`;
    return isMessageKey(key) ? t(key) : level;
  };
}

function CriterionField({ criterion, value, error, onChange }: { criterion: Criterion; value: string | undefined; error: string | undefined; onChange: (key: string) => void }) {
  const { t } = useI18n();
  const id = `criterion-${criterion.key}`;
  return (
    <fieldset className="purpose" aria-describedby={error ? `${id}-error` : undefined}>
      <legend>
        {criterion.text}
        {criterion.unit ? ` (${criterion.unit})` : ''}
      </legend>
      {criterion.options.map((option) => (
        <label key={option.key} className="choice">
          <input type="radio" name={id} value={option.key} checked={value === option.key} onChange={() => onChange(option.key)} />
          {option.label} · {t('assessment.points', { points: option.points })}
        </label>
      ))}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </fieldset>
  );
}

function Outcome({ assessment }: { assessment: Assessment }) {
  const { t } = useI18n();
  const level = useLevel();
  return (
    <section className={`notice ${assessment.may_operate ? 'notice-ok' : 'notice-error'}`} aria-labelledby="assessment-outcome" role="status">
      <h3 id="assessment-outcome">{t('assessment.outcome')}</h3>
      <dl>
        <dt>{t('assessment.score')}</dt>
        <dd>
          {assessment.score} / {assessment.max_score} ({assessment.percent}%)
        </dd>
        <dt>{t('assessment.level')}</dt>
        <dd>{level(assessment.level)}</dd>
        <dt>{t('assessment.mayOperate')}</dt>
        <dd>{assessment.may_operate ? t('assessment.operateYes') : t('assessment.operateNo')}</dd>
        {assessment.knocked_out_by.length > 0 && (
          <>
            <dt>{t('assessment.knockedOut')}</dt>
            <dd>{assessment.knocked_out_by.join(', ')}</dd>
          </>
        )}
      </dl>
      <h4>{t('assessment.actions')}</h4>
      <ul>
        {assessment.actions.map((action) => (
          <li key={action}>{action}</li>
        ))}
      </ul>
    </section>
  );
}

function AssessmentForm({ organizationId, setId }: { organizationId: string; setId: string }) {
  const { t } = useI18n();
  const set = useCriteriaSet(setId);
  const submit = useSubmitAssessment(organizationId);
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Errors>({});

  if (set.error) return <ErrorNotice error={set.error} />;
  if (!set.data) return <p aria-busy="true">{t('common.loading')}</p>;
  const { definition } = set.data;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const missing: Errors = {};
    for (const criterion of definition.criteria) {
      if (!answers[criterion.key]) missing[criterion.key] = t('assessment.error.missing_answer');
    }
    setErrors(missing);
    if (Object.keys(missing).length) return;
    submit.mutate(
      { criteria_set_id: setId, answers },
      {
        onError: (error) => {
          if (!(error instanceof ApiProblem)) return;
          const beside: Errors = {};
          for (const fieldError of error.fieldErrors) {
            if (!fieldError.field.startsWith('answers.')) continue;
            const key = `assessment.error.${fieldError.code}`;
            beside[fieldError.field.slice('answers.'.length)] = isMessageKey(key) ? t(key) : fieldError.message;
          }
          setErrors(beside);
        },
      },
    );
  };

  const unplaced = submit.error && !Object.keys(errors).length;
  return (
    <>
      <dl>
        <dt>{t('assessment.source')}</dt>
        <dd>{set.data.source}</dd>
        <dt>{t('assessment.version')}</dt>
        <dd>{set.data.version}</dd>
        <dt>{t('assessment.direction')}</dt>
        <dd>{definition.direction === 'risk' ? t('assessment.directionRisk') : t('assessment.directionSafety')}</dd>
      </dl>
      {definition.approximations.length > 0 && (
        <details className="panel">
          <summary>{t('assessment.approximations')}</summary>
          <ul>
            {definition.approximations.map((text) => (
              <li key={text}>{text}</li>
            ))}
          </ul>
        </details>
      )}
      <form onSubmit={onSubmit} noValidate aria-label={t('assessment.form')}>
        {definition.criteria.map((criterion) => (
          <CriterionField
            key={criterion.key}
            criterion={criterion}
            value={answers[criterion.key]}
            error={errors[criterion.key]}
            onChange={(option) => setAnswers((current) => ({ ...current, [criterion.key]: option }))}
          />
        ))}
        {Object.keys(errors).length > 0 && (
          <p className="notice notice-error" role="alert">
            {t('assessment.fixErrors')}
          </p>
        )}
        {unplaced ? <ErrorNotice error={submit.error} /> : null}
        <button type="submit" className="primary" disabled={submit.isPending}>
          {t('assessment.submit')}
        </button>
      </form>
      {submit.data && <Outcome assessment={submit.data} />}
    </>
  );
}

function History({ organizationId }: { organizationId: string }) {
  const { t, dateTime } = useI18n();
  const level = useLevel();
  const history = useAssessments(organizationId);
  if (history.error) return <ErrorNotice error={history.error} />;
  if (!history.data) return <p aria-busy="true">{t('common.loading')}</p>;
  if (!history.data.items.length) return <p>{t('assessment.noHistory')}</p>;
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">{t('assessment.history')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('visits.time')}</th>
            <th scope="col">{t('assessment.set')}</th>
            <th scope="col">{t('assessment.score')}</th>
            <th scope="col">{t('assessment.level')}</th>
            <th scope="col">{t('assessment.mayOperate')}</th>
          </tr>
        </thead>
        <tbody>
          {history.data.items.map((item) => (
            <tr key={item.id}>
              <td>
                {dateTime(item.submitted_at)}
                {item.current ? ` · ${t('assessment.current')}` : ''}
              </td>
              <td>
                {item.criteria_set_code} ({item.criteria_set_version})
              </td>
              <td>
                {item.score} / {item.max_score} ({item.percent}%)
              </td>
              <td>{level(item.level)}</td>
              <td>{item.may_operate ? t('assessment.operateYes') : t('assessment.operateNo')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function SelfAssessment({ organizationId }: { organizationId: string }) {
  const { t } = useI18n();
  const sets = useCriteriaSets();
  const [setId, setSetId] = useState('');
  return (
    <>
      <ErrorNotice error={sets.error} />
      <SelectField id="assessment-set" label={t('assessment.set')} value={setId} onChange={(event) => setSetId(event.target.value)}>
        <option value="">{t('assessment.pickSet')}</option>
        {sets.data?.map((set) => (
          <option key={set.id} value={set.id}>
            {set.title} ({set.version})
          </option>
        ))}
      </SelectField>
      {setId && <AssessmentForm key={setId} organizationId={organizationId} setId={setId} />}
      <h2 id="assessment-history">{t('assessment.history')}</h2>
      <History organizationId={organizationId} />
    </>
  );
}
