// The city's export of vaccination correction requests for the national
// vaccination portal: a CSV fetched with the access token and saved.
import { useState } from 'react';
import { ErrorNotice } from '@/components/ErrorNotice';
import { SelectField } from '@/components/Field';
import { useI18n } from '@/lib/i18n';
import { useExportCorrections } from '../api/corrections';

const states = ['open', 'in_progress', 'resolved', 'rejected'] as const;

export function PortalExport() {
  const { t } = useI18n();
  const [state, setState] = useState<string>('open');
  const download = useExportCorrections();
  return (
    <>
      <p>{t('export.intro')}</p>
      <form
        className="filters"
        aria-label={t('export.title')}
        onSubmit={(event) => {
          event.preventDefault();
          download.mutate(state);
        }}
      >
        <SelectField id="export-state" label={t('correction.state')} value={state} onChange={(event) => setState(event.target.value)}>
          {states.map((each) => (
            <option key={each} value={each}>
              {t(`correction.state.${each}`)}
            </option>
          ))}
        </SelectField>
        <button type="submit" disabled={download.isPending}>
          {t('export.download')}
        </button>
      </form>
      {download.isSuccess && (
        <p className="notice notice-ok" role="status">
          {t('export.done')}
        </p>
      )}
      <ErrorNotice error={download.error} />
    </>
  );
}
