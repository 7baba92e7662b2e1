//! Integration tests of every endpoint, each scenario on SQLite and on
//! PostgreSQL with a fresh database, through real HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod access;
mod access_log;
mod auth;
mod common;
mod contract;
mod corrections;
mod health;
mod integrations;
mod organizations;
mod people;
mod qr;
mod registrations;
mod scans;
mod sms;
mod wards;
