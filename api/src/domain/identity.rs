//! Identity and contact formats of Vietnam: identity documents, mobile phone numbers,
//! health-insurance cards, ward codes and platform QIDs, each a newtype whose `parse` is the
//! only way to build one.
//!
//! Errors say what a valid value looks like and never carry the value that failed, so they can
//! be shown to a person and logged alike.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The two-digit province codes in use from 2008 to 2025. A CCCD starts with `0` and one of
/// them: Hồ Chí Minh City is `79`, Hà Nội `01`.
pub const PROVINCE_CODES: [u8; 63] = [
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37,
    38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77,
    79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
];

/// How many leading characters of a document number the national display rule hides.
pub const DOCUMENT_HIDDEN_PREFIX: usize = 6;

/// The length of the QIDs our platform issues; other apps' QIDs have 10 to 20 digits.
pub const ISSUED_QID_DIGITS: usize = 18;

const CCCD_DIGITS: usize = 12;
const CMND_DIGITS: usize = 9;
const PASSPORT_LENGTHS: std::ops::RangeInclusive<usize> = 6..=12;
const PHONE_DIGITS: usize = 10;
const MOBILE_PREFIXES: [char; 5] = ['3', '5', '7', '8', '9'];
const HEALTH_INSURANCE_LEN: usize = 15;
const WARD_CODE_DIGITS: usize = 5;
const QID_DIGITS: std::ops::RangeInclusive<usize> = 10..=20;

/// Whether `code` is one of the [`PROVINCE_CODES`].
pub fn is_province_code(code: u8) -> bool {
    PROVINCE_CODES.contains(&code)
}

/// Hides the first [`DOCUMENT_HIDDEN_PREFIX`] characters of a document number with `*`, as the
/// national display rule asks: `079090001234` is shown as `******001234`.
pub fn mask_document_text(value: &str) -> String {
    value
        .chars()
        .enumerate()
        .map(|(i, c)| if i < DOCUMENT_HIDDEN_PREFIX { '*' } else { c })
        .collect()
}

/// Why a value is not a valid identity or contact value.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdentityError {
    #[error("the {field} is empty")]
    Missing { field: &'static str },

    #[error("the document kind must be cccd, cmnd or passport")]
    UnknownDocumentKind,

    #[error("the gender must be unknown, male or female")]
    UnknownGender,

    #[error("a {} has only digits; this one has other characters", .kind.label())]
    DocumentNotDigits { kind: DocumentKind },

    #[error("a {} has {expected} digits; this one has {actual}", .kind.label())]
    DocumentWrongLength {
        kind: DocumentKind,
        expected: &'static str,
        actual: usize,
    },

    #[error(
        "a 12-digit {} starts with 0 and a province code; it cannot start with {prefix:03}",
        .kind.label()
    )]
    UnknownProvince { kind: DocumentKind, prefix: u16 },

    #[error("a passport number has only the letters A to Z and digits")]
    PassportInvalidCharacter,

    #[error("a passport number has 6 to 12 letters and digits; this one has {actual}")]
    PassportWrongLength { actual: usize },

    #[error("the CCCD number encodes birth year {encoded}, but the record says {recorded}")]
    CccdBirthYearMismatch { encoded: i32, recorded: i32 },

    #[error("the CCCD number encodes a {encoded} person, but the record says {recorded}")]
    CccdGenderMismatch { encoded: Gender, recorded: Gender },

    #[error("a phone number has only digits, a leading + and the spacing marks space . - ( )")]
    PhoneInvalidCharacter,

    #[error("only Vietnamese mobile numbers, with +84 or a leading 0, are accepted")]
    PhoneNotVietnamese,

    #[error(
        "11-digit mobile numbers were renumbered to 10 digits in 2018; please give the new \
         number"
    )]
    PhoneRenumbered,

    #[error("a mobile number has 10 digits starting with 0; this one has {actual}")]
    PhoneWrongLength { actual: usize },

    #[error("a mobile number starts with 03, 05, 07, 08 or 09; this one starts with {prefix}")]
    PhoneNotMobile { prefix: String },

    #[error("a health insurance card number has 15 characters; this one has {actual}")]
    HealthInsuranceWrongLength { actual: usize },

    #[error("character {position} of a health insurance card number must be {expected}")]
    HealthInsuranceInvalidCharacter {
        position: usize,
        expected: &'static str,
    },

    #[error(
        "the benefit level, the third character of a health insurance card number, is 1 to 5; \
         this card has {level}"
    )]
    HealthInsuranceBenefitLevel { level: u32 },

    #[error("a ward code has 5 digits; this one has {actual} characters")]
    WardCodeInvalid { actual: usize },

    #[error("a QID has 10 to 20 digits; this one has {actual} characters")]
    QidInvalid { actual: usize },
}

impl IdentityError {
    /// A stable snake_case code for API error bodies.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Missing { .. } => "value_missing",
            Self::UnknownDocumentKind => "unknown_document_kind",
            Self::UnknownGender => "unknown_gender",
            Self::DocumentNotDigits { .. } => "document_not_digits",
            Self::DocumentWrongLength { .. } => "document_wrong_length",
            Self::UnknownProvince { .. } => "document_unknown_province",
            Self::PassportInvalidCharacter => "passport_invalid_character",
            Self::PassportWrongLength { .. } => "passport_wrong_length",
            Self::CccdBirthYearMismatch { .. } => "cccd_birth_year_mismatch",
            Self::CccdGenderMismatch { .. } => "cccd_gender_mismatch",
            Self::PhoneInvalidCharacter => "phone_invalid_character",
            Self::PhoneNotVietnamese => "phone_not_vietnamese",
            Self::PhoneRenumbered => "phone_renumbered_2018",
            Self::PhoneWrongLength { .. } => "phone_wrong_length",
            Self::PhoneNotMobile { .. } => "phone_not_mobile",
            Self::HealthInsuranceWrongLength { .. } => "health_insurance_wrong_length",
            Self::HealthInsuranceInvalidCharacter { .. } => "health_insurance_invalid_character",
            Self::HealthInsuranceBenefitLevel { .. } => "health_insurance_benefit_level",
            Self::WardCodeInvalid { .. } => "ward_code_invalid",
            Self::QidInvalid { .. } => "qid_invalid",
        }
    }
}

/// A person's gender as the national QR codes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Gender {
    Unknown,
    Male,
    Female,
}

impl Gender {
    /// The digit the national QR uses: 0 unknown, 1 male, 2 female.
    pub fn code(self) -> u8 {
        match self {
            Self::Unknown => 0,
            Self::Male => 1,
            Self::Female => 2,
        }
    }

    pub fn from_code(code: u8) -> Option<Self> {
        match code {
            0 => Some(Self::Unknown),
            1 => Some(Self::Male),
            2 => Some(Self::Female),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unknown => "unknown",
            Self::Male => "male",
            Self::Female => "female",
        }
    }

    /// Reads `unknown`, `male` or `female`, in any case.
    pub fn parse_str(raw: &str) -> Result<Self, IdentityError> {
        let text = raw.trim();
        [Self::Unknown, Self::Male, Self::Female]
            .into_iter()
            .find(|gender| gender.as_str().eq_ignore_ascii_case(text))
            .ok_or(IdentityError::UnknownGender)
    }
}

impl std::fmt::Display for Gender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kind of identity document a person identifies with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocumentKind {
    /// CCCD, căn cước công dân: the 12-digit citizen identity card.
    Cccd,
    /// CMND, chứng minh nhân dân: the older identity card, 9 digits or 12 in the CCCD layout.
    Cmnd,
    /// A Vietnamese or foreign passport.
    Passport,
}

impl DocumentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cccd => "cccd",
            Self::Cmnd => "cmnd",
            Self::Passport => "passport",
        }
    }

    /// Reads `cccd`, `cmnd` or `passport`, in any case.
    pub fn parse(raw: &str) -> Result<Self, IdentityError> {
        let text = raw.trim();
        [Self::Cccd, Self::Cmnd, Self::Passport]
            .into_iter()
            .find(|kind| kind.as_str().eq_ignore_ascii_case(text))
            .ok_or(IdentityError::UnknownDocumentKind)
    }

    /// How messages name a number of this kind.
    fn label(self) -> &'static str {
        match self {
            Self::Cccd => "CCCD number",
            Self::Cmnd => "CMND number",
            Self::Passport => "passport number",
        }
    }
}

impl std::fmt::Display for DocumentKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A valid identity document number of a known kind.
///
/// Passport numbers are stored upper-cased; CCCD and CMND numbers are stored as given, without
/// surrounding white space. Deserializing validates like [`DocumentNumber::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "UncheckedDocumentNumber")]
pub struct DocumentNumber {
    kind: DocumentKind,
    value: String,
}

#[derive(Deserialize)]
struct UncheckedDocumentNumber {
    kind: DocumentKind,
    value: String,
}

impl TryFrom<UncheckedDocumentNumber> for DocumentNumber {
    type Error = IdentityError;

    fn try_from(unchecked: UncheckedDocumentNumber) -> Result<Self, Self::Error> {
        Self::parse(unchecked.kind, &unchecked.value)
    }
}

/// What the digits of a CCCD (or a 12-digit CMND) say about its holder: `PPP G YY NNNNNN`, the
/// province of birth registration, gender and century, and the last two digits of the birth
/// year. The last six digits are random and there is no checksum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CccdFacts {
    /// The two-digit province code, e.g. 79 for Hồ Chí Minh City.
    pub province_code: u8,
    pub gender: Gender,
    /// The first year of the birth century: 1900 for digit G of 0 or 1, 2000 for 2 or 3, and
    /// so on (century = G div 2 + 19).
    pub century_start: u16,
    pub birth_year_suffix: u8,
}

impl CccdFacts {
    /// The full birth year the number encodes.
    pub fn birth_year(&self) -> i32 {
        i32::from(self.century_start) + i32::from(self.birth_year_suffix)
    }
}

/// A document number as typed, without the white space between its groups.
fn without_spaces(raw: &str) -> String {
    raw.chars().filter(|c| !c.is_whitespace()).collect()
}

impl DocumentNumber {
    /// Checks `raw`, without the spaces people type between groups of digits,
    /// against the rules of `kind`:
    ///
    /// - CCCD: exactly 12 digits, the first three `0` and a province code.
    /// - CMND: 9 digits, or 12 digits in the CCCD layout.
    /// - passport: 6 to 12 letters and digits, upper-cased. A Vietnamese passport, one letter
    ///   and seven digits, is one case of this rule; foreign ones vary too much for more.
    pub fn parse(kind: DocumentKind, raw: &str) -> Result<Self, IdentityError> {
        let compact = without_spaces(raw);
        let text = compact.as_str();
        if text.is_empty() {
            return Err(IdentityError::Missing {
                field: kind.label(),
            });
        }

        let value = match kind {
            DocumentKind::Cccd => {
                check_digits(kind, text, &[CCCD_DIGITS], "12")?;
                check_cccd_layout(kind, text)?;
                text.to_owned()
            }
            DocumentKind::Cmnd => {
                check_digits(kind, text, &[CMND_DIGITS, CCCD_DIGITS], "9 or 12")?;
                if text.len() == CCCD_DIGITS {
                    check_cccd_layout(kind, text)?;
                }
                text.to_owned()
            }
            DocumentKind::Passport => parse_passport(text)?,
        };

        Ok(Self { kind, value })
    }

    /// Parses a number whose kind is not given, by its shape: 12 digits is a CCCD, 9 digits a
    /// CMND, anything else is checked as a passport. A 12-digit CMND therefore reads as a CCCD,
    /// and a foreign passport of exactly 9 or 12 digits as a CMND or CCCD; the digits alone
    /// cannot tell them apart.
    pub fn detect(raw: &str) -> Result<Self, IdentityError> {
        let compact = without_spaces(raw);
        let text = compact.as_str();
        if text.is_empty() {
            return Err(IdentityError::Missing {
                field: "document number",
            });
        }

        let all_digits = text.bytes().all(|b| b.is_ascii_digit());
        let kind = match (all_digits, text.len()) {
            (true, CCCD_DIGITS) => DocumentKind::Cccd,
            (true, CMND_DIGITS) => DocumentKind::Cmnd,
            _ => DocumentKind::Passport,
        };
        Self::parse(kind, text)
    }

    pub fn kind(&self) -> DocumentKind {
        self.kind
    }

    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The number as a scanner or list shows it by default: the first six characters hidden.
    pub fn masked(&self) -> String {
        mask_document_text(&self.value)
    }

    /// What the digits say about the holder, for a CCCD or a 12-digit CMND; `None` for the
    /// others, whose digits carry no such facts.
    pub fn cccd_facts(&self) -> Option<CccdFacts> {
        if self.kind == DocumentKind::Passport || self.value.len() != CCCD_DIGITS {
            return None;
        }

        let digit = |index: usize| {
            self.value
                .chars()
                .nth(index)
                .and_then(|c| c.to_digit(10))
                .and_then(|d| u8::try_from(d).ok())
        };
        let province_code = digit(1)? * 10 + digit(2)?;
        let gender_and_century = digit(3)?;
        let birth_year_suffix = digit(4)? * 10 + digit(5)?;

        Some(CccdFacts {
            province_code,
            gender: if gender_and_century % 2 == 0 {
                Gender::Male
            } else {
                Gender::Female
            },
            century_start: (u16::from(gender_and_century / 2) + 19) * 100,
            birth_year_suffix,
        })
    }

    /// Checks the birth year and gender that a CCCD encodes against a person's record. The
    /// product treats a CCCD that disagrees as suspect and refuses it. A recorded gender of
    /// [`Gender::Unknown`] is not compared, and numbers without the CCCD layout always pass.
    pub fn check_against(&self, birth_year: i32, gender: Gender) -> Result<(), IdentityError> {
        let Some(facts) = self.cccd_facts() else {
            return Ok(());
        };

        if facts.birth_year() != birth_year {
            return Err(IdentityError::CccdBirthYearMismatch {
                encoded: facts.birth_year(),
                recorded: birth_year,
            });
        }

        if gender != Gender::Unknown && gender != facts.gender {
            return Err(IdentityError::CccdGenderMismatch {
                encoded: facts.gender,
                recorded: gender,
            });
        }

        Ok(())
    }
}

fn check_digits(
    kind: DocumentKind,
    text: &str,
    lengths: &[usize],
    expected: &'static str,
) -> Result<(), IdentityError> {
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IdentityError::DocumentNotDigits { kind });
    }
    if !lengths.contains(&text.len()) {
        return Err(IdentityError::DocumentWrongLength {
            kind,
            expected,
            actual: text.len(),
        });
    }
    Ok(())
}

/// Checks the `0PP` province prefix of 12 digits already known to be ASCII digits.
fn check_cccd_layout(kind: DocumentKind, digits: &str) -> Result<(), IdentityError> {
    let prefix: u16 = digits
        .get(..3)
        .and_then(|p| p.parse().ok())
        .unwrap_or(u16::MAX);
    let valid = u8::try_from(prefix).is_ok_and(is_province_code);
    if valid {
        Ok(())
    } else {
        Err(IdentityError::UnknownProvince { kind, prefix })
    }
}

fn parse_passport(text: &str) -> Result<String, IdentityError> {
    if !text.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(IdentityError::PassportInvalidCharacter);
    }
    if !PASSPORT_LENGTHS.contains(&text.len()) {
        return Err(IdentityError::PassportWrongLength { actual: text.len() });
    }
    Ok(text.to_ascii_uppercase())
}

/// A Vietnamese mobile number, stored in the national form `0xxxxxxxxx`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Reads a mobile number written as `0` and nine digits, or with `+84` or `84` in place of
    /// the `0`. Spaces, dots, dashes and parentheses are ignored, so `(+84) 909.123.456`
    /// becomes `0909123456`. The second digit is the carrier prefix: 3, 5, 7, 8 or 9.
    pub fn parse(raw: &str) -> Result<Self, IdentityError> {
        let mut digits = String::new();
        let mut international = false;
        for c in raw.trim().chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '.' | '-' | '(' | ')' => {}
                '+' if digits.is_empty() && !international => international = true,
                _ => return Err(IdentityError::PhoneInvalidCharacter),
            }
        }

        if digits.is_empty() {
            return Err(if international {
                IdentityError::PhoneNotVietnamese
            } else {
                IdentityError::Missing {
                    field: "phone number",
                }
            });
        }

        // A national number always starts with 0, so a leading 84 can only be the country
        // code written without its +.
        let national = match digits.strip_prefix("84") {
            Some(rest) => format!("0{rest}"),
            None if international => return Err(IdentityError::PhoneNotVietnamese),
            None => digits,
        };

        if national.len() == PHONE_DIGITS + 1 && national.starts_with("01") {
            return Err(IdentityError::PhoneRenumbered);
        }
        if national.len() != PHONE_DIGITS {
            return Err(IdentityError::PhoneWrongLength {
                actual: national.len(),
            });
        }

        let mut leading = national.chars();
        let is_mobile = leading.next() == Some('0')
            && leading.next().is_some_and(|c| MOBILE_PREFIXES.contains(&c));
        if !is_mobile {
            return Err(IdentityError::PhoneNotMobile {
                prefix: national.chars().take(2).collect(),
            });
        }

        Ok(Self(national))
    }

    /// The number in the national form, `0909123456`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number in international form, `+84909123456`.
    pub fn international(&self) -> String {
        format!("+84{}", self.0.get(1..).unwrap_or_default())
    }

    /// The number with all but its last three digits hidden: `*******456`.
    pub fn masked(&self) -> String {
        let hidden = self.0.len().saturating_sub(3);
        self.0
            .chars()
            .enumerate()
            .map(|(i, c)| if i < hidden { '*' } else { c })
            .collect()
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = IdentityError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<PhoneNumber> for String {
    fn from(phone: PhoneNumber) -> Self {
        phone.0
    }
}

/// BHYT, thẻ bảo hiểm y tế: a health insurance card number.
///
/// Its 15 characters are two letters for the beneficiary group, a benefit level from 1 to 5, a
/// two-digit province code and the holder's 10-digit social insurance number, as in
/// `DN4797912345678`. Only the shape is checked: the list of beneficiary groups changes by
/// regulation, and we have no authoritative list of the insurer's province codes, which may
/// differ from [`PROVINCE_CODES`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct HealthInsuranceNumber(String);

impl HealthInsuranceNumber {
    /// Reads a card number, ignoring white space (cards print it in groups) and letter case.
    pub fn parse(raw: &str) -> Result<Self, IdentityError> {
        let compact: String = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();

        let actual = compact.chars().count();
        if actual == 0 {
            return Err(IdentityError::Missing {
                field: "health insurance card number",
            });
        }
        if actual != HEALTH_INSURANCE_LEN {
            return Err(IdentityError::HealthInsuranceWrongLength { actual });
        }

        for (index, c) in compact.chars().enumerate() {
            let position = index + 1;
            match index {
                0 | 1 if !c.is_ascii_uppercase() => {
                    return Err(IdentityError::HealthInsuranceInvalidCharacter {
                        position,
                        expected: "a letter",
                    });
                }
                2 => match c.to_digit(10) {
                    Some(1..=5) => {}
                    Some(level) => {
                        return Err(IdentityError::HealthInsuranceBenefitLevel { level });
                    }
                    None => {
                        return Err(IdentityError::HealthInsuranceInvalidCharacter {
                            position,
                            expected: "a digit from 1 to 5",
                        });
                    }
                },
                3.. if !c.is_ascii_digit() => {
                    return Err(IdentityError::HealthInsuranceInvalidCharacter {
                        position,
                        expected: "a digit",
                    });
                }
                _ => {}
            }
        }

        Ok(Self(compact))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for HealthInsuranceNumber {
    type Error = IdentityError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<HealthInsuranceNumber> for String {
    fn from(number: HealthInsuranceNumber) -> Self {
        number.0
    }
}

/// A ward's five-digit administrative code, e.g. `27094` for An Khánh. Only the shape is
/// checked here; whether the ward exists is the database's to say.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WardCode(String);

impl WardCode {
    pub fn parse(raw: &str) -> Result<Self, IdentityError> {
        let text = raw.trim();
        if text.len() != WARD_CODE_DIGITS || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdentityError::WardCodeInvalid {
                actual: text.chars().count(),
            });
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for WardCode {
    type Error = IdentityError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<WardCode> for String {
    fn from(code: WardCode) -> Self {
        code.0
    }
}

/// The identifier that the national QR platform gives a person, carried in the QR's `QID`
/// field. Ours have [`ISSUED_QID_DIGITS`] digits; other apps' published samples have 10 to 20,
/// so that is what we accept.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Qid(String);

impl Qid {
    pub fn parse(raw: &str) -> Result<Self, IdentityError> {
        let text = raw.trim();
        if !QID_DIGITS.contains(&text.len()) || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdentityError::QidInvalid {
                actual: text.chars().count(),
            });
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Qid {
    type Error = IdentityError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Qid> for String {
    fn from(qid: Qid) -> Self {
        qid.0
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn cccd(raw: &str) -> DocumentNumber {
        DocumentNumber::parse(DocumentKind::Cccd, raw).unwrap()
    }

    fn cccd_error(raw: &str) -> IdentityError {
        DocumentNumber::parse(DocumentKind::Cccd, raw).unwrap_err()
    }

    // Gender and document kind.

    #[test]
    fn gender_codes_round_trip() {
        for gender in [Gender::Unknown, Gender::Male, Gender::Female] {
            assert_eq!(Gender::from_code(gender.code()), Some(gender));
            assert_eq!(Gender::parse_str(gender.as_str()), Ok(gender));
        }
        assert_eq!(Gender::Male.code(), 1);
        assert_eq!(Gender::Female.code(), 2);
        assert_eq!(Gender::from_code(3), None);
    }

    #[test]
    fn gender_names_are_read_in_any_case() {
        assert_eq!(Gender::parse_str(" Female "), Ok(Gender::Female));
        assert_eq!(Gender::parse_str("MALE"), Ok(Gender::Male));
        assert_eq!(Gender::parse_str("1"), Err(IdentityError::UnknownGender));
        assert_eq!(Gender::parse_str(""), Err(IdentityError::UnknownGender));
    }

    #[test]
    fn document_kinds_round_trip() {
        for kind in [
            DocumentKind::Cccd,
            DocumentKind::Cmnd,
            DocumentKind::Passport,
        ] {
            assert_eq!(DocumentKind::parse(kind.as_str()), Ok(kind));
            assert_eq!(kind.to_string(), kind.as_str());
        }
        assert_eq!(DocumentKind::parse("CCCD"), Ok(DocumentKind::Cccd));
        assert_eq!(
            DocumentKind::parse("id card"),
            Err(IdentityError::UnknownDocumentKind)
        );
    }

    #[test]
    fn enums_serialize_as_their_names() {
        assert_eq!(
            serde_json::to_string(&Gender::Female).unwrap(),
            "\"female\""
        );
        assert_eq!(
            serde_json::to_string(&DocumentKind::Passport).unwrap(),
            "\"passport\""
        );
    }

    // CCCD.

    #[test]
    fn there_are_63_distinct_province_codes() {
        let mut codes = PROVINCE_CODES.to_vec();
        codes.dedup();
        assert_eq!(codes.len(), 63);
        assert!(PROVINCE_CODES.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(is_province_code(79));
        assert!(is_province_code(1));
        assert!(!is_province_code(3));
        assert!(!is_province_code(0));
        assert!(!is_province_code(97));
    }

    #[test]
    fn accepts_a_cccd_and_trims_it() {
        let number = cccd("  079090001234\n");
        assert_eq!(number.as_str(), "079090001234");
        assert_eq!(number.kind(), DocumentKind::Cccd);
        assert_eq!(cccd("001190012345").as_str(), "001190012345");
        assert_eq!(cccd("096305000001").as_str(), "096305000001");
    }

    #[test]
    fn a_cccd_has_exactly_12_digits() {
        assert_eq!(
            cccd_error("07909000123"),
            IdentityError::DocumentWrongLength {
                kind: DocumentKind::Cccd,
                expected: "12",
                actual: 11
            }
        );
        assert_eq!(
            cccd_error("0790900012345").to_string(),
            "a CCCD number has 12 digits; this one has 13"
        );
        assert_eq!(
            cccd_error("07909000123A"),
            IdentityError::DocumentNotDigits {
                kind: DocumentKind::Cccd
            }
        );
        // Spaces between groups are how people read a card aloud; they are not part of it.
        assert_eq!(
            DocumentNumber::parse(DocumentKind::Cccd, " 079 090 001234 ")
                .unwrap()
                .as_str(),
            "079090001234"
        );
        // Digits of other scripts are not digits here.
        assert_eq!(
            cccd_error("٠٧٩٠٩٠٠٠١٢٣٤"),
            IdentityError::DocumentNotDigits {
                kind: DocumentKind::Cccd
            }
        );
        assert_eq!(
            cccd_error("   "),
            IdentityError::Missing {
                field: "CCCD number"
            }
        );
    }

    #[test]
    fn a_cccd_starts_with_zero_and_a_province_code() {
        for (raw, prefix) in [
            ("003090001234", 3),
            ("000090001234", 0),
            ("097090001234", 97),
            ("179090001234", 179),
        ] {
            assert_eq!(
                cccd_error(raw),
                IdentityError::UnknownProvince {
                    kind: DocumentKind::Cccd,
                    prefix
                },
                "number {raw}"
            );
        }
        assert_eq!(
            cccd_error("003090001234").to_string(),
            "a 12-digit CCCD number starts with 0 and a province code; it cannot start with 003"
        );
    }

    #[test]
    fn cccd_facts_follow_the_gender_and_century_digit() {
        let cases = [
            ("079090001234", Gender::Male, 1900, 90, 1990),
            ("079190001234", Gender::Female, 1900, 90, 1990),
            ("079205001234", Gender::Male, 2000, 5, 2005),
            ("079321001234", Gender::Female, 2000, 21, 2021),
            ("001400001234", Gender::Male, 2100, 0, 2100),
            ("001999001234", Gender::Female, 2300, 99, 2399),
        ];
        for (raw, gender, century_start, suffix, year) in cases {
            let facts = cccd(raw).cccd_facts().unwrap();
            assert_eq!(facts.gender, gender, "number {raw}");
            assert_eq!(facts.century_start, century_start, "number {raw}");
            assert_eq!(facts.birth_year_suffix, suffix, "number {raw}");
            assert_eq!(facts.birth_year(), year, "number {raw}");
        }
        assert_eq!(cccd("079090001234").cccd_facts().unwrap().province_code, 79);
        assert_eq!(cccd("001190012345").cccd_facts().unwrap().province_code, 1);
    }

    #[test]
    fn check_against_accepts_a_consistent_record() {
        assert_eq!(
            cccd("079090001234").check_against(1990, Gender::Male),
            Ok(())
        );
        assert_eq!(
            cccd("079190001234").check_against(1990, Gender::Female),
            Ok(())
        );
        assert_eq!(
            cccd("079205001234").check_against(2005, Gender::Male),
            Ok(())
        );
        // An unknown recorded gender is not compared.
        assert_eq!(
            cccd("079190001234").check_against(1990, Gender::Unknown),
            Ok(())
        );
    }

    #[test]
    fn check_against_reports_the_year_that_disagrees() {
        let error = cccd("079090001234")
            .check_against(1991, Gender::Male)
            .unwrap_err();
        assert_eq!(
            error,
            IdentityError::CccdBirthYearMismatch {
                encoded: 1990,
                recorded: 1991
            }
        );
        assert_eq!(
            error.to_string(),
            "the CCCD number encodes birth year 1990, but the record says 1991"
        );

        // Same last two digits, wrong century: G = 0 means the 1900s.
        assert_eq!(
            cccd("079005001234").check_against(2005, Gender::Male),
            Err(IdentityError::CccdBirthYearMismatch {
                encoded: 1905,
                recorded: 2005
            })
        );
    }

    #[test]
    fn check_against_reports_the_gender_that_disagrees() {
        let error = cccd("079190001234")
            .check_against(1990, Gender::Male)
            .unwrap_err();
        assert_eq!(
            error,
            IdentityError::CccdGenderMismatch {
                encoded: Gender::Female,
                recorded: Gender::Male
            }
        );
        assert_eq!(
            error.to_string(),
            "the CCCD number encodes a female person, but the record says male"
        );
    }

    #[test]
    fn numbers_without_the_cccd_layout_carry_no_facts() {
        let cmnd = DocumentNumber::parse(DocumentKind::Cmnd, "025123456").unwrap();
        let passport = DocumentNumber::parse(DocumentKind::Passport, "B1234567").unwrap();
        for number in [cmnd, passport] {
            assert_eq!(number.cccd_facts(), None);
            assert_eq!(number.check_against(1960, Gender::Female), Ok(()));
        }
    }

    // CMND.

    #[test]
    fn a_cmnd_has_9_digits_or_12_in_the_cccd_layout() {
        let parse = |raw| DocumentNumber::parse(DocumentKind::Cmnd, raw);

        assert_eq!(parse("025123456").unwrap().as_str(), "025123456");
        let twelve = parse("079090001234").unwrap();
        assert_eq!(twelve.kind(), DocumentKind::Cmnd);
        assert_eq!(twelve.cccd_facts().unwrap().birth_year(), 1990);

        for (raw, actual) in [("02512345", 8), ("0251234567", 10), ("07909000123", 11)] {
            assert_eq!(
                parse(raw),
                Err(IdentityError::DocumentWrongLength {
                    kind: DocumentKind::Cmnd,
                    expected: "9 or 12",
                    actual
                })
            );
        }
        assert_eq!(
            parse("003090001234"),
            Err(IdentityError::UnknownProvince {
                kind: DocumentKind::Cmnd,
                prefix: 3
            })
        );
        assert_eq!(
            parse("02512345X"),
            Err(IdentityError::DocumentNotDigits {
                kind: DocumentKind::Cmnd
            })
        );
    }

    // Passports.

    #[test]
    fn passports_have_6_to_12_letters_and_digits_upper_cased() {
        let parse = |raw| DocumentNumber::parse(DocumentKind::Passport, raw);

        assert_eq!(parse("B1234567").unwrap().as_str(), "B1234567");
        assert_eq!(parse(" c7654321 ").unwrap().as_str(), "C7654321");
        assert_eq!(parse("ab1234").unwrap().as_str(), "AB1234");
        assert_eq!(parse("X12345678901").unwrap().as_str(), "X12345678901");
        // Some countries' passports are all digits.
        assert_eq!(parse("123456789").unwrap().kind(), DocumentKind::Passport);

        assert_eq!(
            parse("AB123"),
            Err(IdentityError::PassportWrongLength { actual: 5 })
        );
        assert_eq!(
            parse("X123456789012"),
            Err(IdentityError::PassportWrongLength { actual: 13 })
        );
        assert_eq!(
            parse("B123-4567"),
            Err(IdentityError::PassportInvalidCharacter)
        );
        assert_eq!(parse("B 1234567").unwrap().as_str(), "B1234567");
        assert_eq!(
            parse("Đ1234567"),
            Err(IdentityError::PassportInvalidCharacter)
        );
    }

    // Detection.

    #[test]
    fn detect_tells_kinds_apart_by_shape() {
        let detect = |raw| DocumentNumber::detect(raw).unwrap().kind();
        assert_eq!(detect("079090001234"), DocumentKind::Cccd);
        assert_eq!(detect("025123456"), DocumentKind::Cmnd);
        assert_eq!(detect("B1234567"), DocumentKind::Passport);
        assert_eq!(detect("p9876543"), DocumentKind::Passport);
        assert_eq!(detect("1234567890"), DocumentKind::Passport);
    }

    #[test]
    fn detect_reports_the_rule_of_the_kind_it_detected() {
        assert_eq!(
            DocumentNumber::detect("003090001234"),
            Err(IdentityError::UnknownProvince {
                kind: DocumentKind::Cccd,
                prefix: 3
            })
        );
        assert_eq!(
            DocumentNumber::detect("0790900012345"),
            Err(IdentityError::PassportWrongLength { actual: 13 })
        );
        assert_eq!(
            DocumentNumber::detect(""),
            Err(IdentityError::Missing {
                field: "document number"
            })
        );
    }

    #[test]
    fn masking_hides_the_first_six_characters() {
        assert_eq!(cccd("079090001234").masked(), "******001234");
        let cmnd = DocumentNumber::detect("025123456").unwrap();
        assert_eq!(cmnd.masked(), "******456");
        let passport = DocumentNumber::detect("B1234567").unwrap();
        assert_eq!(passport.masked(), "******67");
        let shortest = DocumentNumber::detect("AB1234").unwrap();
        assert_eq!(shortest.masked(), "******");
        assert_eq!(mask_document_text("12345"), "*****");
    }

    #[test]
    fn document_numbers_deserialize_only_when_valid() {
        let number: DocumentNumber =
            serde_json::from_str(r#"{"kind":"passport","value":"b1234567"}"#).unwrap();
        assert_eq!(number.as_str(), "B1234567");
        assert_eq!(
            serde_json::to_string(&number).unwrap(),
            r#"{"kind":"passport","value":"B1234567"}"#
        );
        assert!(
            serde_json::from_str::<DocumentNumber>(r#"{"kind":"cccd","value":"003090001234"}"#)
                .is_err()
        );
    }

    // Phone numbers.

    #[test]
    fn accepts_mobile_numbers_in_national_and_international_form() {
        let cases = [
            ("0909123456", "0909123456"),
            ("0312345678", "0312345678"),
            ("0512345678", "0512345678"),
            ("0712345678", "0712345678"),
            ("0812345678", "0812345678"),
            ("+84909123456", "0909123456"),
            ("84909123456", "0909123456"),
            ("+84 909 123 456", "0909123456"),
            ("(+84) 909.123.456", "0909123456"),
            ("090-912-3456", "0909123456"),
            ("(090) 912 3456", "0909123456"),
            ("  0987654321 ", "0987654321"),
        ];
        for (raw, national) in cases {
            assert_eq!(
                PhoneNumber::parse(raw).unwrap().as_str(),
                national,
                "input {raw}"
            );
        }
    }

    #[test]
    fn gives_the_international_form() {
        let phone = PhoneNumber::parse("0909123456").unwrap();
        assert_eq!(phone.international(), "+84909123456");
    }

    #[test]
    fn old_eleven_digit_mobile_numbers_are_refused_with_the_reason() {
        for raw in [
            "01681234567",
            "+841681234567",
            "841681234567",
            "0168 123 4567",
        ] {
            assert_eq!(
                PhoneNumber::parse(raw),
                Err(IdentityError::PhoneRenumbered),
                "input {raw}"
            );
        }
        assert!(
            IdentityError::PhoneRenumbered
                .to_string()
                .contains("renumbered to 10 digits in 2018")
        );
    }

    #[test]
    fn a_mobile_number_has_ten_digits() {
        for (raw, actual) in [("090912345", 9), ("09091234567", 11), ("909123456", 9)] {
            assert_eq!(
                PhoneNumber::parse(raw),
                Err(IdentityError::PhoneWrongLength { actual }),
                "input {raw}"
            );
        }
        // A redundant 0 after +84 makes eleven digits.
        assert_eq!(
            PhoneNumber::parse("+840909123456"),
            Err(IdentityError::PhoneWrongLength { actual: 11 })
        );
    }

    #[test]
    fn a_mobile_number_has_a_carrier_prefix() {
        for (raw, prefix) in [
            ("0212345678", "02"),
            ("0412345678", "04"),
            ("0612345678", "06"),
            ("0012345678", "00"),
            ("1909123456", "19"),
        ] {
            assert_eq!(
                PhoneNumber::parse(raw),
                Err(IdentityError::PhoneNotMobile {
                    prefix: prefix.to_owned()
                }),
                "input {raw}"
            );
        }
    }

    #[test]
    fn refuses_other_characters_and_countries() {
        for raw in ["0909a23456", "0909/123/456", "09+09123456", "++84909123456"] {
            assert_eq!(
                PhoneNumber::parse(raw),
                Err(IdentityError::PhoneInvalidCharacter),
                "input {raw}"
            );
        }
        for raw in ["+1 202 555 0100", "+66812345678", "+"] {
            assert_eq!(
                PhoneNumber::parse(raw),
                Err(IdentityError::PhoneNotVietnamese),
                "input {raw}"
            );
        }
        assert_eq!(
            PhoneNumber::parse(" - "),
            Err(IdentityError::Missing {
                field: "phone number"
            })
        );
    }

    #[test]
    fn phone_masking_shows_only_the_last_three_digits() {
        let phone = PhoneNumber::parse("+84 909 123 456").unwrap();
        assert_eq!(phone.masked(), "*******456");
    }

    // Health insurance cards.

    #[test]
    fn accepts_a_health_insurance_number_ignoring_spaces_and_case() {
        let parse = |raw| HealthInsuranceNumber::parse(raw).unwrap();
        assert_eq!(parse("DN4797912345678").as_str(), "DN4797912345678");
        assert_eq!(parse("dn4797912345678").as_str(), "DN4797912345678");
        assert_eq!(parse("DN 4 79 7912345678").as_str(), "DN4797912345678");
        assert_eq!(parse("HT3797900012345").as_str(), "HT3797900012345");
        assert_eq!(parse("GD1010123456789").as_str(), "GD1010123456789");
    }

    #[test]
    fn a_health_insurance_number_has_15_characters() {
        for (raw, actual) in [("DN479791234567", 14), ("DN47979123456789", 16)] {
            assert_eq!(
                HealthInsuranceNumber::parse(raw),
                Err(IdentityError::HealthInsuranceWrongLength { actual })
            );
        }
        assert_eq!(
            HealthInsuranceNumber::parse("  "),
            Err(IdentityError::Missing {
                field: "health insurance card number"
            })
        );
    }

    #[test]
    fn the_benefit_level_is_one_to_five() {
        for level in [0, 6, 9] {
            let raw = format!("DN{level}797912345678");
            assert_eq!(
                HealthInsuranceNumber::parse(&raw),
                Err(IdentityError::HealthInsuranceBenefitLevel { level })
            );
        }
        assert_eq!(
            IdentityError::HealthInsuranceBenefitLevel { level: 6 }.to_string(),
            "the benefit level, the third character of a health insurance card number, is 1 to \
             5; this card has 6"
        );
    }

    #[test]
    fn each_position_of_a_health_insurance_number_has_its_shape() {
        let cases = [
            ("1N4797912345678", 1, "a letter"),
            ("D44797912345678", 2, "a letter"),
            ("DNX797912345678", 3, "a digit from 1 to 5"),
            ("DN4A97912345678", 4, "a digit"),
            ("DN479791234567X", 15, "a digit"),
        ];
        for (raw, position, expected) in cases {
            assert_eq!(
                HealthInsuranceNumber::parse(raw),
                Err(IdentityError::HealthInsuranceInvalidCharacter { position, expected }),
                "input {raw}"
            );
        }
    }

    // Ward codes and QIDs.

    #[test]
    fn a_ward_code_has_five_digits() {
        assert_eq!(WardCode::parse(" 27094 ").unwrap().as_str(), "27094");
        for (raw, actual) in [("2709", 4), ("270940", 6), ("2709A", 5), ("", 0)] {
            assert_eq!(
                WardCode::parse(raw),
                Err(IdentityError::WardCodeInvalid { actual }),
                "input {raw}"
            );
        }
    }

    #[test]
    fn a_qid_has_ten_to_twenty_digits() {
        for raw in ["1234567890", "790000000000000123", "12345678901234567890"] {
            assert_eq!(Qid::parse(raw).unwrap().as_str(), raw);
        }
        assert_eq!("790000000000000123".len(), ISSUED_QID_DIGITS);
        for (raw, actual) in [
            ("123456789", 9),
            ("123456789012345678901", 21),
            ("79000000000000012X", 18),
            ("", 0),
        ] {
            assert_eq!(
                Qid::parse(raw),
                Err(IdentityError::QidInvalid { actual }),
                "input {raw}"
            );
        }
    }

    #[test]
    fn newtypes_deserialize_only_when_valid() {
        let phone: PhoneNumber = serde_json::from_str("\"+84909123456\"").unwrap();
        assert_eq!(phone.as_str(), "0909123456");
        assert!(serde_json::from_str::<PhoneNumber>("\"01681234567\"").is_err());
        assert!(serde_json::from_str::<WardCode>("\"2709\"").is_err());
        assert!(serde_json::from_str::<Qid>("\"12\"").is_err());
        assert!(serde_json::from_str::<HealthInsuranceNumber>("\"DN0797912345678\"").is_err());
    }

    #[test]
    fn error_codes_are_distinct_snake_case() {
        let errors = [
            IdentityError::Missing { field: "x" },
            IdentityError::UnknownDocumentKind,
            IdentityError::UnknownGender,
            IdentityError::DocumentNotDigits {
                kind: DocumentKind::Cccd,
            },
            IdentityError::DocumentWrongLength {
                kind: DocumentKind::Cccd,
                expected: "12",
                actual: 0,
            },
            IdentityError::UnknownProvince {
                kind: DocumentKind::Cccd,
                prefix: 0,
            },
            IdentityError::PassportInvalidCharacter,
            IdentityError::PassportWrongLength { actual: 0 },
            IdentityError::CccdBirthYearMismatch {
                encoded: 0,
                recorded: 0,
            },
            IdentityError::CccdGenderMismatch {
                encoded: Gender::Male,
                recorded: Gender::Female,
            },
            IdentityError::PhoneInvalidCharacter,
            IdentityError::PhoneNotVietnamese,
            IdentityError::PhoneRenumbered,
            IdentityError::PhoneWrongLength { actual: 0 },
            IdentityError::PhoneNotMobile {
                prefix: String::new(),
            },
            IdentityError::HealthInsuranceWrongLength { actual: 0 },
            IdentityError::HealthInsuranceInvalidCharacter {
                position: 1,
                expected: "a letter",
            },
            IdentityError::HealthInsuranceBenefitLevel { level: 0 },
            IdentityError::WardCodeInvalid { actual: 0 },
            IdentityError::QidInvalid { actual: 0 },
        ];
        let mut codes: Vec<_> = errors.iter().map(IdentityError::code).collect();
        assert!(codes.iter().all(|code| {
            code.chars()
                .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())
        }));
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), errors.len());
    }
}
