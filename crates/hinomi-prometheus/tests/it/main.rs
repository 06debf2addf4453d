//! The crate's integration tests, one module a former `tests/*.rs` file, linked into one
//! test binary (`it`) instead of one binary each: every binary links the whole dependency
//! graph, which cost more than the tests themselves. A new file here needs a `mod` line;
//! a file at `tests/<name>.rs` still becomes a test binary of its own.

mod auth;
mod errors;
mod faults;
mod frame_fixture;
mod range_stream;
mod real_prometheus;
mod split;
