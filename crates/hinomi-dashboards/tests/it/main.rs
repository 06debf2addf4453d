//! The crate's integration tests, one module a former `tests/*.rs` file, linked into one
//! test binary (`it`) instead of one binary each: every binary links the whole dependency
//! graph, which cost more than the tests themselves. A new file here needs a `mod` line;
//! a file at `tests/<name>.rs` still becomes a test binary of its own.

mod bindings;
mod builtin;
mod import;
mod import_unsupported;
mod legacy_repeat;
mod node_exporter_full;
mod panel_types;
mod round_trip;
mod store;
