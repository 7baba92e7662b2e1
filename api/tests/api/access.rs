//! The access matrix: every endpoint against every role, allowed and denied.
