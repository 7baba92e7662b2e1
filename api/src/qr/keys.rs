//! The ECDSA P-256 keys that sign personal QR codes. Each key is a PKCS#8
//! PEM file named `qr-<created unix seconds>-<kid>.pem` (mode 0600); the
//! newest signs, every key still present verifies and is published.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::ecdsa::{Signature, SigningKey, VerifyingKey, signature::Signer};
use p256::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// One key of the ring.
pub struct QrKey {
    pub kid: String,
    pub created_unix: i64,
    signing: SigningKey,
    /// The public point for `ring`'s verifier, which is what every scan runs.
    public: ring::signature::UnparsedPublicKey<Vec<u8>>,
}

impl QrKey {
    fn new(signing: SigningKey, created_unix: i64) -> Self {
        let point = signing.verifying_key().to_encoded_point(false);
        Self {
            kid: key_id(signing.verifying_key()),
            created_unix,
            public: ring::signature::UnparsedPublicKey::new(
                &ring::signature::ECDSA_P256_SHA256_FIXED,
                point.as_bytes().to_vec(),
            ),
            signing,
        }
    }

    pub fn verifying_key(&self) -> &VerifyingKey {
        self.signing.verifying_key()
    }
}

/// The key id: the first 8 bytes of the SHA-256 of the uncompressed public
/// point, in hex. Short, because it travels in every QR code.
pub fn key_id(key: &VerifyingKey) -> String {
    let digest = Sha256::digest(key.to_encoded_point(false).as_bytes());
    hex::encode(&digest[..8])
}

/// All keys, newest last.
pub struct KeyRing {
    keys: Vec<QrKey>,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read or write the key folder {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the key file {path} is not a P-256 PKCS#8 key: {message}")]
    Malformed { path: PathBuf, message: String },
    #[error("no signing key in {0}; run `antoan rotate-keys` to create one")]
    Missing(PathBuf),
}

impl KeyRing {
    /// Loads every key of `dir`; with `create_if_empty`, makes the first one.
    pub fn load(dir: &Path, create_if_empty: bool) -> Result<Self, KeyError> {
        let io = |source| KeyError::Io {
            path: dir.to_owned(),
            source,
        };
        if create_if_empty {
            create_private_dir(dir).map_err(io)?;
        }
        let mut keys = Vec::new();
        if dir.exists() {
            for entry in fs::read_dir(dir).map_err(io)? {
                let path = entry.map_err(io)?.path();
                if let Some(created_unix) = created_of(&path) {
                    let pem = fs::read_to_string(&path).map_err(|source| KeyError::Io {
                        path: path.clone(),
                        source,
                    })?;
                    let signing =
                        SigningKey::from_pkcs8_pem(&pem).map_err(|err| KeyError::Malformed {
                            path: path.clone(),
                            message: err.to_string(),
                        })?;
                    keys.push(QrKey::new(signing, created_unix));
                }
            }
        }
        keys.sort_by_key(|key| key.created_unix);

        let mut ring = Self { keys };
        if ring.keys.is_empty() {
            if !create_if_empty {
                return Err(KeyError::Missing(dir.to_owned()));
            }
            ring.rotate(dir)?;
        }
        Ok(ring)
    }

    /// A ring of one given key, for the documented test vectors.
    #[cfg(test)]
    pub(crate) fn of_key(signing: SigningKey, created_unix: i64) -> Self {
        Self {
            keys: vec![QrKey::new(signing, created_unix)],
        }
    }

    /// Creates a new key in `dir`, which then signs; older keys keep verifying.
    pub fn rotate(&mut self, dir: &Path) -> Result<&QrKey, KeyError> {
        let io = |source| KeyError::Io {
            path: dir.to_owned(),
            source,
        };
        create_private_dir(dir).map_err(io)?;
        let created_unix = chrono::Utc::now()
            .timestamp()
            .max(self.keys.last().map_or(0, |key| key.created_unix + 1));
        let key = QrKey::new(SigningKey::random(&mut rand::rngs::OsRng), created_unix);
        let pem = key
            .signing
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|err| KeyError::Malformed {
                path: dir.to_owned(),
                message: err.to_string(),
            })?;
        let path = dir.join(format!("qr-{created_unix}-{}.pem", key.kid));
        write_private_file(&path, pem.as_bytes())
            .map_err(|source| KeyError::Io { path, source })?;
        self.keys.push(key);
        Ok(self.active())
    }

    /// The key that signs new codes.
    pub fn active(&self) -> &QrKey {
        // A ring is never empty: `load` refuses or creates a key.
        &self.keys[self.keys.len() - 1]
    }

    pub fn find(&self, kid: &str) -> Option<&QrKey> {
        self.keys.iter().find(|key| key.kid == kid)
    }

    pub fn keys(&self) -> &[QrKey] {
        &self.keys
    }

    /// Signs `message` with the active key: 64 bytes `r || s`, base64url
    /// without padding, the form WebCrypto's ECDSA verify takes.
    pub fn sign(&self, message: &[u8]) -> String {
        let signature: Signature = self.active().signing.sign(message);
        URL_SAFE_NO_PAD.encode(signature.to_bytes())
    }

    /// Verifies a signature made by the key `kid`.
    pub fn verify(&self, kid: &str, message: &[u8], signature_b64: &str) -> Verification {
        let Some(key) = self.find(kid) else {
            return Verification::UnknownKey;
        };
        let Ok(bytes) = URL_SAFE_NO_PAD.decode(signature_b64) else {
            return Verification::Invalid;
        };
        // The fixed form is r ‖ s, 32 bytes each, as WebCrypto makes it.
        match key.public.verify(message, &bytes) {
            Ok(()) => Verification::Valid,
            Err(_) => Verification::Invalid,
        }
    }

    /// The public keys as a JSON Web Key Set.
    pub fn jwks(&self) -> Jwks {
        Jwks {
            keys: self.keys.iter().map(Jwk::of).collect(),
        }
    }
}

/// The outcome of checking one signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verification {
    Valid,
    Invalid,
    UnknownKey,
}

/// A JSON Web Key Set (RFC 7517).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Jwks {
    pub keys: Vec<Jwk>,
}

/// One public P-256 key.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Jwk {
    /// Always `EC`.
    pub kty: &'static str,
    /// Always `P-256`.
    pub crv: &'static str,
    /// Always `ES256`.
    pub alg: &'static str,
    /// Always `sig`.
    #[serde(rename = "use")]
    pub usage: &'static str,
    /// The key id carried in each signed QR code.
    pub kid: String,
    /// The x coordinate, base64url.
    pub x: String,
    /// The y coordinate, base64url.
    pub y: String,
}

impl Jwk {
    fn of(key: &QrKey) -> Self {
        let point = key.verifying_key().to_encoded_point(false);
        let coordinate = |bytes: Option<&p256::FieldBytes>| {
            bytes.map(|b| URL_SAFE_NO_PAD.encode(b)).unwrap_or_default()
        };
        Self {
            kty: "EC",
            crv: "P-256",
            alg: "ES256",
            usage: "sig",
            kid: key.kid.clone(),
            x: coordinate(point.x()),
            y: coordinate(point.y()),
        }
    }
}

fn created_of(path: &Path) -> Option<i64> {
    let name = path.file_name()?.to_str()?;
    let rest = name.strip_prefix("qr-")?.strip_suffix(".pem")?;
    rest.split('-').next()?.parse().ok()
}

/// Creates `dir` readable by the owner only.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Writes a new secret file with mode 0600 from the start, so that it is
/// never readable by others, not even briefly.
pub fn write_private_file(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn creates_loads_and_rotates_keys() {
        let dir = tempfile::tempdir().unwrap();
        let keys = dir.path().join("keys");
        assert!(matches!(
            KeyRing::load(&keys, false),
            Err(KeyError::Missing(_))
        ));

        let mut ring = KeyRing::load(&keys, true).unwrap();
        let first = ring.active().kid.clone();
        let signature = ring.sign(b"hello");
        assert_eq!(
            ring.verify(&first, b"hello", &signature),
            Verification::Valid
        );
        assert_eq!(
            ring.verify(&first, b"hellO", &signature),
            Verification::Invalid
        );
        assert_eq!(
            ring.verify("0000000000000000", b"hello", &signature),
            Verification::UnknownKey
        );

        ring.rotate(&keys).unwrap();
        assert_ne!(ring.active().kid, first);
        let reloaded = KeyRing::load(&keys, false).unwrap();
        assert_eq!(reloaded.keys().len(), 2);
        assert_eq!(reloaded.active().kid, ring.active().kid);
        assert_eq!(
            reloaded.verify(&first, b"hello", &signature),
            Verification::Valid
        );
        assert_eq!(reloaded.jwks().keys.len(), 2);

        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for entry in fs::read_dir(&keys).unwrap() {
                let mode = entry.unwrap().metadata().unwrap().permissions().mode();
                assert_eq!(mode & 0o777, 0o600);
            }
        }
    }
}
