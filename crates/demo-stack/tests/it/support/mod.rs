//! What the integration tests share: finding the demo API binary, and telling whether the
//! processes a stack started are really gone.
//!
//! The stack needs the `hinomi-demo-api` binary, which belongs to another package, so cargo
//! does not build it for these tests. It is looked up like the library does (the
//! `HINOMI_DEMO_API_BIN` variable, else `target/<profile>/`); when it is missing it is built
//! once with `cargo build -p hinomi-demo-api`. Building it beforehand is faster and avoids
//! waiting on cargo's lock: `cargo build -p hinomi-demo-api && cargo test -p hinomi-demo-stack`.

use hinomi_demo_stack::{DEMO_API_BIN_ENV, locate_demo_api_bin};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub fn demo_api_bin() -> PathBuf {
    static BUILD: Mutex<()> = Mutex::new(());
    let _one_build_at_a_time = BUILD.lock().unwrap_or_else(|poison| poison.into_inner());
    let path = locate_demo_api_bin();
    if path.is_file() {
        return path;
    }
    assert!(
        std::env::var_os(DEMO_API_BIN_ENV).is_none(),
        "{DEMO_API_BIN_ENV} points at {}, which does not exist",
        path.display()
    );
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!(
        "{} is missing; running cargo build -p hinomi-demo-api",
        path.display()
    );
    let status = Command::new(cargo)
        .args(["build", "-p", "hinomi-demo-api"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .expect("running cargo build -p hinomi-demo-api");
    assert!(
        status.success(),
        "cargo build -p hinomi-demo-api failed: {status}"
    );
    let path = locate_demo_api_bin();
    assert!(
        path.is_file(),
        "cargo built hinomi-demo-api, but not at {}",
        path.display()
    );
    path
}

/// Running or able to run: it exists and is not a zombie waiting to be collected.
pub fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => false,
        Ok(stat) => {
            let after_name = &stat[stat.rfind(')').map_or(0, |end| end + 1)..];
            after_name.split_whitespace().next() != Some("Z")
        }
    }
}

/// Live processes whose command line mentions `needle` (a state directory or a port), other
/// than this test process: whatever a stack started and failed to end shows up here.
pub fn live_processes_mentioning(needle: &str) -> Vec<(u32, String)> {
    let me = std::process::id();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&pid| pid != me && alive(pid))
        .filter_map(|pid| {
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
            let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            cmdline.contains(needle).then_some((pid, cmdline))
        })
        .collect()
}

/// Polls `condition` every 100 ms until it holds; false if it never did within `timeout`.
pub fn eventually(timeout: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if condition() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// [`eventually`] for conditions that need to await.
pub async fn eventually_async<F, Fut>(timeout: Duration, mut condition: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if condition().await {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

pub fn path_str(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}
