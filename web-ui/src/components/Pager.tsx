// Previous and next page over the API's keyset pages: the cursors walked so
// far, the last one the page shown.
import { useI18n } from '@/lib/i18n';

export function Pager({ cursors, next, onChange }: { cursors: string[]; next: string | null | undefined; onChange: (cursors: string[]) => void }) {
  const { t } = useI18n();
  if (cursors.length === 0 && !next) return null;
  return (
    <p className="actions">
      {cursors.length > 0 && (
        <button type="button" onClick={() => onChange(cursors.slice(0, -1))}>
          {t('common.previous')}
        </button>
      )}
      {next && (
        <button type="button" onClick={() => onChange([...cursors, next])}>
          {t('common.next')}
        </button>
      )}
    </p>
  );
}
