//! The national personal QR of September 2021 (mã QR cá nhân, the personal QR code): a
//! tolerant reader for the codes of every anti-COVID app, and the writer of ours.
//!
//! A code is one line, `SoGiayTo|HoTen|NgaySinh|LoaiDinhDanh|QID|EXT`. The reading rules and
//! the test vectors are in `docs/national-qr-format.md`; the tests below check every vector.

use std::ops::RangeInclusive;

use chrono::{Datelike, NaiveDate};
use thiserror::Error;

use crate::domain::identity::{
    DocumentNumber, Gender, HealthInsuranceNumber, PhoneNumber, Qid, mask_document_text,
};
use crate::domain::name::{FoldedName, NameError};

/// The longest scanned text we read as a personal QR. Our own codes have at most about 320
/// bytes plus the length of the signing key's id.
pub const MAX_PAYLOAD_BYTES: usize = 1_000;

/// How our version 1 token starts: `AT1.<kid>.<not_before_unix>.<not_after_unix>.<signature>`.
/// Still read, no longer issued.
pub const TOKEN_V1_PREFIX: &str = "AT1.";

/// How our version 2 token starts:
/// `AT2.<kid>.<issued_at_unix>.<not_before_unix>.<not_after_unix>.<signature>`. It adds the
/// instant the code was issued, which tells a reader whether a revocation came after it.
pub const TOKEN_V2_PREFIX: &str = "AT2.";

/// Whether an EXT part is a token of ours, of a version we read.
pub fn is_antoan_token(part: &str) -> bool {
    part.starts_with(TOKEN_V1_PREFIX) || part.starts_with(TOKEN_V2_PREFIX)
}

const FIELD_SEPARATOR: char = '|';
const EXT_SEPARATOR: char = '<';
const BYTE_ORDER_MARK: char = '\u{FEFF}';

/// The fields before EXT; a code needs all of them.
const REQUIRED_FIELDS: usize = 5;

/// Characters that stand for a hidden digit of a masked birth date.
const DATE_MASKS: [char; 3] = ['*', 'x', 'X'];
const DATE_SEPARATORS: [char; 3] = ['-', '/', '.'];

/// Birth years we believe. The range also keeps `YYYYMMDD` and `DDMMYYYY` apart (see
/// [`read_birth_date`]).
const BIRTH_YEARS: RangeInclusive<i32> = 1880..=2100;

/// The longest text we keep as an unrecognized document number.
const MAX_DOCUMENT_LEN: usize = 20;

const MOBILE_NUMBER_LEN: usize = 10;
const HEALTH_INSURANCE_LEN: usize = 15;

/// EXT parts at least this long that match no other shape are taken for another app's
/// signature; shorter ones are kept as unknown.
const MIN_FOREIGN_SIGNATURE_LEN: usize = 16;

/// A personal QR as read from a scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NationalQr {
    /// The scanned text without a byte-order mark or surrounding white space. Our signature
    /// covers a prefix of exactly this text; see [`NationalQr::signed_parts`].
    pub payload: String,
    pub document: ScannedDocument,
    /// The name field exactly as scanned.
    pub name_raw: String,
    /// The name folded as our issuer folds it; `None` when folding leaves characters that no
    /// folded name may have (another script, digits) or more than the longest name.
    pub folded_name: Option<FoldedName>,
    pub birth_date: BirthDate,
    /// `LoaiDinhDanh` 1: someone declared for this person ("khai hộ").
    pub declared_on_behalf: bool,
    /// `None` when the field is empty.
    pub qid: Option<Qid>,
    pub ext: Ext,
}

/// The document number field of a scanned code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScannedDocument {
    Full(DocumentNumber),
    /// Masked by the issuing app's display rule, as in `******001234`: only the end is known.
    Masked {
        visible_suffix: String,
    },
    /// Letters and digits that follow no rule we know, such as a CCCD with an unknown
    /// province; kept as scanned.
    Unrecognized(String),
    /// The field is empty, as for a child declared on their behalf who has no document yet.
    Absent,
}

impl ScannedDocument {
    /// The document as a scanner shows it by default, with its first six characters hidden.
    pub fn masked(&self) -> String {
        match self {
            Self::Full(number) => number.masked(),
            Self::Masked { visible_suffix } => format!("******{visible_suffix}"),
            Self::Unrecognized(value) => mask_document_text(value),
            Self::Absent => String::new(),
        }
    }
}

/// A scanned birth date; day and month are often hidden by the display rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BirthDate {
    Full(NaiveDate),
    YearOnly(i32),
}

impl BirthDate {
    pub fn year(&self) -> i32 {
        match self {
            Self::Full(date) => date.year(),
            Self::YearOnly(year) => *year,
        }
    }
}

/// The extension field, each part recognized by its shape.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ext {
    /// Who declared for this person, when someone did.
    pub declarer_qid: Option<Qid>,
    pub gender: Option<Gender>,
    pub health_insurance: Option<HealthInsuranceNumber>,
    pub phone: Option<PhoneNumber>,
    pub signature: Option<Signature>,
    /// Parts of no known shape, and repeats of a kind already read, in scan order.
    pub unknown: Vec<String>,
}

/// The signature part of EXT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signature {
    /// Our token, `AT2.<kid>.<issued_at_unix>.<not_before_unix>.<not_after_unix>.<base64url
    /// signature>` (or version 1, `AT1.`, without the issue instant). The signature covers the
    /// first `signed_prefix_len` bytes of [`NationalQr::payload`]: every byte before the
    /// token's last segment, so the other fields, the `<` before the token, and the token's
    /// own segments up to and including the `.` before the signature.
    Antoan {
        raw: String,
        signed_prefix_len: usize,
    },
    /// Another app's signature, kept as scanned; we cannot check it.
    Foreign(String),
}

impl Signature {
    /// The signature part as scanned.
    pub fn token(&self) -> &str {
        match self {
            Self::Antoan { raw, .. } | Self::Foreign(raw) => raw,
        }
    }
}

/// What a verifier of our signature needs, borrowed from a [`NationalQr`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedParts<'a> {
    /// The exact bytes the signature covers.
    pub message: &'a [u8],
    /// The whole token, `AT2.<kid>.<issued_at_unix>.<not_before_unix>.<not_after_unix>.<signature>`
    /// or its version 1 form.
    pub token: &'a str,
    /// The token's last segment: the base64url signature.
    pub signature: &'a str,
}

impl NationalQr {
    /// True when the code hides part of its values, as screens do by
    /// default: the document number's start, or day and month of birth.
    pub fn is_masked(&self) -> bool {
        matches!(self.document, ScannedDocument::Masked { .. })
            || matches!(self.birth_date, BirthDate::YearOnly(_))
    }

    /// The signed message and the token, when the code carries our signature. `None` for
    /// unsigned codes, for other apps' signatures, and for a value whose signature does not
    /// belong to its payload (possible only when it was built by hand).
    pub fn signed_parts(&self) -> Option<SignedParts<'_>> {
        let Some(Signature::Antoan {
            raw,
            signed_prefix_len,
        }) = &self.ext.signature
        else {
            return None;
        };

        let message = self.payload.get(..*signed_prefix_len)?;
        let (_, signature) = raw.rsplit_once('.')?;
        let signed_token = raw.strip_suffix(signature)?;
        if !message.ends_with(signed_token) {
            return None;
        }

        Some(SignedParts {
            message: message.as_bytes(),
            token: raw,
            signature,
        })
    }
}

/// Why a scanned text is not a readable personal QR. No variant carries the scanned values.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum QrError {
    #[error("the scanned code is empty")]
    Empty,

    #[error("a personal QR has at most {max} bytes; this one has {actual}")]
    TooLong { actual: usize, max: usize },

    #[error("a personal QR has at least 5 fields separated by '|'; this one has {found}")]
    TooFewFields { found: usize },

    #[error("the first field of the personal QR is not a document number")]
    UnreadableDocument,

    #[error("the name field of the personal QR has no letters")]
    EmptyName,

    #[error("the birth date of the personal QR is not a date such as 1990-01-15 or 15/01/1990")]
    UnreadableBirthDate,

    #[error(
        "the declaration type of the personal QR must be 0 (declared by the person) or 1 \
         (declared on their behalf)"
    )]
    BadDeclarationType,

    #[error("the QID field of the personal QR must have 10 to 20 digits")]
    InvalidQid,

    #[error(
        "the personal QR has content after its signature, which the signature does not \
         cover"
    )]
    ContentAfterSignature,
}

impl QrError {
    /// A stable snake_case code for API error bodies.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "empty_payload",
            Self::TooLong { .. } => "payload_too_long",
            Self::TooFewFields { .. } => "too_few_fields",
            Self::UnreadableDocument => "unreadable_document",
            Self::EmptyName => "empty_name",
            Self::UnreadableBirthDate => "unreadable_birth_date",
            Self::BadDeclarationType => "bad_declaration_type",
            Self::InvalidQid => "invalid_qid",
            Self::ContentAfterSignature => "content_after_signature",
        }
    }
}

/// Removes what scanners and copy-paste add around a code: white space, line breaks and a
/// UTF-8 byte-order mark.
pub fn trim_scanned(input: &str) -> &str {
    let text = input.trim_start();
    text.strip_prefix(BYTE_ORDER_MARK).unwrap_or(text).trim()
}

/// Reads a personal QR, tolerating what other apps do differently: a missing or reordered
/// EXT, masked values, birth dates in several forms, unfolded names, extra `|` fields (read
/// as more EXT parts).
pub fn parse(payload: &str) -> Result<NationalQr, QrError> {
    // Checked before anything else, so that an absurd input costs nothing more.
    if payload.len() > MAX_PAYLOAD_BYTES {
        return Err(QrError::TooLong {
            actual: payload.len(),
            max: MAX_PAYLOAD_BYTES,
        });
    }

    let text = trim_scanned(payload);
    if text.is_empty() {
        return Err(QrError::Empty);
    }

    // Everything after the fifth `|` is EXT, extra `|` fields included.
    let fields: Vec<&str> = text.splitn(REQUIRED_FIELDS + 1, FIELD_SEPARATOR).collect();
    let [document, name, birth_date, declaration, qid, ext @ ..] = fields.as_slice() else {
        return Err(QrError::TooFewFields {
            found: fields.len(),
        });
    };

    let document = read_document(document)?;

    let folded_name = match FoldedName::fold(name) {
        Ok(folded) => Some(folded),
        Err(NameError::Empty) => return Err(QrError::EmptyName),
        // The rest of the code is still worth reading: staff can compare the raw name.
        Err(_) => None,
    };

    let birth_date = read_birth_date(birth_date).ok_or(QrError::UnreadableBirthDate)?;

    let declared_on_behalf = match declaration.trim() {
        "0" => false,
        "1" => true,
        _ => return Err(QrError::BadDeclarationType),
    };

    let qid = match qid.trim() {
        "" => None,
        value => Some(Qid::parse(value).map_err(|_| QrError::InvalidQid)?),
    };

    // `ext` is a suffix of `text`, so its offset follows from the lengths.
    let ext = match ext.first() {
        Some(ext_text) => read_ext(ext_text, text.len() - ext_text.len())?,
        None => Ext::default(),
    };

    Ok(NationalQr {
        payload: text.to_owned(),
        document,
        name_raw: (*name).to_owned(),
        folded_name,
        birth_date,
        declared_on_behalf,
        qid,
        ext,
    })
}

fn read_document(field: &str) -> Result<ScannedDocument, QrError> {
    let value = field.trim();
    if value.is_empty() {
        return Ok(ScannedDocument::Absent);
    }

    if value.starts_with('*') {
        let visible_suffix = value.trim_start_matches('*');
        return if visible_suffix.is_empty() || looks_like_document(visible_suffix) {
            Ok(ScannedDocument::Masked {
                visible_suffix: visible_suffix.to_owned(),
            })
        } else {
            Err(QrError::UnreadableDocument)
        };
    }

    match DocumentNumber::detect(value) {
        Ok(number) => Ok(ScannedDocument::Full(number)),
        Err(_) if looks_like_document(value) => Ok(ScannedDocument::Unrecognized(value.to_owned())),
        Err(_) => Err(QrError::UnreadableDocument),
    }
}

fn looks_like_document(value: &str) -> bool {
    (1..=MAX_DOCUMENT_LEN).contains(&value.len())
        && value.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Reads `YYYY-MM-DD`, `DD/MM/YYYY` (either separator, or `.`, with the year at either end),
/// `YYYYMMDD`, `DDMMYYYY` and a bare `YYYY`. A day or month written as `**`, `xx` or `XX`
/// leaves only the year.
fn read_birth_date(field: &str) -> Option<BirthDate> {
    let text = field.trim();

    if text.len() == 4 {
        return read_year(text).map(BirthDate::YearOnly);
    }

    if let Some(separator) = text.chars().find(|c| DATE_SEPARATORS.contains(c)) {
        let parts: Vec<&str> = text.split(separator).collect();
        return match parts.as_slice() {
            [year, month, day] if year.len() == 4 => date_from_parts(day, month, year),
            [day, month, year] if year.len() == 4 => date_from_parts(day, month, year),
            _ => None,
        };
    }

    if text.len() == 8 {
        // Only one reading can succeed: if 19900115 is a valid year-first date, reading it
        // year-last would give the year 0115, outside the birth years.
        let year_first = date_from_parts(text.get(6..)?, text.get(4..6)?, text.get(..4)?);
        return year_first
            .or_else(|| date_from_parts(text.get(..2)?, text.get(2..4)?, text.get(4..)?));
    }

    None
}

enum DatePart {
    Number(u32),
    Masked,
}

fn date_from_parts(day: &str, month: &str, year: &str) -> Option<BirthDate> {
    let year = read_year(year)?;
    match (read_date_part(day)?, read_date_part(month)?) {
        (DatePart::Number(day), DatePart::Number(month)) => {
            NaiveDate::from_ymd_opt(year, month, day).map(BirthDate::Full)
        }
        // A date that hides its day or month still tells the year.
        _ => Some(BirthDate::YearOnly(year)),
    }
}

fn read_date_part(text: &str) -> Option<DatePart> {
    if !(1..=2).contains(&text.len()) {
        return None;
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse().ok().map(DatePart::Number)
    } else if text.chars().all(|c| DATE_MASKS.contains(&c)) {
        Some(DatePart::Masked)
    } else {
        None
    }
}

fn read_year(text: &str) -> Option<i32> {
    if text.len() != 4 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok().filter(|year| BIRTH_YEARS.contains(year))
}

/// The shapes an EXT part can have, in the order they are tried.
enum ExtPart {
    AntoanSignature,
    Phone(PhoneNumber),
    DeclarerQid(Qid),
    Gender(Gender),
    HealthInsurance(HealthInsuranceNumber),
    ForeignSignature,
    Unknown,
}

fn classify(part: &str) -> ExtPart {
    if is_antoan_token(part) {
        return ExtPart::AntoanSignature;
    }

    // Tried before the QID: a mobile number is ten digits too.
    let national_phone_shape = part.len() == MOBILE_NUMBER_LEN
        && part.starts_with('0')
        && part.bytes().all(|b| b.is_ascii_digit());
    if (part.starts_with("+84") || national_phone_shape)
        && let Ok(phone) = PhoneNumber::parse(part)
    {
        return ExtPart::Phone(phone);
    }

    if let Ok(qid) = Qid::parse(part) {
        return ExtPart::DeclarerQid(qid);
    }

    match part {
        "0" => return ExtPart::Gender(Gender::Unknown),
        "1" => return ExtPart::Gender(Gender::Male),
        "2" => return ExtPart::Gender(Gender::Female),
        _ => {}
    }

    if part.len() == HEALTH_INSURANCE_LEN
        && let Ok(number) = HealthInsuranceNumber::parse(part)
    {
        return ExtPart::HealthInsurance(number);
    }

    if part.chars().count() >= MIN_FOREIGN_SIGNATURE_LEN {
        return ExtPart::ForeignSignature;
    }

    ExtPart::Unknown
}

/// Reads the EXT text, which starts at byte `ext_offset` of the trimmed payload.
fn read_ext(ext_text: &str, ext_offset: usize) -> Result<Ext, QrError> {
    let mut ext = Ext::default();
    let mut after_our_signature = false;

    for (part_offset, untrimmed) in ext_parts(ext_text) {
        let part = untrimmed.trim();
        if part.is_empty() {
            continue;
        }

        // Our signature covers only what comes before it, so anything after it could have
        // been added by anyone; trusting it would let a phone or a gender be slipped in.
        if after_our_signature {
            return Err(QrError::ContentAfterSignature);
        }

        // The first part of each kind wins; a repeat is kept as unknown rather than trusted.
        match classify(part) {
            ExtPart::AntoanSignature if ext.signature.is_none() => {
                let leading_space = untrimmed.len() - untrimmed.trim_start().len();
                let part_start = ext_offset + part_offset + leading_space;
                // Every prefix ends in a `.`, so a token always has one.
                let signed_in_part = part.rfind('.').map_or(part.len(), |dot| dot + 1);
                ext.signature = Some(Signature::Antoan {
                    raw: part.to_owned(),
                    signed_prefix_len: part_start + signed_in_part,
                });
                after_our_signature = true;
            }
            ExtPart::ForeignSignature if ext.signature.is_none() => {
                ext.signature = Some(Signature::Foreign(part.to_owned()));
            }
            ExtPart::Phone(phone) if ext.phone.is_none() => ext.phone = Some(phone),
            ExtPart::DeclarerQid(qid) if ext.declarer_qid.is_none() => {
                ext.declarer_qid = Some(qid);
            }
            ExtPart::Gender(gender) if ext.gender.is_none() => ext.gender = Some(gender),
            ExtPart::HealthInsurance(number) if ext.health_insurance.is_none() => {
                ext.health_insurance = Some(number);
            }
            _ => ext.unknown.push(part.to_owned()),
        }
    }

    Ok(ext)
}

/// Splits EXT text at `<` and at any further `|`, giving each part's byte offset in the text.
fn ext_parts(ext_text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    ext_text
        .split([EXT_SEPARATOR, FIELD_SEPARATOR])
        .map(move |part| {
            let start = offset;
            // Both separators are one byte long.
            offset += part.len() + 1;
            (start, part)
        })
}

/// What our issuer writes into a personal QR. Every value is an already-checked newtype, and
/// none can hold a `|` or `<`, so the written fields cannot run into each other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NationalQrFields {
    pub document: DocumentNumber,
    pub folded_name: FoldedName,
    pub birth_date: NaiveDate,
    pub declared_on_behalf: bool,
    pub qid: Qid,
    pub declarer_qid: Option<Qid>,
    pub gender: Gender,
    pub health_insurance: Option<HealthInsuranceNumber>,
    pub phone: Option<PhoneNumber>,
}

impl NationalQrFields {
    /// The code up to where the signature part begins: the five fields, then EXT in the
    /// writer's order (declarer's QID, gender, health insurance card, phone), each EXT part
    /// followed by `<`; a missing value leaves its part empty. The issuer appends
    /// `AT2.<kid>.<issued_at_unix>.<not_before_unix>.<not_after_unix>.`, signs everything it
    /// has so far, and appends the signature.
    pub fn unsigned_prefix(&self) -> String {
        let birth_date = self.birth_date.format("%Y-%m-%d").to_string();
        let declaration = if self.declared_on_behalf { "1" } else { "0" };
        let gender = self.gender.code().to_string();
        let fields = [
            self.document.as_str(),
            self.folded_name.as_str(),
            &birth_date,
            declaration,
            self.qid.as_str(),
        ];
        let ext = [
            self.declarer_qid.as_ref().map_or("", Qid::as_str),
            &gender,
            self.health_insurance
                .as_ref()
                .map_or("", HealthInsuranceNumber::as_str),
            self.phone.as_ref().map_or("", PhoneNumber::as_str),
        ];

        let mut text = String::new();
        for field in fields {
            text.push_str(field);
            text.push(FIELD_SEPARATOR);
        }
        for part in ext {
            text.push_str(part);
            text.push(EXT_SEPARATOR);
        }
        text
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::domain::identity::DocumentKind;

    /// A fictional token of ours; only its shape matters to the reader.
    const TOKEN: &str = "AT1.k2021.1633021200.1648746000.c2lnbmF0dXJlLWJ5dGVzLWhlcmU";
    const TOKEN_HEAD: &str = "AT1.k2021.1633021200.1648746000.";

    fn read(payload: &str) -> NationalQr {
        parse(payload).unwrap()
    }

    fn ext_of(payload: &str) -> Ext {
        read(payload).ext
    }

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    fn document(raw: &str) -> DocumentNumber {
        DocumentNumber::detect(raw).unwrap()
    }

    fn qid(raw: &str) -> Qid {
        Qid::parse(raw).unwrap()
    }

    fn phone(raw: &str) -> PhoneNumber {
        PhoneNumber::parse(raw).unwrap()
    }

    fn health_insurance(raw: &str) -> HealthInsuranceNumber {
        HealthInsuranceNumber::parse(raw).unwrap()
    }

    fn folded(raw: &str) -> FoldedName {
        FoldedName::fold(raw).unwrap()
    }

    fn base(ext: &str) -> String {
        format!("079090001234|NGUYEN VAN AN|1990-01-15|0|790000000000000123|{ext}")
    }

    fn sample_fields() -> NationalQrFields {
        NationalQrFields {
            document: document("079090001234"),
            folded_name: folded("Nguyễn Văn An"),
            birth_date: date(1990, 1, 15),
            declared_on_behalf: false,
            qid: qid("790000000000000123"),
            declarer_qid: None,
            gender: Gender::Male,
            health_insurance: Some(health_insurance("DN4797912345678")),
            phone: Some(phone("0909123456")),
        }
    }

    // The test vectors of docs/national-qr-format.md, in its order.

    const VECTOR_OURS_UNSIGNED: &str =
        "079090001234|NGUYEN VAN AN|1990-01-15|0|790000000000000123|<1<DN4797912345678<0909123456<";
    const VECTOR_OURS_SIGNED_ON_BEHALF: &str = "079321000567|TRAN THI BICH|2021-03-08|1|\
        790000000000000456|790000000000000123<2<<<\
        AT1.k2021.1633021200.1648746000.c2lnbmF0dXJlLWJ5dGVzLWhlcmU";
    const VECTOR_NO_EXT: &str = "001190012345|LE THI HONG|1990-07-20|0|123456789012345678";
    const VECTOR_REORDERED: &str =
        "038085004321|PHAM VAN DUNG|1985-11-02|0|111122223333444455|0912345678<1<";
    const VECTOR_MASKED: &str = "******001234|NGUYEN VAN AN|**/**/1990|0|790000000000000123|";
    const VECTOR_FOREIGN_SIGNATURE: &str = "079185009876|Võ Thị Sáu|02/09/1985|0|2468013579|\
        +84 987 654 321<2<MEUCIQC3bWFkZS11cC1zaWduYXR1cmU";
    const VECTOR_PASSPORT_EXTRA_FIELDS: &str =
        "B1234567|NGUYEN THI MAI|****1978|0|790000000000000789|2|0398765432|X9";
    const VECTOR_CMND_BOM_CRLF: &str =
        "\u{FEFF}025123456|HOANG VAN THU|19600505|0|987654321098765432|HT3797900012345\r\n";
    const VECTOR_UNRECOGNIZED_DOCUMENT: &str =
        "003090001234|DO VAN NAM|1990|0||0812345678<1234567890";
    const VECTOR_CONTENT_AFTER_SIGNATURE: &str = "079090001234|NGUYEN VAN AN|1990-01-15|0|\
        790000000000000123|<1<<<AT1.k2021.1633021200.1648746000.c2lnbmF0dXJl<0909999999";

    #[test]
    fn doc_vector_our_unsigned_prefix() {
        let qr = read(VECTOR_OURS_UNSIGNED);
        assert_eq!(qr.document, ScannedDocument::Full(document("079090001234")));
        assert_eq!(qr.name_raw, "NGUYEN VAN AN");
        assert_eq!(qr.folded_name, Some(folded("NGUYEN VAN AN")));
        assert_eq!(qr.birth_date, BirthDate::Full(date(1990, 1, 15)));
        assert!(!qr.declared_on_behalf);
        assert_eq!(qr.qid, Some(qid("790000000000000123")));
        assert_eq!(
            qr.ext,
            Ext {
                gender: Some(Gender::Male),
                health_insurance: Some(health_insurance("DN4797912345678")),
                phone: Some(phone("0909123456")),
                ..Ext::default()
            }
        );
        assert_eq!(qr.signed_parts(), None);
    }

    #[test]
    fn doc_vector_our_signed_code_declared_on_behalf() {
        let qr = read(VECTOR_OURS_SIGNED_ON_BEHALF);
        assert_eq!(qr.document, ScannedDocument::Full(document("079321000567")));
        assert_eq!(qr.birth_date, BirthDate::Full(date(2021, 3, 8)));
        assert!(qr.declared_on_behalf);
        assert_eq!(qr.ext.declarer_qid, Some(qid("790000000000000123")));
        assert_eq!(qr.ext.gender, Some(Gender::Female));
        assert_eq!(qr.ext.health_insurance, None);
        assert_eq!(qr.ext.phone, None);
        assert!(qr.ext.unknown.is_empty());

        let signed = qr.signed_parts().unwrap();
        let expected_message = format!(
            "079321000567|TRAN THI BICH|2021-03-08|1|790000000000000456|\
             790000000000000123<2<<<{TOKEN_HEAD}"
        );
        assert_eq!(signed.message, expected_message.as_bytes());
        assert_eq!(signed.token, TOKEN);
        assert_eq!(signed.signature, "c2lnbmF0dXJlLWJ5dGVzLWhlcmU");
    }

    #[test]
    fn doc_vector_code_without_ext() {
        let qr = read(VECTOR_NO_EXT);
        assert_eq!(qr.document, ScannedDocument::Full(document("001190012345")));
        assert_eq!(qr.birth_date, BirthDate::Full(date(1990, 7, 20)));
        assert_eq!(qr.qid, Some(qid("123456789012345678")));
        assert_eq!(qr.ext, Ext::default());
    }

    #[test]
    fn doc_vector_reordered_ext_with_trailing_separator() {
        let qr = read(VECTOR_REORDERED);
        assert_eq!(qr.ext.phone, Some(phone("0912345678")));
        assert_eq!(qr.ext.gender, Some(Gender::Male));
        assert_eq!(qr.ext.declarer_qid, None);
        assert!(qr.ext.unknown.is_empty());
    }

    #[test]
    fn doc_vector_masked_document_and_birth_date() {
        let qr = read(VECTOR_MASKED);
        assert_eq!(
            qr.document,
            ScannedDocument::Masked {
                visible_suffix: "001234".to_owned()
            }
        );
        assert_eq!(qr.birth_date, BirthDate::YearOnly(1990));
        assert_eq!(qr.ext, Ext::default());
    }

    #[test]
    fn doc_vector_foreign_signature_international_phone_unfolded_name() {
        let qr = read(VECTOR_FOREIGN_SIGNATURE);
        assert_eq!(qr.name_raw, "Võ Thị Sáu");
        assert_eq!(qr.folded_name, Some(folded("VO THI SAU")));
        assert_eq!(qr.birth_date, BirthDate::Full(date(1985, 9, 2)));
        assert_eq!(qr.qid, Some(qid("2468013579")));
        assert_eq!(qr.ext.phone, Some(phone("0987654321")));
        assert_eq!(qr.ext.gender, Some(Gender::Female));
        assert_eq!(
            qr.ext.signature,
            Some(Signature::Foreign(
                "MEUCIQC3bWFkZS11cC1zaWduYXR1cmU".to_owned()
            ))
        );
        assert_eq!(qr.signed_parts(), None);
    }

    #[test]
    fn doc_vector_passport_with_extra_fields() {
        let qr = read(VECTOR_PASSPORT_EXTRA_FIELDS);
        assert_eq!(qr.document, ScannedDocument::Full(document("B1234567")));
        assert_eq!(qr.birth_date, BirthDate::YearOnly(1978));
        assert_eq!(qr.ext.gender, Some(Gender::Female));
        assert_eq!(qr.ext.phone, Some(phone("0398765432")));
        assert_eq!(qr.ext.unknown, ["X9"]);
    }

    #[test]
    fn doc_vector_cmnd_with_byte_order_mark_and_crlf() {
        let qr = read(VECTOR_CMND_BOM_CRLF);
        let number = document("025123456");
        assert_eq!(number.kind(), DocumentKind::Cmnd);
        assert_eq!(qr.document, ScannedDocument::Full(number));
        assert_eq!(qr.birth_date, BirthDate::Full(date(1960, 5, 5)));
        assert_eq!(
            qr.ext.health_insurance,
            Some(health_insurance("HT3797900012345"))
        );
        assert!(!qr.payload.starts_with(BYTE_ORDER_MARK));
        assert!(qr.payload.ends_with("HT3797900012345"));
    }

    #[test]
    fn doc_vector_unrecognized_document_year_only_no_qid() {
        let qr = read(VECTOR_UNRECOGNIZED_DOCUMENT);
        assert_eq!(
            qr.document,
            ScannedDocument::Unrecognized("003090001234".to_owned())
        );
        assert_eq!(qr.birth_date, BirthDate::YearOnly(1990));
        assert_eq!(qr.qid, None);
        assert_eq!(qr.ext.phone, Some(phone("0812345678")));
        assert_eq!(qr.ext.declarer_qid, Some(qid("1234567890")));
    }

    #[test]
    fn doc_vector_content_after_our_signature_is_refused() {
        assert_eq!(
            parse(VECTOR_CONTENT_AFTER_SIGNATURE),
            Err(QrError::ContentAfterSignature)
        );
    }

    #[test]
    fn every_vector_appears_in_the_format_document() {
        let doc = include_str!("../../../docs/national-qr-format.md");
        let vectors = [
            VECTOR_OURS_UNSIGNED,
            VECTOR_OURS_SIGNED_ON_BEHALF,
            VECTOR_NO_EXT,
            VECTOR_REORDERED,
            VECTOR_MASKED,
            VECTOR_FOREIGN_SIGNATURE,
            VECTOR_PASSPORT_EXTRA_FIELDS,
            VECTOR_CMND_BOM_CRLF,
            VECTOR_UNRECOGNIZED_DOCUMENT,
            VECTOR_CONTENT_AFTER_SIGNATURE,
        ];
        for vector in vectors {
            // The document shows the byte-order mark and line break in words.
            let visible = trim_scanned(vector);
            assert!(doc.contains(visible), "docs lack the vector {visible}");
        }
    }

    // EXT shapes.

    #[test]
    fn an_empty_ext_reads_as_nothing() {
        assert_eq!(ext_of(&base("")), Ext::default());
        assert_eq!(ext_of(&base("<<<<")), Ext::default());
        assert_eq!(ext_of(&base(" < < ")), Ext::default());
    }

    #[test]
    fn ext_parts_are_recognized_in_any_order() {
        let expected = Ext {
            declarer_qid: Some(qid("790000000000000999")),
            gender: Some(Gender::Female),
            health_insurance: Some(health_insurance("DN4797912345678")),
            phone: Some(phone("0909123456")),
            signature: None,
            unknown: Vec::new(),
        };
        let orders = [
            "790000000000000999<2<DN4797912345678<0909123456",
            "0909123456<DN4797912345678<2<790000000000000999",
            "2<0909123456<790000000000000999<DN4797912345678<",
            "<<DN4797912345678<<2<<0909123456<<790000000000000999<<",
        ];
        for order in orders {
            assert_eq!(ext_of(&base(order)), expected, "EXT {order}");
        }
    }

    #[test]
    fn an_ext_with_only_our_signature() {
        let qr = read(&base(TOKEN));
        assert_eq!(qr.ext.signature.as_ref().map(Signature::token), Some(TOKEN));
        assert_eq!(qr.ext.gender, None);
        let message = format!("{}{TOKEN_HEAD}", base(""));
        assert_eq!(qr.signed_parts().unwrap().message, message.as_bytes());
    }

    #[test]
    fn an_ext_with_only_a_phone() {
        let ext = ext_of(&base("0909123456"));
        assert_eq!(
            ext,
            Ext {
                phone: Some(phone("0909123456")),
                ..Ext::default()
            }
        );
        assert_eq!(
            ext_of(&base("+84909123456")).phone,
            Some(phone("0909123456"))
        );
    }

    #[test]
    fn ten_digits_are_a_phone_only_with_a_mobile_prefix() {
        let ext = ext_of(&base("0212345678<0312345678"));
        assert_eq!(ext.declarer_qid, Some(qid("0212345678")));
        assert_eq!(ext.phone, Some(phone("0312345678")));

        // Without the leading 0, ten or more digits are a QID, even with 84 in front.
        let ext = ext_of(&base("84909123456"));
        assert_eq!(ext.declarer_qid, Some(qid("84909123456")));
        assert_eq!(ext.phone, None);
    }

    #[test]
    fn recognizes_a_declarer_qid_of_any_accepted_length() {
        for raw in ["1234567890", "790000000000000123", "12345678901234567890"] {
            assert_eq!(ext_of(&base(raw)).declarer_qid, Some(qid(raw)));
        }
        // 21 digits fit no shape but are long enough to be someone's signature.
        let ext = ext_of(&base("123456789012345678901"));
        assert_eq!(ext.declarer_qid, None);
        assert_eq!(
            ext.signature,
            Some(Signature::Foreign("123456789012345678901".to_owned()))
        );
    }

    #[test]
    fn recognizes_each_gender_code() {
        assert_eq!(ext_of(&base("0")).gender, Some(Gender::Unknown));
        assert_eq!(ext_of(&base("1")).gender, Some(Gender::Male));
        assert_eq!(ext_of(&base("2")).gender, Some(Gender::Female));
        assert_eq!(ext_of(&base("3")).unknown, ["3"]);
    }

    #[test]
    fn recognizes_a_health_insurance_number_in_lower_case() {
        let ext = ext_of(&base("dn4797912345678"));
        assert_eq!(
            ext.health_insurance,
            Some(health_insurance("DN4797912345678"))
        );
    }

    #[test]
    fn a_health_insurance_shape_with_a_bad_benefit_level_is_unknown() {
        let ext = ext_of(&base("DN0797912345678<DN6797912345678"));
        assert_eq!(ext.health_insurance, None);
        assert_eq!(ext.unknown, ["DN0797912345678", "DN6797912345678"]);
    }

    #[test]
    fn long_parts_of_no_other_shape_are_foreign_signatures() {
        let ext = ext_of(&base("1<MEUCIQC3bWFkZS11cC1zaWduYXR1cmU"));
        assert_eq!(
            ext.signature,
            Some(Signature::Foreign(
                "MEUCIQC3bWFkZS11cC1zaWduYXR1cmU".to_owned()
            ))
        );
        assert_eq!(
            ext_of(&base("ABCDEFGHIJKLMNO")).unknown,
            ["ABCDEFGHIJKLMNO"]
        );
        assert!(ext_of(&base("ABCDEFGHIJKLMNOP")).signature.is_some());
    }

    #[test]
    fn short_parts_of_no_known_shape_are_kept_as_unknown() {
        let ext = ext_of(&base("abc<1<12345<+1 202 555 0100"));
        assert_eq!(ext.gender, Some(Gender::Male));
        assert_eq!(ext.unknown, ["abc", "12345", "+1 202 555 0100"]);
    }

    #[test]
    fn a_repeated_kind_keeps_the_first_and_sets_the_rest_aside() {
        let ext = ext_of(&base(
            "1<2<0909123456<0987654321<MEUCIQC3bWFkZS11cC1zaWdu<\
                               MEUCIQC3bWFkZS11cC1zaWduYXR1",
        ));
        assert_eq!(ext.gender, Some(Gender::Male));
        assert_eq!(ext.phone, Some(phone("0909123456")));
        assert_eq!(
            ext.signature,
            Some(Signature::Foreign("MEUCIQC3bWFkZS11cC1zaWdu".to_owned()))
        );
        assert_eq!(
            ext.unknown,
            ["2", "0987654321", "MEUCIQC3bWFkZS11cC1zaWduYXR1"]
        );
    }

    #[test]
    fn our_token_after_a_foreign_signature_is_not_trusted() {
        let qr = read(&base(&format!("MEUCIQC3bWFkZS11cC1zaWdu<{TOKEN}")));
        assert!(matches!(qr.ext.signature, Some(Signature::Foreign(_))));
        assert_eq!(qr.ext.unknown, [TOKEN]);
        assert_eq!(qr.signed_parts(), None);
    }

    #[test]
    fn extra_fields_are_read_as_more_ext_parts() {
        let ext = ext_of(&base("1|0909123456|DN4797912345678"));
        assert_eq!(ext.gender, Some(Gender::Male));
        assert_eq!(ext.phone, Some(phone("0909123456")));
        assert_eq!(
            ext.health_insurance,
            Some(health_insurance("DN4797912345678"))
        );

        assert_eq!(ext_of(&base("||||")), Ext::default());
    }

    // Our signature.

    #[test]
    fn trailing_separators_after_our_signature_are_allowed() {
        for trailer in ["<", "<<", "|", " < ", "<\r\n"] {
            let qr = read(&format!("{}{TOKEN}{trailer}", base("<1<<<")));
            let expected = format!("{}{TOKEN_HEAD}", base("<1<<<"));
            assert_eq!(
                qr.signed_parts().unwrap().message,
                expected.as_bytes(),
                "trailer {trailer:?}"
            );
        }
    }

    #[test]
    fn anything_after_our_signature_is_refused() {
        for trailer in ["<0909123456", "<2", "|X", "<AT1.k.1.2.c2ln"] {
            assert_eq!(
                parse(&format!("{}{TOKEN}{trailer}", base(""))),
                Err(QrError::ContentAfterSignature),
                "trailer {trailer:?}"
            );
        }
    }

    #[test]
    fn the_signed_message_is_measured_on_the_trimmed_payload() {
        let prefix = sample_fields().unsigned_prefix();
        let scanned = format!("\u{FEFF}  {prefix}{TOKEN}\r\n");
        let qr = read(&scanned);
        assert_eq!(qr.payload, format!("{prefix}{TOKEN}"));
        assert_eq!(
            qr.signed_parts().unwrap().message,
            format!("{prefix}{TOKEN_HEAD}").as_bytes()
        );
    }

    #[test]
    fn the_signed_message_counts_bytes_not_characters() {
        let payload = format!("079185009876|Võ Thị Sáu|1985-09-02|0|790000000000000123|2<{TOKEN}");
        let qr = read(&payload);
        let Some(Signature::Antoan {
            signed_prefix_len, ..
        }) = qr.ext.signature
        else {
            panic!("expected our signature");
        };
        assert_eq!(
            signed_prefix_len,
            payload.len() - "c2lnbmF0dXJlLWJ5dGVzLWhlcmU".len()
        );
        assert!(
            qr.signed_parts()
                .unwrap()
                .message
                .ends_with(TOKEN_HEAD.as_bytes())
        );
    }

    #[test]
    fn the_signed_message_skips_white_space_around_the_token() {
        let qr = read(&format!("{} {TOKEN}", base("1<")));
        let message = format!("{} {TOKEN_HEAD}", base("1<"));
        assert_eq!(qr.signed_parts().unwrap().message, message.as_bytes());
    }

    #[test]
    fn a_token_without_segments_signs_up_to_its_prefix() {
        let qr = read(&base("AT1."));
        let signed = qr.signed_parts().unwrap();
        assert_eq!(signed.message, base("AT1.").as_bytes());
        assert_eq!(signed.signature, "");
    }

    #[test]
    fn a_version_2_token_is_ours_and_signs_up_to_its_last_segment() {
        let token = "AT2.k2021.1634698800.1633021200.1648746000.c2lnbmF0dXJlLWJ5dGVzLWhlcmU";
        let qr = read(&base(&format!("<1<<<{token}")));
        assert!(matches!(qr.ext.signature, Some(Signature::Antoan { .. })));
        let signed = qr.signed_parts().unwrap();
        let head = "AT2.k2021.1634698800.1633021200.1648746000.";
        assert_eq!(
            signed.message,
            format!("{}{head}", base("<1<<<")).as_bytes()
        );
        assert_eq!(signed.signature, "c2lnbmF0dXJlLWJ5dGVzLWhlcmU");

        // Nothing may follow it either.
        assert_eq!(
            parse(&format!("{}{token}<0909123456", base(""))),
            Err(QrError::ContentAfterSignature)
        );
    }

    #[test]
    fn a_token_version_we_do_not_know_is_not_taken_for_ours() {
        let unknown = "AT3.k2021.1.2.3.4.c2lnbmF0dXJlLWJ5dGVzLWhlcmU";
        let qr = read(&base(unknown));
        assert_eq!(
            qr.ext.signature,
            Some(Signature::Foreign(unknown.to_owned()))
        );
        assert_eq!(qr.signed_parts(), None);
    }

    #[test]
    fn signed_parts_refuses_a_signature_that_does_not_fit_its_payload() {
        let mut qr = read(&base(TOKEN));
        qr.ext.signature = Some(Signature::Antoan {
            raw: TOKEN.to_owned(),
            signed_prefix_len: 10,
        });
        assert_eq!(qr.signed_parts(), None);

        qr.ext.signature = Some(Signature::Antoan {
            raw: TOKEN.to_owned(),
            signed_prefix_len: 100_000,
        });
        assert_eq!(qr.signed_parts(), None);
    }

    // Documents.

    #[test]
    fn reads_masked_documents() {
        let cases = [
            ("******001234", "001234"),
            ("******456", "456"),
            ("********1234", "1234"),
            ("******67", "67"),
            ("************", ""),
        ];
        for (field, suffix) in cases {
            let qr = read(&format!("{field}|AN|1990|0|1234567890"));
            assert_eq!(
                qr.document,
                ScannedDocument::Masked {
                    visible_suffix: suffix.to_owned()
                },
                "field {field}"
            );
        }
    }

    #[test]
    fn reads_full_unrecognized_and_absent_documents() {
        let document_of = |field: &str| read(&format!("{field}|AN|1990|0|")).document;

        assert_eq!(
            document_of("b1234567"),
            ScannedDocument::Full(document("B1234567"))
        );
        assert_eq!(
            document_of("0790900012"),
            ScannedDocument::Full(document("0790900012"))
        );
        assert_eq!(
            document_of("07909000123"),
            ScannedDocument::Full(document("07909000123"))
        );
        assert_eq!(
            document_of("AB12"),
            ScannedDocument::Unrecognized("AB12".to_owned())
        );
        assert_eq!(
            document_of("0790900012345"),
            ScannedDocument::Unrecognized("0790900012345".to_owned())
        );
        assert_eq!(document_of(""), ScannedDocument::Absent);
        assert_eq!(document_of("  "), ScannedDocument::Absent);
    }

    #[test]
    fn refuses_a_document_field_that_is_no_document() {
        for field in [
            "079-090-001234",
            "số giấy tờ",
            "******00 1234",
            "123456789012345678901",
            "12*34",
        ] {
            assert_eq!(
                parse(&format!("{field}|AN|1990|0|")),
                Err(QrError::UnreadableDocument),
                "field {field}"
            );
        }
    }

    #[test]
    fn scanned_documents_mask_for_display() {
        assert_eq!(
            ScannedDocument::Full(document("079090001234")).masked(),
            "******001234"
        );
        let masked = ScannedDocument::Masked {
            visible_suffix: "001234".to_owned(),
        };
        assert_eq!(masked.masked(), "******001234");
        assert_eq!(
            ScannedDocument::Unrecognized("003090001234".to_owned()).masked(),
            "******001234"
        );
        assert_eq!(ScannedDocument::Absent.masked(), "");
    }

    // Birth dates.

    fn birth_date_of(field: &str) -> Result<BirthDate, QrError> {
        parse(&format!("079090001234|AN|{field}|0|")).map(|qr| qr.birth_date)
    }

    #[test]
    fn reads_full_birth_dates_in_each_form() {
        let expected = Ok(BirthDate::Full(date(1990, 1, 15)));
        for field in [
            "1990-01-15",
            "15/01/1990",
            "19900115",
            "15011990",
            "15-01-1990",
            "1990/01/15",
            "15.01.1990",
            "15/1/1990",
            " 1990-1-15 ",
        ] {
            assert_eq!(birth_date_of(field), expected, "field {field}");
        }
    }

    #[test]
    fn reads_masked_birth_dates_in_each_form() {
        let expected = Ok(BirthDate::YearOnly(1990));
        for field in [
            "**/**/1990",
            "xx/xx/1990",
            "XX/XX/1990",
            "1990-**-**",
            "1990-xx-xx",
            "****1990",
            "xxxx1990",
            "1990****",
            "1990",
            "**/01/1990",
            "*/*/1990",
        ] {
            assert_eq!(birth_date_of(field), expected, "field {field}");
        }
    }

    #[test]
    fn compact_dates_are_read_year_first_or_year_last_unambiguously() {
        assert_eq!(
            birth_date_of("20011990"),
            Ok(BirthDate::Full(date(1990, 1, 20)))
        );
        assert_eq!(
            birth_date_of("20011231"),
            Ok(BirthDate::Full(date(2001, 12, 31)))
        );
        assert_eq!(
            birth_date_of("19121920"),
            Ok(BirthDate::Full(date(1920, 12, 19)))
        );
    }

    #[test]
    fn refuses_birth_dates_that_are_no_date() {
        for field in [
            "",
            "1990-13-01",
            "1990-02-30",
            "31/04/1990",
            "00/01/1990",
            "1990-01",
            "1990-01-15-01",
            "1990-01/15",
            "90-01-15",
            "1879",
            "2101",
            "**/**/19**",
            "1990-*1-15",
            "19901990",
            "15 01 1990",
            "１９９０",
            "January 1990",
        ] {
            assert_eq!(
                birth_date_of(field),
                Err(QrError::UnreadableBirthDate),
                "field {field:?}"
            );
        }
    }

    #[test]
    fn birth_dates_tell_their_year() {
        assert_eq!(BirthDate::Full(date(1990, 1, 15)).year(), 1990);
        assert_eq!(BirthDate::YearOnly(1978).year(), 1978);
    }

    // Names.

    #[test]
    fn folds_lower_case_and_decomposed_names_but_keeps_them_raw() {
        let decomposed = "Nguye\u{0302}\u{0303}n Thi\u{0323} \u{0110}oa\u{0300}n";
        for name in ["nguyễn thị đoàn", decomposed, "  NGUYEN   THI DOAN "] {
            let qr = read(&format!("079190001234|{name}|1990|0|"));
            assert_eq!(qr.name_raw, name);
            assert_eq!(
                qr.folded_name,
                Some(folded("NGUYEN THI DOAN")),
                "name {name:?}"
            );
        }
    }

    #[test]
    fn a_name_that_cannot_be_folded_is_kept_raw_only() {
        for name in ["王小明", "NGUYEN VAN 2", "A".repeat(101).as_str()] {
            let qr = read(&format!("079090001234|{name}|1990|0|"));
            assert_eq!(qr.name_raw, name);
            assert_eq!(qr.folded_name, None);
        }
    }

    #[test]
    fn refuses_a_name_without_letters() {
        for name in ["", "   ", "-"] {
            assert_eq!(
                parse(&format!("079090001234|{name}|1990|0|")),
                Err(QrError::EmptyName),
                "name {name:?}"
            );
        }
    }

    // The other fields and the payload as a whole.

    #[test]
    fn reads_the_declaration_type() {
        assert!(!read("079090001234|AN|1990|0|").declared_on_behalf);
        assert!(read("079090001234|AN|1990| 1 |").declared_on_behalf);
        for field in ["", "2", "01", "yes", "O"] {
            assert_eq!(
                parse(&format!("079090001234|AN|1990|{field}|")),
                Err(QrError::BadDeclarationType),
                "field {field:?}"
            );
        }
    }

    #[test]
    fn reads_the_qid_field() {
        assert_eq!(read("079090001234|AN|1990|0|").qid, None);
        assert_eq!(
            read("079090001234|AN|1990|0| 790000000000000123 ").qid,
            Some(qid("790000000000000123"))
        );
        for field in ["123456789", "123456789012345678901", "79000000000000012A"] {
            assert_eq!(
                parse(&format!("079090001234|AN|1990|0|{field}")),
                Err(QrError::InvalidQid),
                "field {field}"
            );
        }
    }

    #[test]
    fn strips_a_byte_order_mark_and_surrounding_white_space() {
        for scanned in [
            format!("\u{FEFF}{VECTOR_NO_EXT}"),
            format!("  \u{FEFF}{VECTOR_NO_EXT}\r\n"),
            format!("\r\n{VECTOR_NO_EXT}\n\n"),
            format!("\t{VECTOR_NO_EXT} "),
        ] {
            let qr = read(&scanned);
            assert_eq!(qr.payload, VECTOR_NO_EXT);
            assert_eq!(qr.qid, Some(qid("123456789012345678")));
        }
    }

    #[test]
    fn refuses_empty_and_short_payloads() {
        for payload in ["", "   ", "\u{FEFF}", "\r\n"] {
            assert_eq!(parse(payload), Err(QrError::Empty), "payload {payload:?}");
        }
        for (payload, found) in [
            ("hello", 1),
            ("079090001234|NGUYEN VAN AN", 2),
            ("079090001234|NGUYEN VAN AN|1990-01-15|0", 4),
        ] {
            assert_eq!(parse(payload), Err(QrError::TooFewFields { found }));
        }
    }

    #[test]
    fn refuses_payloads_over_the_size_limit() {
        let at_limit = format!(
            "{}{}",
            base("<"),
            "<".repeat(MAX_PAYLOAD_BYTES - base("<").len())
        );
        assert_eq!(at_limit.len(), MAX_PAYLOAD_BYTES);
        assert!(parse(&at_limit).is_ok());

        let over = format!("{at_limit}<");
        assert_eq!(
            parse(&over),
            Err(QrError::TooLong {
                actual: MAX_PAYLOAD_BYTES + 1,
                max: MAX_PAYLOAD_BYTES
            })
        );
    }

    #[test]
    fn garbage_is_refused_with_a_reason() {
        let cases = [
            ("||||", QrError::EmptyName),
            ("|||||", QrError::EmptyName),
            ("a|b|c|d|e", QrError::UnreadableBirthDate),
            ("<<<<|>>>>|????|!!!!|####", QrError::UnreadableDocument),
            ("079090001234|AN|1990|0|0|0", QrError::InvalidQid),
        ];
        for (payload, error) in cases {
            assert_eq!(parse(payload), Err(error), "payload {payload:?}");
        }
    }

    #[test]
    fn no_prefix_of_a_tricky_payload_makes_the_reader_panic() {
        let tricky = format!(
            "\u{FEFF} ******Đ12|Nguyễn 王|１９/０１/1990|1|{}|+84 ９09<ĐN4797912345678<{TOKEN}<",
            "7".repeat(18)
        );
        for (end, _) in tricky.char_indices() {
            let _ = parse(&tricky[..end]);
        }
    }

    #[test]
    fn error_codes_are_distinct() {
        let errors = [
            QrError::Empty,
            QrError::TooLong { actual: 0, max: 0 },
            QrError::TooFewFields { found: 0 },
            QrError::UnreadableDocument,
            QrError::EmptyName,
            QrError::UnreadableBirthDate,
            QrError::BadDeclarationType,
            QrError::InvalidQid,
            QrError::ContentAfterSignature,
        ];
        let mut codes: Vec<_> = errors.iter().map(QrError::code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), errors.len());
    }

    // The writer.

    #[test]
    fn writes_the_fields_in_the_writers_order() {
        assert_eq!(sample_fields().unsigned_prefix(), VECTOR_OURS_UNSIGNED);

        let sparse = NationalQrFields {
            health_insurance: None,
            phone: None,
            gender: Gender::Unknown,
            ..sample_fields()
        };
        assert_eq!(
            sparse.unsigned_prefix(),
            "079090001234|NGUYEN VAN AN|1990-01-15|0|790000000000000123|<0<<<"
        );
    }

    fn assert_round_trip(fields: &NationalQrFields) {
        let prefix = fields.unsigned_prefix();
        for payload in [prefix.clone(), format!("{prefix}{TOKEN}")] {
            let qr = read(&payload);
            assert_eq!(qr.document, ScannedDocument::Full(fields.document.clone()));
            assert_eq!(qr.name_raw, fields.folded_name.as_str());
            assert_eq!(qr.folded_name.as_ref(), Some(&fields.folded_name));
            assert_eq!(qr.birth_date, BirthDate::Full(fields.birth_date));
            assert_eq!(qr.declared_on_behalf, fields.declared_on_behalf);
            assert_eq!(qr.qid.as_ref(), Some(&fields.qid));
            assert_eq!(qr.ext.declarer_qid, fields.declarer_qid);
            assert_eq!(qr.ext.gender, Some(fields.gender));
            assert_eq!(qr.ext.health_insurance, fields.health_insurance);
            assert_eq!(qr.ext.phone, fields.phone);
            assert!(qr.ext.unknown.is_empty(), "payload {payload}");
        }

        let signed = read(&format!("{prefix}{TOKEN}"));
        let parts = signed.signed_parts().unwrap();
        assert_eq!(parts.message, format!("{prefix}{TOKEN_HEAD}").as_bytes());
        assert_eq!(parts.token, TOKEN);
    }

    #[test]
    fn what_we_write_reads_back_the_same() {
        let on_behalf = NationalQrFields {
            document: document("079321000567"),
            folded_name: folded("Trần Thị Bích"),
            birth_date: date(2021, 3, 8),
            declared_on_behalf: true,
            qid: qid("790000000000000456"),
            declarer_qid: Some(qid("790000000000000123")),
            gender: Gender::Female,
            health_insurance: None,
            phone: None,
        };
        let passport = NationalQrFields {
            document: document("C7654321"),
            folded_name: folded("O'Neil-Smith Jr."),
            birth_date: date(1978, 12, 31),
            gender: Gender::Unknown,
            phone: Some(phone("+84 398 765 432")),
            ..sample_fields()
        };
        let cmnd = NationalQrFields {
            document: document("025123456"),
            folded_name: folded("Hoàng Văn Thụ"),
            birth_date: date(1960, 5, 5),
            health_insurance: Some(health_insurance("HT3797900012345")),
            ..sample_fields()
        };
        for fields in [sample_fields(), on_behalf, passport, cmnd] {
            assert_round_trip(&fields);
        }
    }
}
