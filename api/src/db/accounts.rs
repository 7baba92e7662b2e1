//! Accounts and their refresh tokens.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{accounts, refresh_tokens};
use crate::auth::{Principal, Role};
use crate::error::ApiError;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = accounts)]
pub struct Account {
    pub id: i64,
    pub public_id: String,
    pub username: String,
    pub password_hash: String,
    pub role: String,
    pub ward_code: Option<String>,
    pub organization_id: Option<i64>,
    pub checkpoint_id: Option<i64>,
    pub person_id: Option<i64>,
    pub active: bool,
    pub created_at: NaiveDateTime,
}

impl Account {
    /// The caller this account logs in as.
    pub fn principal(&self) -> Result<Principal, ApiError> {
        let role = Role::parse(&self.role).ok_or_else(|| {
            ApiError::internal(format!("account {} has role {:?}", self.id, self.role))
        })?;
        Ok(Principal {
            account_id: self.id,
            role,
            ward_code: self.ward_code.clone(),
            organization_id: self.organization_id,
            checkpoint_id: self.checkpoint_id,
            person_id: self.person_id,
        })
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = accounts)]
pub struct NewAccount {
    pub public_id: String,
    pub username: String,
    pub password_hash: String,
    pub role: String,
    pub ward_code: Option<String>,
    pub organization_id: Option<i64>,
    pub checkpoint_id: Option<i64>,
    pub person_id: Option<i64>,
    pub active: bool,
    pub created_at: NaiveDateTime,
}

impl NewAccount {
    /// An active account of `role`, bound to nothing yet: set the binding
    /// its role needs with struct update syntax.
    pub fn new(username: String, password_hash: String, role: Role) -> Self {
        Self {
            public_id: super::new_public_id(),
            username,
            password_hash,
            role: role.as_str().to_owned(),
            ward_code: None,
            organization_id: None,
            checkpoint_id: None,
            person_id: None,
            active: true,
            created_at: super::now(),
        }
    }
}

/// Inserts an account; a taken username is a 409 that says so.
pub fn insert(conn: &mut DbConnection, account: NewAccount) -> Result<Account, ApiError> {
    match diesel::insert_into(accounts::table)
        .values(&account)
        .execute(conn)
    {
        Err(err) if super::is_unique_violation(&err) => Err(ApiError::conflict(
            "username_taken",
            "This username is taken; choose another.",
        )),
        other => other.map_err(ApiError::from),
    }?;
    by_public_id(conn, &account.public_id)?
        .ok_or_else(|| ApiError::internal("inserted account vanished"))
}

pub fn by_username(conn: &mut DbConnection, username: &str) -> Result<Option<Account>, ApiError> {
    Ok(accounts::table
        .filter(accounts::username.eq(username))
        .select(Account::as_select())
        .first(conn)
        .optional()?)
}

pub fn by_id(conn: &mut DbConnection, id: i64) -> Result<Option<Account>, ApiError> {
    Ok(accounts::table
        .find(id)
        .select(Account::as_select())
        .first(conn)
        .optional()?)
}

pub fn by_public_id(conn: &mut DbConnection, public_id: &str) -> Result<Option<Account>, ApiError> {
    Ok(accounts::table
        .filter(accounts::public_id.eq(public_id))
        .select(Account::as_select())
        .first(conn)
        .optional()?)
}

/// Accounts of one organization, for its admin.
pub fn of_organization(
    conn: &mut DbConnection,
    organization_id: i64,
) -> Result<Vec<Account>, ApiError> {
    Ok(accounts::table
        .filter(accounts::organization_id.eq(organization_id))
        .order(accounts::id)
        .select(Account::as_select())
        .load(conn)?)
}

pub fn count_with_role(conn: &mut DbConnection, role: Role) -> Result<i64, ApiError> {
    Ok(accounts::table
        .filter(accounts::role.eq(role.as_str()))
        .count()
        .get_result(conn)?)
}

pub fn set_active(conn: &mut DbConnection, id: i64, active: bool) -> Result<(), ApiError> {
    diesel::update(accounts::table.find(id))
        .set(accounts::active.eq(active))
        .execute(conn)?;
    if !active {
        revoke_all(conn, id)?;
    }
    Ok(())
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshToken {
    pub id: i64,
    pub account_id: i64,
    pub token_hash: String,
    pub family: String,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = refresh_tokens)]
pub struct NewRefreshToken<'a> {
    pub account_id: i64,
    pub token_hash: &'a str,
    pub family: &'a str,
    pub expires_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

pub fn insert_refresh_token(
    conn: &mut DbConnection,
    token: NewRefreshToken<'_>,
) -> Result<(), ApiError> {
    diesel::insert_into(refresh_tokens::table)
        .values(token)
        .execute(conn)?;
    Ok(())
}

pub fn refresh_token_by_hash(
    conn: &mut DbConnection,
    hash: &str,
) -> Result<Option<RefreshToken>, ApiError> {
    Ok(refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(hash))
        .select(RefreshToken::as_select())
        .first(conn)
        .optional()?)
}

/// Revokes one token; returns false when it was already revoked, which for
/// a rotation means someone replayed it.
pub fn revoke_refresh_token(conn: &mut DbConnection, id: i64) -> Result<bool, ApiError> {
    let changed = diesel::update(
        refresh_tokens::table
            .find(id)
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(super::now()))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Revokes every token descended from one login.
pub fn revoke_family(conn: &mut DbConnection, family: &str) -> Result<(), ApiError> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family.eq(family))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(super::now()))
    .execute(conn)?;
    Ok(())
}

/// Revokes every token of an account.
pub fn revoke_all(conn: &mut DbConnection, account_id: i64) -> Result<(), ApiError> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::account_id.eq(account_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(super::now()))
    .execute(conn)?;
    Ok(())
}
