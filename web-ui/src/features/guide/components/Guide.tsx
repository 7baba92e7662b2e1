// A short user guide per role, the reader's own role first and open.
import { useI18n } from '@/lib/i18n';
import type { Role } from '@/lib/session';

const roles: Role[] = ['resident', 'ward_officer', 'organization_admin', 'checkpoint_staff', 'health_officer', 'city_admin'];

export function Guide({ role }: { role: Role | null }) {
  const { t } = useI18n();
  const ordered = role ? [role, ...roles.filter((other) => other !== role)] : roles;
  return (
    <section aria-labelledby="guide-title">
      <h1 id="guide-title">{t('guide.title')}</h1>
      <p>{t('guide.intro')}</p>
      {ordered.map((each) => (
        <details key={each} open={each === role} className="panel guide-role">
          <summary>{t(`role.${each}`)}</summary>
          <ol>
            {t(`guide.${each}`)
              .split('\n')
              .map((step) => (
                <li key={step}>{step}</li>
              ))}
          </ol>
        </details>
      ))}
    </section>
  );
}
