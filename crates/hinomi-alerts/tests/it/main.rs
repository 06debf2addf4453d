//! The crate's integration tests, one module a former `tests/*.rs` file, linked into one
//! test binary (`it`) instead of one binary each: every binary links the whole dependency
//! graph, which cost more than the tests themselves. A new file here needs a `mod` line;
//! a file at `tests/<name>.rs` still becomes a test binary of its own.

mod support;

mod acknowledge;
mod faults;
mod hung_source;
mod ipc_types;
mod matcher_properties;
mod real_auth;
mod real_stack;
mod real_watchdog;
mod size_caps;
