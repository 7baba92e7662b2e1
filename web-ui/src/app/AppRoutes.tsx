// Every page and who may open it. Pages are composed here from the
// features, which never import one another.
import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation, useNavigate, useParams } from 'react-router';
import { PurposeGate } from '@/components/PurposeGate';
import { LoginPage } from '@/features/auth/components/LoginPage';
import { useI18n } from '@/lib/i18n';
import { useSession, type Role } from '@/lib/session';
import { Layout } from './Layout';

// Each role's pages load when first opened, so that the first load carries
// the login page and the frame only.
const AdminHome = lazy(() => import('./routes/AdminHome').then((m) => ({ default: m.AdminHome })));
const MyInfo = lazy(() => import('./routes/MyInfo').then((m) => ({ default: m.MyInfo })));
const MyAccessLog = lazy(() => import('./routes/MyInfo').then((m) => ({ default: m.MyAccessLog })));
const OrganizationHome = lazy(() => import('./routes/OrganizationPages').then((m) => ({ default: m.OrganizationHome })));
const OrganizationView = lazy(() => import('./routes/OrganizationPages').then((m) => ({ default: m.OrganizationView })));
const PersonPage = lazy(() => import('./routes/PersonPage').then((m) => ({ default: m.PersonPage })));
const WardHome = lazy(() => import('./routes/WardHome').then((m) => ({ default: m.WardHome })));
const CheckInPage = lazy(() => import('@/features/checkin/components/CheckInPage').then((m) => ({ default: m.CheckInPage })));
const Guide = lazy(() => import('@/features/guide/components/Guide').then((m) => ({ default: m.Guide })));
const PrintCard = lazy(() => import('@/features/people/components/PrintCard').then((m) => ({ default: m.PrintCard })));
const LocationPoster = lazy(() => import('@/features/organizations/components/LocationPoster').then((m) => ({ default: m.LocationPoster })));
const RegistrationForm = lazy(() => import('@/features/people/components/RegistrationForm').then((m) => ({ default: m.RegistrationForm })));
const OrganizationRegistrationForm = lazy(() =>
  import('@/features/organizations/components/OrganizationRegistrationForm').then((m) => ({ default: m.OrganizationRegistrationForm })),
);
// Self-assessment (ui4).
const AssessmentPage = lazy(() => import('./routes/AssessmentPage').then((m) => ({ default: m.AssessmentPage })));
// Registration by SMS, the card its link opens, corrections and the ward's bulk work (ui5).
const SmsRegistration = lazy(() => import('@/features/people/components/SmsRegistration').then((m) => ({ default: m.SmsRegistration })));
const CardPage = lazy(() => import('@/features/people/components/CardPage').then((m) => ({ default: m.CardPage })));
const PersonCorrectionsPage = lazy(() => import('./routes/CorrectionPages').then((m) => ({ default: m.PersonCorrectionsPage })));
const CorrectionQueuePage = lazy(() => import('./routes/CorrectionPages').then((m) => ({ default: m.CorrectionQueuePage })));
const CorrectionPage = lazy(() => import('./routes/CorrectionPages').then((m) => ({ default: m.CorrectionPage })));
const WardImportPage = lazy(() => import('./routes/WardPages').then((m) => ({ default: m.WardImportPage })));
const WardCardsPage = lazy(() => import('./routes/WardPages').then((m) => ({ default: m.WardCardsPage })));
const ScannerPage = lazy(() => import('@/features/scanner/components/ScannerPage').then((m) => ({ default: m.ScannerPage })));

export const homeOf: Record<Role, string> = {
  resident: '/me',
  ward_officer: '/ward',
  organization_admin: '/organization',
  checkpoint_staff: '/scan',
  health_officer: '/organizations',
  city_admin: '/admin',
};

function RequireRole({ roles, children }: { roles: Role[]; children: ReactNode }) {
  const current = useSession();
  const location = useLocation();
  const { t } = useI18n();
  if (!current) {
    return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  }
  if (!roles.includes(current.account.role)) {
    return (
      <p className="notice notice-error" role="alert">
        {t('error.forbidden')}
      </p>
    );
  }
  return <>{children}</>;
}

function Home() {
  const current = useSession();
  return <Navigate to={current ? homeOf[current.account.role] : '/login'} replace />;
}

function NotFound() {
  const { t } = useI18n();
  return <p className="notice">{t('error.notFound')}</p>;
}

function Param({ render }: { render: (id: string) => ReactNode }) {
  const { id = '' } = useParams();
  return <>{render(id)}</>;
}

function ScanRoute() {
  const current = useSession();
  return current ? <ScannerPage account={current.account} /> : null;
}

function CheckInRoute() {
  const { code = '' } = useParams();
  const current = useSession();
  return <CheckInPage code={code} account={current?.account ?? null} />;
}

function RegisterRoute({ organization }: { organization: boolean }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const current = useSession();
  if (current) return <Navigate to={homeOf[current.account.role]} replace />;
  const done = () => navigate(organization ? '/organization' : '/me', { replace: true });
  return (
    <section className="narrow">
      <h1>{organization ? t('registerOrg.title') : t('register.title')}</h1>
      <p>{organization ? t('registerOrg.intro') : t('register.intro')}</p>
      {organization ? <OrganizationRegistrationForm onRegistered={done} /> : <RegistrationForm onRegistered={done} />}
    </section>
  );
}

function SmsRegisterRoute() {
  const { t } = useI18n();
  return (
    <section className="narrow">
      <h1>{t('sms.title')}</h1>
      <p>{t('sms.intro')}</p>
      <SmsRegistration />
    </section>
  );
}

function GuideRoute() {
  const current = useSession();
  return <Guide role={current?.account.role ?? null} />;
}

const officers: Role[] = ['ward_officer', 'city_admin', 'health_officer'];
const wardOffice: Role[] = ['ward_officer', 'city_admin'];
const organizationRoles: Role[] = ['organization_admin', 'city_admin', 'health_officer'];

function Loading({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  return <Suspense fallback={<p aria-busy="true">{t('common.loading')}</p>}>{children}</Suspense>;
}

export function AppRoutes() {
  return (
    <Routes>
      <Route element={<Loading><Layout /></Loading>}>
        <Route index element={<Home />} />
        <Route path="login" element={<LoginPage />} />
        <Route path="register" element={<RegisterRoute organization={false} />} />
        <Route path="register-organization" element={<RegisterRoute organization />} />
        <Route path="register-sms" element={<SmsRegisterRoute />} />
        <Route path="card" element={<CardPage />} />
        <Route path="guide" element={<GuideRoute />} />
        <Route path="check-in/:code" element={<CheckInRoute />} />
        <Route path="me" element={<RequireRole roles={['resident']}><MyInfo /></RequireRole>} />
        <Route path="me/access-log" element={<RequireRole roles={['resident']}><MyAccessLog /></RequireRole>} />
        <Route
          path="people/:id"
          element={<RequireRole roles={['resident', ...officers]}><PurposeGate><Param render={(id) => <PersonPage personId={id} />} /></PurposeGate></RequireRole>}
        />
        <Route
          path="people/:id/card"
          element={<RequireRole roles={['resident', ...officers]}><PurposeGate><Param render={(id) => <PrintCard personId={id} />} /></PurposeGate></RequireRole>}
        />
        <Route
          path="people/:id/corrections"
          element={<RequireRole roles={['resident', ...wardOffice]}><Param render={(id) => <PersonCorrectionsPage personId={id} />} /></RequireRole>}
        />
        <Route path="ward" element={<RequireRole roles={wardOffice}><WardHome /></RequireRole>} />
        <Route path="ward/import" element={<RequireRole roles={wardOffice}><WardImportPage /></RequireRole>} />
        <Route path="ward/cards" element={<RequireRole roles={wardOffice}><WardCardsPage /></RequireRole>} />
        <Route path="corrections" element={<RequireRole roles={wardOffice}><CorrectionQueuePage /></RequireRole>} />
        <Route path="corrections/:id" element={<RequireRole roles={wardOffice}><Param render={(id) => <CorrectionPage id={id} />} /></RequireRole>} />
        <Route path="organization" element={<RequireRole roles={['organization_admin']}><OrganizationHome /></RequireRole>} />
        {/* Self-assessment (ui4). */}
        <Route path="organization/assessment" element={<RequireRole roles={['organization_admin']}><AssessmentPage /></RequireRole>} />
        <Route path="organizations" element={<RequireRole roles={['health_officer', 'city_admin']}><AdminHome /></RequireRole>} />
        <Route
          path="organizations/:id"
          element={<RequireRole roles={organizationRoles}><PurposeGate><Param render={(id) => <OrganizationView organizationId={id} />} /></PurposeGate></RequireRole>}
        />
        <Route
          path="checkpoints/:id/poster"
          element={<RequireRole roles={organizationRoles}><Param render={(id) => <LocationPoster checkpointId={id} />} /></RequireRole>}
        />
        <Route path="scan" element={<RequireRole roles={['checkpoint_staff', 'organization_admin']}><ScanRoute /></RequireRole>} />
        <Route path="admin" element={<RequireRole roles={['city_admin']}><AdminHome /></RequireRole>} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
