// A ward office's bulk work: residents from a CSV file, and card sheets for
// the residents on the print list. A ward officer works for their ward; the
// city administrator picks one.
import { useState, type ReactNode } from 'react';
import { SelectField } from '@/components/Field';
import { useWards } from '@/features/people/api/people';
import { PrintCards } from '@/features/wards/components/PrintCards';
import { ResidentImport } from '@/features/wards/components/ResidentImport';
import { useI18n } from '@/lib/i18n';
import { useSession } from '@/lib/session';

/** The officer's own ward, or for the city a ward to pick. */
function ForWard({ children }: { children: (wardCode: string) => ReactNode }) {
  const { t } = useI18n();
  const own = useSession()?.account.ward_code;
  const wards = useWards();
  const [picked, setPicked] = useState('');
  if (own) return <>{children(own)}</>;
  return (
    <>
      <SelectField id="ward-pick" label={t('person.ward')} value={picked} onChange={(event) => setPicked(event.target.value)}>
        <option value="">{t('personForm.chooseWard')}</option>
        {wards.data?.map((ward) => (
          <option key={ward.code} value={ward.code}>
            {ward.name}
          </option>
        ))}
      </SelectField>
      {picked && children(picked)}
    </>
  );
}

export function WardImportPage() {
  const { t } = useI18n();
  return (
    <div className="page">
      <h1>{t('import.title')}</h1>
      <ForWard>{(wardCode) => <ResidentImport key={wardCode} wardCode={wardCode} />}</ForWard>
    </div>
  );
}

export function WardCardsPage() {
  const { t } = useI18n();
  return (
    <div className="page">
      <h1>{t('batch.title')}</h1>
      <p>{t('batch.intro')}</p>
      <ForWard>{(wardCode) => <PrintCards key={wardCode} wardCode={wardCode} />}</ForWard>
    </div>
  );
}
