// A ward office creates many residents at once from a CSV file: the file is
// checked here first (its columns, its size), then sent; the answer shows
// each refused row by its line with why, and who was created, ready to have
// their cards printed.
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ApiProblem, type FieldError } from '@/api/problem';
import { ErrorNotice } from '@/components/ErrorNotice';
import { TextField } from '@/components/Field';
import { saveBlob } from '@/lib/download';
import { isMessageKey, useI18n } from '@/lib/i18n';
import type { MessageKey } from '@/lib/messages';
import { useImportResidents, type ImportMode, type ImportReport } from '../api/wards';
import { checkResidentFile, TEMPLATE, type FileProblem, type ResidentFile } from '../csv';
import { printBatch, usePrintBatch } from '../printBatch';

/** The column names of the file as the reader knows them. */
const columnLabels: Record<string, MessageKey> = {
  document_kind: 'person.documentKind',
  document_number: 'person.document',
  full_name: 'person.fullName',
  birth_date: 'person.birthDate',
  gender: 'person.gender',
  phone: 'person.phone',
  health_insurance_number: 'import.insurance',
  address: 'person.address',
  ward_code: 'person.ward',
  row: 'import.row',
};

interface RowErrors {
  line: number;
  errors: FieldError[];
}

/** What came back: the API's report, or the rows an all-or-nothing import refused (and so created nobody). */
type Outcome = { report: ImportReport } | { refused: RowErrors[] };

/** An all-or-nothing refusal names its failures `line.<n>.<field>`: back into rows. */
function refusedRows(error: ApiProblem): RowErrors[] | null {
  const rows = new Map<number, FieldError[]>();
  for (const fieldError of error.fieldErrors) {
    const match = /^line\.(\d+)\.(.+)$/.exec(fieldError.field);
    if (!match) return null;
    const line = Number(match[1]);
    rows.set(line, [...(rows.get(line) ?? []), { ...fieldError, field: match[2] ?? '' }]);
  }
  return rows.size ? [...rows].map(([line, errors]) => ({ line, errors })) : null;
}

function Reason({ error }: { error: FieldError }) {
  const { t } = useI18n();
  const column = columnLabels[error.field];
  const key = `apiField.${error.code}`;
  // The API's own words, less the line it repeats, for the codes the UI does not know.
  const text = isMessageKey(key) ? t(key) : error.message.replace(/^line \d+: /, '');
  return (
    <li>
      {column ? <strong>{t(column)}: </strong> : null}
      {text}
    </li>
  );
}

function RejectedTable({ rows, file }: { rows: RowErrors[]; file: ResidentFile | null }) {
  const { t } = useI18n();
  return (
    <div className="table-wrap">
      <table className="import-rejected">
        <caption>{t('import.rejectedTitle')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('import.line')}</th>
            <th scope="col">{t('person.fullName')}</th>
            <th scope="col">{t('import.reason')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.line}>
              <th scope="row">{row.line}</th>
              <td>{file?.names.get(row.line) ?? ''}</td>
              <td>
                <ul className="reasons">
                  {row.errors.map((error, index) => (
                    <Reason key={index} error={error} />
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Created({ report, file }: { report: ImportReport; file: ResidentFile | null }) {
  const { t } = useI18n();
  const batch = usePrintBatch();
  const entries = report.created.map((row) => ({ personId: row.person_id, name: file?.names.get(row.line) ?? `#${row.line}` }));
  const listed = entries.every((entry) => batch.some((each) => each.personId === entry.personId));
  if (entries.length === 0) return null;
  return (
    <>
      <p className="actions">
        <button type="button" className="primary" disabled={listed} onClick={() => printBatch.add(entries)}>
          {t('import.addToBatch', { count: entries.length })}
        </button>
        {listed && <Link to="/ward/cards">{t('batch.open', { count: batch.length })}</Link>}
      </p>
      <div className="table-wrap">
        <table className="import-created">
          <caption>{t('import.createdTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('import.line')}</th>
              <th scope="col">{t('person.fullName')}</th>
            </tr>
          </thead>
          <tbody>
            {report.created.map((row) => (
              <tr key={row.person_id}>
                <th scope="row">{row.line}</th>
                <td>
                  <Link to={`/people/${row.person_id}`}>{file?.names.get(row.line) || t('import.openRecord')}</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function problemText(problem: FileProblem, t: ReturnType<typeof useI18n>['t']): string {
  switch (problem.key) {
    case 'validation.missingColumns':
    case 'validation.unknownColumns':
      return t(problem.key, { columns: problem.columns });
    case 'validation.tooManyRows':
      return t(problem.key, { max: problem.max });
    default:
      return t(problem.key);
  }
}

export function ResidentImport({ wardCode }: { wardCode: string }) {
  const { t } = useI18n();
  const upload = useImportResidents(wardCode);
  const [chosen, setChosen] = useState<File | null>(null);
  const [mode, setMode] = useState<ImportMode>('all_or_nothing');
  const [fileError, setFileError] = useState<string | null>(null);
  const [file, setFile] = useState<ResidentFile | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setOutcome(null);
    if (!chosen) {
      setFileError(t('validation.fileRequired'));
      return;
    }
    const csv = await chosen.text();
    const checked = checkResidentFile(csv);
    if ('problem' in checked) {
      setFileError(problemText(checked.problem, t));
      return;
    }
    setFileError(null);
    setFile(checked.file);
    upload.mutate(
      { csv, mode },
      {
        onSuccess: (report) => setOutcome({ report }),
        onError: (error) => {
          if (!(error instanceof ApiProblem)) return;
          const refused = refusedRows(error);
          if (refused) {
            setOutcome({ refused });
            return;
          }
          // The file as a whole (its encoding, its columns) belongs beside the file field.
          const onFile = error.fieldErrors.find((fieldError) => fieldError.field === 'file');
          if (onFile) setFileError(onFile.message);
        },
      },
    );
  };
  const shownElsewhere = Boolean(fileError) || (outcome !== null && 'refused' in outcome);

  return (
    <>
      <form onSubmit={(event) => void submit(event)} noValidate aria-label={t('import.title')}>
        <p>{t('import.intro')}</p>
        <p>
          <button type="button" onClick={() => saveBlob(new Blob([TEMPLATE], { type: 'text/csv' }), 'residents-template.csv')}>
            {t('import.template')}
          </button>
        </p>
        <TextField
          id="import-file"
          type="file"
          accept=".csv,text/csv"
          label={t('import.file')}
          hint={t('import.fileHint')}
          error={fileError ?? undefined}
          onChange={(event) => {
            setChosen(event.target.files?.[0] ?? null);
            setFileError(null);
          }}
        />
        <fieldset className="purpose">
          <legend>{t('import.mode')}</legend>
          {(['all_or_nothing', 'good_rows'] as const).map((each) => (
            <label key={each} className="choice">
              <input type="radio" name="import-mode" value={each} checked={mode === each} onChange={() => setMode(each)} />
              {t(`import.mode.${each}`)}
            </label>
          ))}
        </fieldset>
        {!shownElsewhere && <ErrorNotice error={upload.error} />}
        <button type="submit" className="primary" disabled={upload.isPending}>
          {upload.isPending ? t('import.sending') : t('import.submit')}
        </button>
      </form>
      {outcome && (
        <section aria-labelledby="import-result" className="import-result">
          <h2 id="import-result">{t('import.result')}</h2>
          {'refused' in outcome ? (
            <>
              <p className="notice notice-error" role="alert">
                {t('import.noneCreated', { count: outcome.refused.length })}
              </p>
              <RejectedTable rows={outcome.refused} file={file} />
            </>
          ) : (
            <>
              <p className="notice notice-ok" role="status">
                {t('import.summary', { created: outcome.report.created.length, rejected: outcome.report.rejected.length })}
              </p>
              {outcome.report.rejected.length > 0 && <RejectedTable rows={outcome.report.rejected} file={file} />}
              <Created report={outcome.report} file={file} />
            </>
          )}
        </section>
      )}
    </>
  );
}
