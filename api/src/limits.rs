//! Request limits that protect the service from guessing and flooding:
//! failed logins counted per username and per client address, and refused
//! online registrations per client address, in fixed windows. The counters
//! live in the process's memory.
//!
//! Limitation: each replica counts on its own, so behind a load balancer with
//! N replicas an attacker gets up to N times the configured attempts; a shared
//! counter (in PostgreSQL or a cache) would close that gap at the cost of a
//! write per failed login.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How many keys a counter keeps before it forgets expired windows; when
/// every window is still open at that size, new keys are refused (fail
/// closed) instead of letting the map grow without bound.
const MAX_TRACKED_KEYS: usize = 100_000;

/// Failures of one key in its current window.
#[derive(Clone, Copy, Debug)]
struct Window {
    started: Instant,
    failures: u32,
}

/// Counts failures per key in fixed windows and refuses a key that reached
/// its allowance until its window ends.
#[derive(Debug)]
struct FailureCounter<K> {
    allowed: u32,
    window: Duration,
    keys: Mutex<HashMap<K, Window>>,
}

impl<K: Eq + Hash + Clone> FailureCounter<K> {
    fn new(allowed: u32, window: Duration) -> Self {
        Self {
            allowed,
            window,
            keys: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(wait)` while `key` has used up its failures in an open window.
    fn check(&self, key: &K, now: Instant) -> Result<(), Duration> {
        let keys = self.keys.lock().unwrap_or_else(PoisonError::into_inner);
        match keys.get(key) {
            Some(window) if window.failures >= self.allowed => {
                let elapsed = now.saturating_duration_since(window.started);
                if elapsed < self.window {
                    Err(self.window - elapsed)
                } else {
                    Ok(())
                }
            }
            Some(_) => Ok(()),
            None if keys.len() >= MAX_TRACKED_KEYS => {
                // Only a flood of distinct keys fills the map; count it as refused
                // until the oldest windows expire and `record_failure` prunes them.
                Err(self.window)
            }
            None => Ok(()),
        }
    }

    fn record_failure(&self, key: &K, now: Instant) {
        let mut keys = self.keys.lock().unwrap_or_else(PoisonError::into_inner);
        if keys.len() >= MAX_TRACKED_KEYS && !keys.contains_key(key) {
            let window = self.window;
            keys.retain(|_, w| now.saturating_duration_since(w.started) < window);
            if keys.len() >= MAX_TRACKED_KEYS {
                return;
            }
        }
        let entry = keys.entry(key.clone()).or_insert(Window {
            started: now,
            failures: 0,
        });
        if now.saturating_duration_since(entry.started) >= self.window {
            *entry = Window {
                started: now,
                failures: 0,
            };
        }
        entry.failures = entry.failures.saturating_add(1);
    }

    fn clear(&self, key: &K) {
        self.keys
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(key);
    }
}

/// How many failed logins a username and a client address may have per window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoginLimits {
    pub failures_per_username: u32,
    pub failures_per_address: u32,
    pub window: Duration,
}

/// Failed logins per username (against guessing one account's password)
/// and per client address (against trying one password on many accounts).
#[derive(Debug)]
pub struct LoginLimiter {
    by_username: FailureCounter<String>,
    by_address: FailureCounter<IpAddr>,
}

impl LoginLimiter {
    pub fn new(limits: LoginLimits) -> Self {
        Self {
            by_username: FailureCounter::new(limits.failures_per_username, limits.window),
            by_address: FailureCounter::new(limits.failures_per_address, limits.window),
        }
    }

    /// `Err(wait)` when this username or this address must wait before
    /// trying again; checked before the password is, so a refused attempt
    /// costs no password hashing.
    pub fn check(&self, username: &str, address: Option<IpAddr>) -> Result<(), Duration> {
        let now = Instant::now();
        let by_name = self.by_username.check(&username.to_owned(), now);
        let by_address = match address {
            Some(address) => self.by_address.check(&address, now),
            None => Ok(()),
        };
        match (by_name, by_address) {
            (Ok(()), Ok(())) => Ok(()),
            (Err(a), Err(b)) => Err(a.max(b)),
            (Err(wait), Ok(())) | (Ok(()), Err(wait)) => Err(wait),
        }
    }

    pub fn record_failure(&self, username: &str, address: Option<IpAddr>) {
        let now = Instant::now();
        self.by_username.record_failure(&username.to_owned(), now);
        if let Some(address) = address {
            self.by_address.record_failure(&address, now);
        }
    }

    /// A successful login forgets the username's failures; the address's
    /// stay, so one good account cannot reset a spraying address.
    pub fn record_success(&self, username: &str) {
        self.by_username.clear(&username.to_owned());
    }
}

/// Online registrations that named an already registered document number,
/// per client address: each such answer tells the caller that the number is
/// registered, so an address that collects too many must wait.
#[derive(Debug)]
pub struct RegistrationLimiter {
    refusals: FailureCounter<IpAddr>,
}

impl RegistrationLimiter {
    pub fn new(allowed: u32, window: Duration) -> Self {
        Self {
            refusals: FailureCounter::new(allowed, window),
        }
    }

    /// `Err(wait)` when this address must wait before registering again.
    pub fn check(&self, address: Option<IpAddr>) -> Result<(), Duration> {
        address.map_or(Ok(()), |address| {
            self.refusals.check(&address, Instant::now())
        })
    }

    pub fn record_refusal(&self, address: Option<IpAddr>) {
        if let Some(address) = address {
            self.refusals.record_failure(&address, Instant::now());
        }
    }
}

/// Whole seconds for a `Retry-After` header, at least one.
pub fn retry_after_seconds(wait: Duration) -> u64 {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    seconds.max(1)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_refused_after_its_allowance_until_the_window_ends() {
        let counter = FailureCounter::new(2, Duration::from_secs(60));
        let start = Instant::now();
        let key = "lan".to_owned();
        assert!(counter.check(&key, start).is_ok());
        counter.record_failure(&key, start);
        assert!(counter.check(&key, start).is_ok());
        counter.record_failure(&key, start + Duration::from_secs(10));
        let wait = counter
            .check(&key, start + Duration::from_secs(20))
            .unwrap_err();
        assert_eq!(wait, Duration::from_secs(40));
        assert!(counter.check(&key, start + Duration::from_secs(60)).is_ok());
        // A failure after the window starts a new one.
        counter.record_failure(&key, start + Duration::from_secs(61));
        assert!(counter.check(&key, start + Duration::from_secs(62)).is_ok());
    }

    #[test]
    fn other_keys_are_not_affected_and_clear_forgets() {
        let counter = FailureCounter::new(1, Duration::from_secs(60));
        let now = Instant::now();
        counter.record_failure(&"a".to_owned(), now);
        assert!(counter.check(&"a".to_owned(), now).is_err());
        assert!(counter.check(&"b".to_owned(), now).is_ok());
        counter.clear(&"a".to_owned());
        assert!(counter.check(&"a".to_owned(), now).is_ok());
    }

    #[test]
    fn success_clears_the_username_but_not_the_address() {
        let limiter = LoginLimiter::new(LoginLimits {
            failures_per_username: 1,
            failures_per_address: 2,
            window: Duration::from_secs(60),
        });
        let address: IpAddr = "127.0.0.1".parse().unwrap();
        limiter.record_failure("lan", Some(address));
        assert!(limiter.check("lan", Some(address)).is_err());
        limiter.record_success("lan");
        assert!(limiter.check("lan", Some(address)).is_ok());
        limiter.record_failure("mai", Some(address));
        assert!(limiter.check("hoa", Some(address)).is_err());
        assert!(limiter.check("hoa", None).is_ok());
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(retry_after_seconds(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_seconds(Duration::from_millis(1_500)), 2);
        assert_eq!(retry_after_seconds(Duration::from_secs(30)), 30);
        assert_eq!(retry_after_seconds(Duration::ZERO), 1);
    }
}
