//! The rules of the domain as pure functions and values: no I/O, no
//! framework types. Everything here is unit-tested on its edges.

pub mod correction;
pub mod criteria;
pub mod identity;
pub mod name;
pub mod national_qr;
pub mod payload;
pub mod revocation;
pub mod spreadsheet;
pub mod status;
pub mod time;
