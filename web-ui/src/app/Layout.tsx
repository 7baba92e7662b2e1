// The frame of every page: the product's name, the role's pages, the
// language switch and logout; hidden when printing.
import { NavLink, Outlet, useNavigate } from 'react-router';
import { useLogout } from '@/features/auth/api/auth';
import { useI18n, type Lang } from '@/lib/i18n';
import type { MessageKey } from '@/lib/messages';
import { useSession, type Role } from '@/lib/session';

const navigation: Record<Role, { to: string; label: MessageKey }[]> = {
  resident: [{ to: '/me', label: 'nav.myInfo' }],
  ward_officer: [
    { to: '/ward', label: 'nav.ward' },
    { to: '/ward/import', label: 'nav.import' },
    { to: '/ward/cards', label: 'nav.cards' },
    { to: '/corrections', label: 'nav.corrections' },
  ],
  organization_admin: [
    { to: '/organization', label: 'nav.organization' },
    { to: '/scan', label: 'nav.scan' },
  ],
  checkpoint_staff: [{ to: '/scan', label: 'nav.scan' }],
  health_officer: [{ to: '/organizations', label: 'nav.organizations' }],
  city_admin: [
    { to: '/admin', label: 'nav.admin' },
    { to: '/ward', label: 'nav.ward' },
    { to: '/corrections', label: 'nav.corrections' },
  ],
};

export function Layout() {
  const { t, lang, setLang } = useI18n();
  const current = useSession();
  const logout = useLogout();
  const navigate = useNavigate();
  const other: Lang = lang === 'vi' ? 'en' : 'vi';

  return (
    <>
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="app-header no-print">
        <NavLink to="/" className="brand">
          {t('app.name')}
        </NavLink>
        <nav aria-label={t('nav.label')}>
          <ul>
            {current &&
              navigation[current.account.role].map((item) => (
                <li key={item.to}>
                  <NavLink to={item.to} end>
                    {t(item.label)}
                  </NavLink>
                </li>
              ))}
            <li>
              <NavLink to="/guide">{t('nav.guide')}</NavLink>
            </li>
          </ul>
        </nav>
        <div className="header-tools">
          <button type="button" lang={other} onClick={() => setLang(other)}>
            {other === 'en' ? 'English' : 'Tiếng Việt'}
          </button>
          {current && (
            <button
              type="button"
              onClick={() => logout.mutate(undefined, { onSettled: () => navigate('/login', { replace: true }) })}
            >
              {t('nav.logout', { username: current.account.username })}
            </button>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
