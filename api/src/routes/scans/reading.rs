//! What a scan reads and decides: the payload or typed number read without
//! the database, the person it names, and the colour their records give now.

use chrono::{DateTime, Utc};

use crate::db::{DbConnection, people, revocations};
use crate::domain::identity::DocumentNumber;
use crate::domain::national_qr::ScannedDocument;
use crate::domain::revocation;
use crate::domain::status::Evaluation;
use crate::error::ApiError;
use crate::qr::{self, SignatureCheck};
use crate::routes::health::StatusInputs;
use crate::routes::qr::read_national;
use crate::state::AppState;

/// Who a scan names and how it was read.
pub struct Subject {
    pub person: Option<people::Person>,
    pub document: Option<String>,
    pub folded_name: String,
    pub signature: &'static str,
}

/// How a scanned person is found in antoan.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Lookup {
    /// Our signed codes name the person by QID.
    Qid(String),
    /// Other apps' codes and typed numbers name them by document number.
    Document(String),
}

/// What a payload or a typed number says, read without the database: the
/// parsing and the signature check, which are the costly part of a scan,
/// happen before a connection is taken.
#[derive(Clone, Debug)]
pub struct Reading {
    pub lookup: Lookup,
    /// The document number as read, kept for someone not in antoan.
    pub document: Option<String>,
    /// The name the code carries, shown for someone not in antoan.
    pub code_name: String,
    pub signature: &'static str,
    /// For our intact codes: when the code was issued (absent from version
    /// 1 codes), checked against the holder's revocations once they are found.
    pub issued: Option<Option<DateTime<Utc>>>,
}

impl Reading {
    /// The person this reading names, the revocation check done: a code
    /// issued before a correction removed one of the holder's records says
    /// so, while the colour still comes from the records now.
    pub fn subject(
        self,
        person: Option<people::Person>,
        latest_revocation: Option<DateTime<Utc>>,
    ) -> Subject {
        let revoked = match (self.issued, &person, latest_revocation) {
            (Some(issued_at), Some(_), Some(issued_before)) => {
                revocation::is_revoked(issued_at, issued_before)
            }
            _ => false,
        };
        Subject {
            folded_name: match &person {
                Some(person) => person.folded_name.clone(),
                None => self.code_name,
            },
            person,
            document: self.document,
            signature: if revoked { "revoked" } else { self.signature },
        }
    }
}

/// Reads a scanned payload or a typed document number.
pub fn read_scan(
    state: &AppState,
    payload: &Option<String>,
    document_number: &Option<String>,
) -> Result<Reading, ApiError> {
    match (payload, document_number) {
        (Some(_), Some(_)) => Err(ApiError::field(
            "payload",
            "ambiguous_scan",
            "send payload or document_number, not both",
        )),
        (None, None) => Err(ApiError::field(
            "payload",
            "required",
            "send the scanned payload or a document number",
        )),
        (None, Some(number)) => {
            let document = DocumentNumber::detect(&crate::routes::typed_document(number))
                .map_err(|err| ApiError::field("document_number", err.code(), err.to_string()))?;
            Ok(Reading {
                lookup: Lookup::Document(document.as_str().to_owned()),
                document: Some(document.as_str().to_owned()),
                code_name: String::new(),
                signature: "manual",
                issued: None,
            })
        }
        (Some(text), None) => {
            let code = read_national(text)?;
            let check = qr::check(&state.keys, &code);
            let (signature, issued) = match check {
                SignatureCheck::Valid { issued_at, .. } => ("valid", Some(issued_at)),
                SignatureCheck::Foreign => ("foreign", None),
                SignatureCheck::Absent => ("absent", None),
                // A masked copy of our code still names its document when
                // only the birth date is hidden; otherwise the lookup below
                // asks for the full code.
                SignatureCheck::Masked => ("masked", None),
                SignatureCheck::Invalid => {
                    return Err(ApiError::unprocessable(
                        "invalid_signature",
                        "This code's signature does not match: it was altered or forged. \
                         Ask for an ID document and enter its number by hand.",
                    ));
                }
                SignatureCheck::UnknownKey { .. } => {
                    return Err(ApiError::unprocessable(
                        "unknown_signing_key",
                        "This code was signed by a key this server does not know. \
                         Ask for an ID document and enter its number by hand.",
                    ));
                }
            };
            let document = match &code.document {
                ScannedDocument::Full(document) => Some(document.as_str().to_owned()),
                ScannedDocument::Unrecognized(raw) => Some(raw.clone()),
                ScannedDocument::Masked { .. } | ScannedDocument::Absent => None,
            };
            let lookup = match (issued.is_some(), &code.qid, &document) {
                (true, Some(qid), _) => Lookup::Qid(qid.as_str().to_owned()),
                (_, _, Some(number)) => Lookup::Document(number.clone()),
                _ => {
                    return Err(ApiError::unprocessable(
                        "masked_document",
                        "This code hides the document number, so the person cannot be looked up. \
                         Ask them to show the full code, or enter the number by hand.",
                    ));
                }
            };
            let code_name = match &code.folded_name {
                Some(name) => name.as_str().to_owned(),
                None => code.name_raw.chars().take(100).collect(),
            };
            Ok(Reading {
                lookup,
                document,
                code_name,
                signature,
                issued,
            })
        }
    }
}

/// Who a scanned payload or a typed document number names, looked up one
/// at a time (exits; scans go through the batched writer instead).
pub fn identify(
    conn: &mut DbConnection,
    state: &AppState,
    payload: &Option<String>,
    document_number: &Option<String>,
) -> Result<Subject, ApiError> {
    let reading = read_scan(state, payload, document_number)?;
    let person = match &reading.lookup {
        Lookup::Qid(qid) => people::by_qid(conn, qid)?,
        Lookup::Document(number) => people::by_document(conn, number)?,
    };
    let latest_revocation = match (&reading.issued, &person) {
        (Some(_), Some(person)) => revocations::latest(conn, person.id)?.map(crate::routes::utc),
        _ => None,
    };
    Ok(reading.subject(person, latest_revocation))
}

/// The colour a scan records, and why.
pub struct Decision {
    pub colour: String,
    pub reason: String,
    pub reason_vi: String,
    pub policy_version: String,
}

impl Decision {
    /// The decision for a person in antoan, from their records.
    pub fn of(evaluation: Evaluation) -> Self {
        Self {
            colour: evaluation.colour.as_str().to_owned(),
            reason: evaluation.reason.text_en,
            reason_vi: evaluation.reason.text_vi,
            policy_version: evaluation.policy_version,
        }
    }

    /// The decision for someone antoan has no record of: the policy's
    /// colour for no records at all, and a reason that says why.
    pub fn unknown(evaluation: Evaluation) -> Self {
        Self {
            colour: evaluation.colour.as_str().to_owned(),
            reason: "no record of this person in antoan".to_owned(),
            reason_vi: "không có dữ liệu của người này trong hệ thống".to_owned(),
            policy_version: evaluation.policy_version,
        }
    }
}

/// Judges `person` at `at` from their current records; someone we have no
/// record of is judged by the policy in force on no records at all.
pub fn decide(
    conn: &mut DbConnection,
    person: Option<&people::Person>,
    at: DateTime<Utc>,
) -> Result<Decision, ApiError> {
    Ok(match person {
        Some(person) => Decision::of(StatusInputs::load(conn, person.id)?.evaluate(at)?),
        None => Decision::unknown(StatusInputs::policies_only(conn)?.evaluate(at)?),
    })
}
