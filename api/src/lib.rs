//! antoan ("an toàn", safe): Ho Chi Minh City's COVID-19 QR check-in and
//! health-status service. The binary in `main.rs` is a thin shell around
//! this library, which the tests drive in-process.

pub mod auth;
pub mod batch;
pub mod bench;
pub mod cli;
pub mod config;
pub mod csv;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod limits;
pub mod openapi;
pub mod print;
pub mod qr;
pub mod retention;
pub mod route_table;
pub mod routes;
pub mod sms;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod xlsx;
