//! One entry for whatever a checkpoint scanner reads: it tells the kinds of scanned code apart
//! by their shape and hands each to its own reader.
//!
//! A new format slots in as one more shape test in [`recognize`] and one more variant of
//! [`ScannedPayload`].

use thiserror::Error;

use crate::domain::national_qr::{self, NationalQr, QrError};

/// The longest text any QR code can hold (7,089 digits in numeric mode); anything longer was
/// not scanned from a QR code.
pub const MAX_SCANNED_BYTES: usize = 7_089;

/// How an EU Digital COVID Certificate starts: its CBOR/COSE content in base45 follows.
const EU_DCC_PREFIX: &str = "HC1:";

/// How many `|` a national personal QR has at least: five fields.
const NATIONAL_MIN_SEPARATORS: usize = 4;

/// A scanned code, recognized by its shape.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(
    clippy::large_enum_variant,
    reason = "a scan result is matched at once and never stored in bulk; a box would only add \
              an allocation"
)]
pub enum ScannedPayload {
    /// The national personal QR, read.
    National(NationalQr),
    /// An EU Digital COVID Certificate, `HC1:` and the rest as scanned. It is recognized so
    /// that the scanner can say what it is; decoding it is not built yet.
    EuDigitalCovidCertificate(String),
}

/// Why a scanned code cannot be used as a person's code.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PayloadError {
    #[error("the scanned code is empty")]
    Empty,

    #[error("a QR code holds at most {max} characters; this text has {actual} bytes")]
    TooLong { actual: usize, max: usize },

    #[error("this is a location QR, not a personal QR")]
    LocationCodeScanned,

    #[error("this code is not a personal QR or a COVID certificate that we can read")]
    UnrecognizedFormat,

    #[error(transparent)]
    National(#[from] QrError),
}

impl PayloadError {
    /// A stable snake_case code for API error bodies; a national QR's own error keeps its code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "empty_payload",
            Self::TooLong { .. } => "payload_too_long",
            Self::LocationCodeScanned => "location_code_scanned",
            Self::UnrecognizedFormat => "unrecognized_format",
            Self::National(error) => error.code(),
        }
    }
}

/// Recognizes a scanned code by its shape and reads it:
///
/// - `HC1:` at the start: an EU Digital COVID Certificate;
/// - a web address (`http://` or `https://`): a location QR, scanned by mistake at a
///   checkpoint that expects a person's code;
/// - at least four `|`: the national personal QR;
/// - anything else: unrecognized.
pub fn recognize(input: &str) -> Result<ScannedPayload, PayloadError> {
    if input.len() > MAX_SCANNED_BYTES {
        return Err(PayloadError::TooLong {
            actual: input.len(),
            max: MAX_SCANNED_BYTES,
        });
    }

    let text = national_qr::trim_scanned(input);
    if text.is_empty() {
        return Err(PayloadError::Empty);
    }

    if text.starts_with(EU_DCC_PREFIX) {
        return Ok(ScannedPayload::EuDigitalCovidCertificate(text.to_owned()));
    }

    // Checked before the national shape: a web address may well contain `|`.
    if is_web_address(text) {
        return Err(PayloadError::LocationCodeScanned);
    }

    if text.matches('|').count() >= NATIONAL_MIN_SEPARATORS {
        return Ok(ScannedPayload::National(national_qr::parse(text)?));
    }

    Err(PayloadError::UnrecognizedFormat)
}

fn is_web_address(text: &str) -> bool {
    ["http://", "https://"].into_iter().any(|scheme| {
        text.get(..scheme.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(scheme))
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    const NATIONAL: &str = "079090001234|NGUYEN VAN AN|1990-01-15|0|790000000000000123|<1<<<";
    const EU_DCC: &str = "HC1:6BFOXN%TS3DH0YOJ58S S-W5HDC *M0II5XHC9B5G2+$N IOP-IA%NFQGRJPC%OQ";

    #[test]
    fn recognizes_a_national_personal_qr() {
        let Ok(ScannedPayload::National(qr)) = recognize(NATIONAL) else {
            panic!("expected a national QR");
        };
        assert_eq!(qr.payload, NATIONAL);
    }

    #[test]
    fn recognizes_a_national_qr_without_ext() {
        let payload = "001190012345|LE THI HONG|1990-07-20|0|123456789012345678";
        assert!(matches!(
            recognize(payload),
            Ok(ScannedPayload::National(_))
        ));
    }

    #[test]
    fn recognizes_an_eu_digital_covid_certificate() {
        assert_eq!(
            recognize(&format!("\u{FEFF}{EU_DCC}\r\n")),
            Ok(ScannedPayload::EuDigitalCovidCertificate(EU_DCC.to_owned()))
        );
    }

    #[test]
    fn a_web_address_is_a_location_code() {
        for input in [
            "https://antoan.example/c/AB12CD",
            "http://antoan.example/c/AB12CD",
            "HTTPS://ANTOAN.EXAMPLE/C/AB12CD",
            "  https://antoan.example/c?x=a|b|c|d|e  ",
        ] {
            let error = recognize(input).unwrap_err();
            assert_eq!(error, PayloadError::LocationCodeScanned, "input {input}");
            assert_eq!(error.code(), "location_code_scanned");
            assert_eq!(
                error.to_string(),
                "this is a location QR, not a personal QR"
            );
        }
    }

    #[test]
    fn other_text_is_unrecognized() {
        for input in [
            "hello",
            "a|b|c|d",
            "079090001234",
            "hc1:6BFOXN",
            "ftp://antoan.example",
            "https:",
        ] {
            let error = recognize(input).unwrap_err();
            assert_eq!(error, PayloadError::UnrecognizedFormat, "input {input}");
            assert_eq!(error.code(), "unrecognized_format");
        }
    }

    #[test]
    fn a_broken_national_qr_keeps_its_own_error_code() {
        let error = recognize("079090001234|NGUYEN VAN AN|1990-13-45|0|").unwrap_err();
        assert_eq!(error, PayloadError::National(QrError::UnreadableBirthDate));
        assert_eq!(error.code(), "unreadable_birth_date");
        assert_eq!(error.to_string(), QrError::UnreadableBirthDate.to_string());
    }

    #[test]
    fn a_national_shape_over_the_national_limit_is_refused_by_its_reader() {
        let long = format!("{NATIONAL}{}", "<".repeat(national_qr::MAX_PAYLOAD_BYTES));
        assert_eq!(
            recognize(&long).unwrap_err().code(),
            QrError::TooLong { actual: 0, max: 0 }.code()
        );
    }

    #[test]
    fn refuses_empty_and_oversized_input() {
        for input in ["", " \r\n", "\u{FEFF}"] {
            assert_eq!(
                recognize(input),
                Err(PayloadError::Empty),
                "input {input:?}"
            );
        }
        assert_eq!(
            recognize(&"A".repeat(MAX_SCANNED_BYTES + 1)),
            Err(PayloadError::TooLong {
                actual: MAX_SCANNED_BYTES + 1,
                max: MAX_SCANNED_BYTES
            })
        );
    }

    #[test]
    fn a_long_certificate_within_the_qr_limit_is_accepted() {
        let long = format!("HC1:{}", "A".repeat(MAX_SCANNED_BYTES - 4));
        assert!(matches!(
            recognize(&long),
            Ok(ScannedPayload::EuDigitalCovidCertificate(_))
        ));
    }
}
