// The people a resident declared for ("khai hộ"), each with a link to their
// own QR and records.
import { Link } from 'react-router';
import { ErrorNotice } from '@/components/ErrorNotice';
import { useI18n } from '@/lib/i18n';
import { useDeclaredPeople } from '../api/people';

export function DeclaredPeople({ personId }: { personId: string }) {
  const { t } = useI18n();
  const declared = useDeclaredPeople(personId);
  if (declared.error) return <ErrorNotice error={declared.error} />;
  if (!declared.data) return <p aria-busy="true">{t('common.loading')}</p>;
  if (declared.data.length === 0) return <p className="empty">{t('declared.none')}</p>;
  return (
    <ul className="link-list">
      {declared.data.map((person) => (
        <li key={person.id}>
          <Link to={`/people/${person.id}`}>{person.full_name}</Link>{' '}
          <span className="muted">{person.document_number_masked}</span>
        </li>
      ))}
    </ul>
  );
}
