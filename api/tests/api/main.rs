//! Integration tests of every endpoint, each scenario on SQLite and on
//! PostgreSQL with a fresh database, through real HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod access;
mod access_log;
mod assessments;
mod auth;
mod common;
mod contacts;
mod contract;
mod corrections;
mod export_timing;
mod fuzz_findings;
mod health;
mod integrations;
mod legacy;
mod limits;
mod organizations;
mod people;
mod qr;
mod registrations;
mod retention;
mod revocations;
mod scans;
mod sms;
mod staff;
mod visits;
mod wards;
