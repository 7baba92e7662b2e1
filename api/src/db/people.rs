//! People: the holders of personal QR codes. Every read takes a
//! `PersonScope`, so a caller can only ever load whom they may see.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::DbConnection;
use super::schema::people;
use crate::auth::PersonScope;
use crate::error::ApiError;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = people)]
pub struct Person {
    pub id: i64,
    pub public_id: String,
    pub qid: String,
    pub document_kind: String,
    pub document_number: String,
    pub full_name: String,
    pub folded_name: String,
    pub birth_date: NaiveDate,
    pub gender: i32,
    pub phone: Option<String>,
    pub health_insurance_number: Option<String>,
    pub ward_code: String,
    pub address: Option<String>,
    pub declared_by_person_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = people)]
pub struct NewPerson {
    pub public_id: String,
    pub qid: String,
    pub document_kind: String,
    pub document_number: String,
    pub full_name: String,
    pub folded_name: String,
    pub birth_date: NaiveDate,
    pub gender: i32,
    pub phone: Option<String>,
    pub health_insurance_number: Option<String>,
    pub ward_code: String,
    pub address: Option<String>,
    pub declared_by_person_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The fields an update may change; `None` leaves a field as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = people)]
pub struct PersonChanges {
    pub full_name: Option<String>,
    pub folded_name: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub gender: Option<i32>,
    pub phone: Option<Option<String>>,
    pub health_insurance_number: Option<Option<String>>,
    pub ward_code: Option<String>,
    pub address: Option<Option<String>>,
    pub updated_at: Option<NaiveDateTime>,
}

/// Inserts a person; a document number already registered is a 409.
pub fn insert(conn: &mut DbConnection, person: &NewPerson) -> Result<Person, ApiError> {
    if by_document(conn, &person.document_number)?.is_some() {
        return Err(duplicate_document());
    }
    match diesel::insert_into(people::table)
        .values(person)
        .execute(conn)
    {
        Err(err) if super::is_unique_violation(&err) => Err(duplicate_document()),
        other => other.map_err(ApiError::from),
    }?;
    people::table
        .filter(people::public_id.eq(&person.public_id))
        .select(Person::as_select())
        .first(conn)
        .map_err(ApiError::from)
}

fn duplicate_document() -> ApiError {
    ApiError::conflict(
        "duplicate_document",
        "A person with this document number is already registered; find them instead.",
    )
}

/// A QID no person has yet: 18 random digits, not starting with 0.
pub fn unused_qid(conn: &mut DbConnection) -> Result<String, ApiError> {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    loop {
        let qid: String = std::iter::once(rng.gen_range(b'1'..=b'9'))
            .chain((0..17).map(|_| rng.gen_range(b'0'..=b'9')))
            .map(char::from)
            .collect();
        if by_qid(conn, &qid)?.is_none() {
            return Ok(qid);
        }
    }
}

type BoxedPeople<'a> = people::BoxedQuery<'a, super::MultiBackend>;

fn scoped<'a>(scope: &PersonScope) -> BoxedPeople<'a> {
    let query = people::table.into_boxed();
    match scope {
        PersonScope::All => query,
        PersonScope::Ward(ward) => query.filter(people::ward_code.eq(ward.clone())),
        PersonScope::SelfAndDeclared(person) => query.filter(
            people::id
                .eq(*person)
                .or(people::declared_by_person_id.eq(*person)),
        ),
        // No row has a negative id: the query stays valid and returns nothing.
        PersonScope::Nobody => query.filter(people::id.lt(0)),
    }
}

pub fn find(
    conn: &mut DbConnection,
    scope: &PersonScope,
    public_id: &str,
) -> Result<Option<Person>, ApiError> {
    Ok(scoped(scope)
        .filter(people::public_id.eq(public_id.to_owned()))
        .select(Person::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_by_document(
    conn: &mut DbConnection,
    scope: &PersonScope,
    document_number: &str,
) -> Result<Option<Person>, ApiError> {
    Ok(scoped(scope)
        .filter(people::document_number.eq(document_number.to_owned()))
        .select(Person::as_select())
        .first(conn)
        .optional()?)
}

/// The people someone declared for, in the order they were declared.
pub fn declared_by(conn: &mut DbConnection, declarer_id: i64) -> Result<Vec<Person>, ApiError> {
    Ok(people::table
        .filter(people::declared_by_person_id.eq(declarer_id))
        .order(people::id)
        .select(Person::as_select())
        .load(conn)?)
}

/// Looks a scanned person up without a caller scope: used only by the scan
/// path, whose answer shows folded name, masked number and colour.
pub fn by_qid(conn: &mut DbConnection, qid: &str) -> Result<Option<Person>, ApiError> {
    Ok(people::table
        .filter(people::qid.eq(qid))
        .select(Person::as_select())
        .first(conn)
        .optional()?)
}

/// The scan path's lookup for codes of other apps, which carry no QID of ours.
pub fn by_document(
    conn: &mut DbConnection,
    document_number: &str,
) -> Result<Option<Person>, ApiError> {
    Ok(people::table
        .filter(people::document_number.eq(document_number))
        .select(Person::as_select())
        .first(conn)
        .optional()?)
}

/// The people of a batch of scans, by QID or by document number, in two
/// queries at most.
pub fn by_qids_and_documents(
    conn: &mut DbConnection,
    qids: &[&str],
    documents: &[&str],
) -> Result<Vec<Person>, ApiError> {
    let mut found = Vec::new();
    for chunk in qids.chunks(super::health::IN_CHUNK) {
        found.extend(
            people::table
                .filter(people::qid.eq_any(chunk))
                .select(Person::as_select())
                .load(conn)?,
        );
    }
    for chunk in documents.chunks(super::health::IN_CHUNK) {
        found.extend(
            people::table
                .filter(people::document_number.eq_any(chunk))
                .select(Person::as_select())
                .load(conn)?,
        );
    }
    Ok(found)
}

pub fn by_id(conn: &mut DbConnection, id: i64) -> Result<Option<Person>, ApiError> {
    Ok(people::table
        .find(id)
        .select(Person::as_select())
        .first(conn)
        .optional()?)
}

pub fn update(
    conn: &mut DbConnection,
    id: i64,
    changes: &PersonChanges,
) -> Result<Person, ApiError> {
    diesel::update(people::table.find(id))
        .set(changes)
        .execute(conn)?;
    Ok(people::table
        .find(id)
        .select(Person::as_select())
        .first(conn)?)
}
