//! Short-lived JWT access tokens (HS256) and opaque refresh tokens, which
//! are stored only as their SHA-256 hash so a database leak reveals none.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Principal, Role};
use crate::error::ApiError;

const ISSUER: &str = "antoan";

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    iss: String,
    sub: String,
    role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ward: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    org: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cp: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    person: Option<i64>,
    iat: i64,
    exp: i64,
}

/// Signs and verifies access tokens with the token secret.
pub struct TokenIssuer {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    access_ttl: Duration,
}

impl TokenIssuer {
    pub fn new(secret: &[u8], access_ttl: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            access_ttl,
        }
    }

    pub fn access_ttl(&self) -> Duration {
        self.access_ttl
    }

    /// An access token for `principal`, valid for the configured time.
    pub fn issue_access(&self, principal: &Principal) -> Result<String, ApiError> {
        let now = chrono::Utc::now().timestamp();
        let ttl = i64::try_from(self.access_ttl.as_secs()).unwrap_or(900);
        let claims = Claims {
            iss: ISSUER.to_owned(),
            sub: principal.account_id.to_string(),
            role: principal.role,
            ward: principal.ward_code.clone(),
            org: principal.organization_id,
            cp: principal.checkpoint_id,
            person: principal.person_id,
            iat: now,
            exp: now + ttl,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|err| ApiError::internal(format!("token signing failed: {err}")))
    }

    /// The caller an access token names, or 401.
    pub fn verify_access(&self, token: &str) -> Result<Principal, ApiError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|err| match err.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
                    ApiError::Unauthenticated("The access token has expired; refresh it or log in.")
                }
                _ => ApiError::Unauthenticated("The access token is not valid; log in again."),
            })?;
        let claims = data.claims;
        let account_id = claims.sub.parse().map_err(|_| {
            ApiError::Unauthenticated("The access token is not valid; log in again.")
        })?;
        Ok(Principal {
            account_id,
            role: claims.role,
            ward_code: claims.ward,
            organization_id: claims.org,
            checkpoint_id: claims.cp,
            person_id: claims.person,
        })
    }
}

/// A new refresh token: 256 random bits, base64url.
pub fn new_refresh_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored form of a refresh token.
pub fn hash_refresh_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn principal() -> Principal {
        Principal {
            account_id: 7,
            role: Role::WardOfficer,
            ward_code: Some("26794".into()),
            organization_id: None,
            checkpoint_id: None,
            person_id: None,
        }
    }

    #[test]
    fn access_tokens_round_trip_and_refuse_tampering() {
        let issuer = TokenIssuer::new(b"0123456789abcdef0123456789abcdef", Duration::from_secs(60));
        let token = issuer.issue_access(&principal()).unwrap();
        assert_eq!(issuer.verify_access(&token).unwrap(), principal());

        let other = TokenIssuer::new(
            b"another secret of enough length!!",
            Duration::from_secs(60),
        );
        assert!(other.verify_access(&token).is_err());
        assert!(issuer.verify_access(&format!("{token}x")).is_err());
    }

    #[test]
    fn refresh_tokens_are_random_and_hashed() {
        let one = new_refresh_token();
        assert_ne!(one, new_refresh_token());
        assert_eq!(hash_refresh_token(&one).len(), 64);
        assert_ne!(hash_refresh_token(&one), one);
    }
}
