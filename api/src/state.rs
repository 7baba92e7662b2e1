//! What every request handler shares: the database, the token issuer, the
//! QR signing keys and the settings. Nothing in it changes per request, so
//! any number of replicas can serve the same clients.

use crate::auth::TokenIssuer;
use crate::batch::Batcher;
use crate::config::Settings;
use crate::db::Db;
use crate::limits::{LoginLimiter, RegistrationLimiter};
use crate::qr::keys::KeyRing;
use crate::routes::scans::{ScanJob, Scanned};

pub struct AppState {
    pub db: Db,
    pub tokens: TokenIssuer,
    pub keys: KeyRing,
    pub settings: Settings,
    /// Failed-login counters; per process, see `limits`.
    pub login_limiter: LoginLimiter,
    /// Registrations refused as already registered; per process, see `limits`.
    pub registration_limiter: RegistrationLimiter,
    /// The queue in front of the threads that record scans in batches.
    pub scans: Batcher<ScanJob, Scanned>,
}
