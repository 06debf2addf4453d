// Keeps a console window from opening next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

// Local log ingest and panel decoding allocate many small, short-lived buffers on several
// threads; glibc malloc was ~11 % of ingest samples, and mimalloc cut ingest CPU by about 15 %
// (docs/benchmarks.md, "Local files").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    hinomi_lib::run(hinomi_lib::cli::Options::from_env());
}
