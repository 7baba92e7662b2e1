//! Our personal QR: the national six-field string with a signed token in
//! the EXT signature slot,
//! `AT2.<kid>.<issued_at>.<not_before>.<not_after>.<signature>`. The window
//! says when the holder is green; outside it an offline reader shows black.
//! The issue instant tells a reader whether a revocation of the holder's
//! codes came after the code. Codes issued before version 2 carry
//! `AT1.<kid>.<not_before>.<not_after>.<signature>` and still verify. The
//! signature (ECDSA P-256, SHA-256, `r || s` base64url) covers every byte
//! before it. The format is written down with test vectors in
//! `docs/national-qr-format.md`.

pub mod keys;
pub mod render;

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::domain::national_qr::{
    NationalQr, NationalQrFields, Signature, TOKEN_V1_PREFIX, TOKEN_V2_PREFIX,
};
use crate::domain::time::start_of_hour;
use keys::{KeyRing, Verification};

/// When a signed code attests green: `[not_before, not_after)`. An empty
/// window (both equal) attests nothing, which an offline reader shows black.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
}

impl Window {
    pub fn empty(at: DateTime<Utc>) -> Self {
        Self {
            not_before: at,
            not_after: at,
        }
    }

    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        self.not_before <= at && at < self.not_after
    }

    pub fn is_empty(&self) -> bool {
        self.not_before >= self.not_after
    }

    /// The signed window for a person whose green interval (now or next) is
    /// `green`, cut at `now + cap` so that a lost phone or an old printout
    /// stops vouching for its holder after a while. `now` counts from the
    /// start of its hour, and the token carries whole seconds, so the cards
    /// printed for one person within an hour are identical.
    pub fn offline(
        green: Option<(DateTime<Utc>, Option<DateTime<Utc>>)>,
        now: DateTime<Utc>,
        cap: Duration,
    ) -> Self {
        let now = start_of_hour(now);
        let Some((from, until)) = green else {
            return Self::empty(now);
        };
        let cap_end = chrono::Duration::from_std(cap).map_or(now, |cap| now + cap);
        let not_after = whole_seconds(until.map_or(cap_end, |until| until.min(cap_end)));
        let from = whole_seconds(from);
        if from >= not_after {
            return Self::empty(now);
        }
        Self {
            not_before: from,
            not_after,
        }
    }
}

fn whole_seconds(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(at.timestamp(), 0).unwrap_or(at)
}

/// A signed code ready to render.
#[derive(Clone, Debug)]
pub struct IssuedCode {
    pub payload: String,
    pub kid: String,
    /// The issue instant the token carries (see [`crate::domain::revocation::issue_instant`]).
    pub issued_at: DateTime<Utc>,
    pub window: Window,
}

/// Signs `fields` with the active key, as issued at `issued_at` (whole
/// seconds are kept) and vouching for `window`: a version 2 token.
pub fn issue(
    keys: &KeyRing,
    fields: &NationalQrFields,
    issued_at: DateTime<Utc>,
    window: Window,
) -> IssuedCode {
    let kid = keys.active().kid.clone();
    let issued_at = whole_seconds(issued_at);
    let mut payload = fields.unsigned_prefix();
    payload.push_str(&format!(
        "{TOKEN_V2_PREFIX}{kid}.{}.{}.{}.",
        issued_at.timestamp(),
        window.not_before.timestamp(),
        window.not_after.timestamp()
    ));
    let signature = keys.sign(payload.as_bytes());
    payload.push_str(&signature);
    IssuedCode {
        payload,
        kid,
        issued_at,
        window,
    }
}

/// What a reader may conclude from a code's signature slot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignatureCheck {
    /// Our signature, intact: the fields are as we issued them. `issued_at`
    /// is absent from version 1 codes.
    Valid {
        kid: String,
        issued_at: Option<DateTime<Utc>>,
        window: Window,
    },
    /// Our token, but the signature does not match: altered or forged.
    Invalid,
    /// Our token on a masked display copy: the hidden characters were part
    /// of what we signed, so the signature cannot be checked.
    Masked,
    /// Our token shape, signed by a key this server does not know.
    UnknownKey { kid: String },
    /// Another app's signature, which we cannot check.
    Foreign,
    /// No signature at all, as in most national-format codes.
    Absent,
}

impl SignatureCheck {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Valid { .. } => "valid",
            Self::Invalid => "invalid",
            Self::Masked => "masked",
            Self::UnknownKey { .. } => "unknown_key",
            Self::Foreign => "foreign",
            Self::Absent => "absent",
        }
    }
}

/// Checks the signature slot of a parsed code against our keys.
pub fn check(keys: &KeyRing, code: &NationalQr) -> SignatureCheck {
    match &code.ext.signature {
        None => return SignatureCheck::Absent,
        Some(Signature::Foreign(_)) => return SignatureCheck::Foreign,
        Some(Signature::Antoan { .. }) => {}
    }
    if code.is_masked() {
        return SignatureCheck::Masked;
    }
    let Some(parts) = code.signed_parts() else {
        return SignatureCheck::Invalid;
    };
    let Some(Token {
        kid,
        issued_at,
        window,
    }) = read_token(parts.token)
    else {
        return SignatureCheck::Invalid;
    };
    match keys.verify(&kid, parts.message, parts.signature) {
        Verification::Valid => SignatureCheck::Valid {
            kid,
            issued_at,
            window,
        },
        Verification::Invalid => SignatureCheck::Invalid,
        Verification::UnknownKey => SignatureCheck::UnknownKey { kid },
    }
}

/// What a token says besides its signature.
struct Token {
    kid: String,
    issued_at: Option<DateTime<Utc>>,
    window: Window,
}

/// Reads `AT2.<kid>.<issued_at>.<not_before>.<not_after>.<signature>` or
/// `AT1.<kid>.<not_before>.<not_after>.<signature>`.
fn read_token(token: &str) -> Option<Token> {
    let (rest, has_issue_instant) = match token.strip_prefix(TOKEN_V2_PREFIX) {
        Some(rest) => (rest, true),
        None => (token.strip_prefix(TOKEN_V1_PREFIX)?, false),
    };
    let instant = |text: Option<&str>| DateTime::from_timestamp(text?.parse().ok()?, 0);
    let mut parts = rest.split('.');
    let kid = parts.next().filter(|kid| !kid.is_empty())?;
    let issued_at = if has_issue_instant {
        Some(instant(parts.next())?)
    } else {
        None
    };
    let not_before = instant(parts.next())?;
    let not_after = instant(parts.next())?;
    let _signature = parts.next()?;
    if parts.next().is_some() {
        return None;
    }
    Some(Token {
        kid: kid.to_owned(),
        issued_at,
        window: Window {
            not_before,
            not_after,
        },
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::domain::identity::{DocumentKind, DocumentNumber, Gender, Qid};
    use crate::domain::name::FoldedName;
    use crate::domain::national_qr;

    fn fields() -> NationalQrFields {
        NationalQrFields {
            document: DocumentNumber::parse(DocumentKind::Cccd, "079090001234").unwrap(),
            folded_name: FoldedName::fold("Nguyễn Văn Đoàn").unwrap(),
            birth_date: chrono::NaiveDate::from_ymd_opt(1990, 5, 17).unwrap(),
            declared_on_behalf: false,
            qid: Qid::parse("123456789012345678").unwrap(),
            declarer_qid: None,
            gender: Gender::Male,
            health_insurance: None,
            phone: None,
        }
    }

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn ring() -> (tempfile::TempDir, KeyRing) {
        let dir = tempfile::tempdir().unwrap();
        let ring = KeyRing::load(&dir.path().join("keys"), true).unwrap();
        (dir, ring)
    }

    /// Green from 15 October 2021 (a dose on 1 October), issued on the
    /// 16th at 10:00 Ho Chi Minh City time, vouching for 7 days from then.
    fn issued() -> DateTime<Utc> {
        at("2021-10-16T03:00:00Z")
    }

    fn window() -> Window {
        Window {
            not_before: at("2021-10-14T17:00:00Z"),
            not_after: at("2021-10-23T03:00:00Z"),
        }
    }

    #[test]
    fn issued_codes_parse_and_verify() {
        let (_dir, keys) = ring();
        let code = issue(&keys, &fields(), issued(), window());
        assert!(
            code.payload.starts_with(&format!(
                "079090001234|NGUYEN VAN DOAN|1990-05-17|0|123456789012345678|<1<<<AT2.{}.\
                 1634353200.1634230800.1634958000.",
                code.kid
            )),
            "{}",
            code.payload
        );

        let parsed = national_qr::parse(&code.payload).unwrap();
        assert_eq!(
            check(&keys, &parsed),
            SignatureCheck::Valid {
                kid: code.kid.clone(),
                issued_at: Some(issued()),
                window: window(),
            }
        );
    }

    #[test]
    fn the_issue_instant_keeps_whole_seconds() {
        let (_dir, keys) = ring();
        let code = issue(&keys, &fields(), at("2021-10-16T03:00:00.75Z"), window());
        assert_eq!(code.issued_at, issued());
        assert!(code.payload.contains(".1634353200.1634230800."));
    }

    #[test]
    fn altered_and_forged_codes_fail() {
        let (_dir, keys) = ring();
        let code = issue(&keys, &fields(), issued(), window());

        // Another name under the same signature.
        let altered = code.payload.replace("NGUYEN VAN DOAN", "TRAN VAN BINH");
        assert_eq!(
            check(&keys, &national_qr::parse(&altered).unwrap()),
            SignatureCheck::Invalid
        );

        // A stretched window, or a later issue instant that would escape a
        // revocation, under the same signature.
        for (from, to) in [
            (1_634_958_000, 1_666_494_000),
            (1_634_353_200, 1_634_439_600),
        ] {
            let changed = code
                .payload
                .replace(&format!(".{from}."), &format!(".{to}."));
            assert_ne!(changed, code.payload);
            assert_eq!(
                check(&keys, &national_qr::parse(&changed).unwrap()),
                SignatureCheck::Invalid
            );
        }

        // The same token passed off as version 1.
        let downgraded = code.payload.replace("AT2.", "AT1.");
        assert_eq!(
            check(&keys, &national_qr::parse(&downgraded).unwrap()),
            SignatureCheck::Invalid
        );

        // A code signed by someone else's key with our kid.
        let (_other_dir, other) = ring();
        let forged = issue(&other, &fields(), issued(), window())
            .payload
            .replace(&other.active().kid, &keys.active().kid);
        assert_eq!(
            check(&keys, &national_qr::parse(&forged).unwrap()),
            SignatureCheck::Invalid
        );

        // A code signed by a key we never had.
        let unknown = issue(&other, &fields(), issued(), window());
        assert_eq!(
            check(&keys, &national_qr::parse(&unknown.payload).unwrap()),
            SignatureCheck::UnknownKey {
                kid: other.active().kid.clone()
            }
        );
    }

    #[test]
    fn tokens_with_missing_or_extra_segments_are_invalid() {
        for token in [
            "AT2.kid.1634353200.1634230800.c2ln",
            "AT2.kid.x.1634230800.1634958000.c2ln",
            "AT2.kid.1.1634353200.1634230800.1634958000.c2ln",
            "AT1.kid.1634230800.c2ln",
            "AT1..1634230800.1634958000.c2ln",
        ] {
            assert!(read_token(token).is_none(), "{token}");
        }
        let v1 = read_token("AT1.kid.1634230800.1634958000.c2ln").unwrap();
        assert_eq!(v1.issued_at, None);
        assert_eq!(v1.window.not_before, at("2021-10-14T17:00:00Z"));
        let v2 = read_token("AT2.kid.1634353200.1634230800.1634958000.c2ln").unwrap();
        assert_eq!(v2.issued_at, Some(issued()));
        assert_eq!(v2.window, window());
    }

    #[test]
    fn unsigned_and_foreign_codes_are_told_apart() {
        let (_dir, keys) = ring();
        let unsigned = "079090001234|NGUYEN THI DOAN|1990-05-17|0|123456789012345678|";
        assert_eq!(
            check(&keys, &national_qr::parse(unsigned).unwrap()),
            SignatureCheck::Absent
        );
        let foreign = format!("{unsigned}<2<<<MEUCIQDxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
        assert_eq!(
            check(&keys, &national_qr::parse(&foreign).unwrap()),
            SignatureCheck::Foreign
        );
    }

    /// The key of the test vectors of `docs/national-qr-format.md`, derived
    /// from a published phrase so that anyone can reproduce the payloads.
    /// ECDSA signatures here are deterministic (RFC 6979).
    fn vector_keys() -> KeyRing {
        use sha2::Digest;
        let secret = sha2::Sha256::digest(b"antoan test vector key 1");
        let signing = p256::ecdsa::SigningKey::from_slice(&secret).unwrap();
        KeyRing::of_key(signing, 1_633_046_400)
    }

    /// The documented version 1 vector, signed by the same key before
    /// tokens carried their issue instant.
    const VECTOR_V1: &str = "079090001234|NGUYEN VAN DOAN|1990-05-17|0|123456789012345678|<1<<<\
        AT1.03d566d36945be8c.1634230800.1634835600.\
        jt6tIfMilIL0gTEPJXqSm44_8FKozNHdakWOfLtq3NuGx1VDrdKKg5x4fAT42VU61F_GqD2OXNajwKKVRzkQMg";

    #[test]
    fn the_documented_vectors_reproduce() {
        let keys = vector_keys();
        let docs = include_str!("../../../docs/national-qr-format.md");
        let code = issue(&keys, &fields(), issued(), window());
        assert!(
            docs.contains(&code.payload),
            "docs/national-qr-format.md lacks the vector {}",
            code.payload
        );
        let jwk = &keys.jwks().keys[0];
        assert!(docs.contains(&jwk.x) && docs.contains(&jwk.y) && docs.contains(&jwk.kid));
        assert_eq!(
            check(&keys, &national_qr::parse(&code.payload).unwrap()),
            SignatureCheck::Valid {
                kid: jwk.kid.clone(),
                issued_at: Some(issued()),
                window: window(),
            }
        );

        // Version 1 codes still verify; they carry no issue instant.
        assert!(docs.contains(VECTOR_V1), "docs lack the version 1 vector");
        assert_eq!(
            check(&keys, &national_qr::parse(VECTOR_V1).unwrap()),
            SignatureCheck::Valid {
                kid: jwk.kid.clone(),
                issued_at: None,
                window: Window {
                    not_before: at("2021-10-14T17:00:00Z"),
                    not_after: at("2021-10-21T17:00:00Z"),
                },
            }
        );
    }

    #[test]
    fn offline_windows_are_capped() {
        let now = at("2021-10-20T03:00:00Z");
        let week = Duration::from_secs(7 * 86_400);
        let open = Window::offline(Some((at("2021-10-14T17:00:00Z"), None)), now, week);
        assert_eq!(open.not_after, at("2021-10-27T03:00:00Z"));
        assert!(open.contains(now));

        let ends_soon = Window::offline(
            Some((at("2021-09-01T17:00:00Z"), Some(at("2021-10-22T17:00:00Z")))),
            now,
            week,
        );
        assert_eq!(ends_soon.not_after, at("2021-10-22T17:00:00Z"));

        let pending = Window::offline(Some((at("2021-10-24T17:00:00Z"), None)), now, week);
        assert_eq!(pending.not_before, at("2021-10-24T17:00:00Z"));
        assert!(!pending.contains(now));

        let too_far = Window::offline(Some((at("2021-11-24T17:00:00Z"), None)), now, week);
        assert!(too_far.is_empty());
        assert!(Window::offline(None, now, week).is_empty());
    }
}
