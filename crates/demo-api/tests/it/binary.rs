//! The real binary, as a demo stack runs it: `serve` in one process, `fault` from another, and
//! a graceful stop on SIGTERM that leaves the log file complete.

use crate::support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_hinomi-demo-api");

/// Starts `serve` on an ephemeral port and returns the child and its base URL.
fn serve(log_dir: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--traffic-rps",
            "0",
            "--seed",
            "1",
        ])
        .arg("--log-dir")
        .arg(log_dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = sender.send(line);
        }
    });
    let first = receiver
        .recv_timeout(Duration::from_secs(20))
        .expect("serve announces its address");
    let url = first
        .split_whitespace()
        .find(|word| word.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {first:?}"))
        .to_owned();
    (child, url)
}

fn fault(api: &str, args: &[&str]) -> String {
    let output = Command::new(BIN)
        .arg("fault")
        .args(args)
        .args(["--api", api])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}

fn wait_for_exit(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("server did not stop within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn serve_takes_fault_commands_and_stops_cleanly_on_sigterm() {
    let logs = tempfile::tempdir().unwrap();
    let (mut child, url) = serve(logs.path());

    assert_eq!(
        fault(&url, &["error-burst", "--duration", "90s"]),
        "error_burst active for 1m 30s\n"
    );
    assert!(fault(&url, &["status"]).starts_with("error_burst: 1m"));
    assert_eq!(fault(&url, &["clear"]), "cleared: error_burst\n");

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = wait_for_exit(&mut child, Duration::from_secs(15));
    assert!(status.success(), "{status:?}");

    let lines = support::read_logs(logs.path());
    let actions: Vec<_> = lines.iter().map(|l| l.context.action.as_str()).collect();
    assert_eq!(actions.first(), Some(&"startup"));
    assert_eq!(actions.last(), Some(&"shutdown"));
    assert!(actions.contains(&"inject_fault"));
}

#[test]
fn fault_command_reports_an_unreachable_api() {
    let output = Command::new(BIN)
        .args(["fault", "status", "--api", "http://127.0.0.1:9"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot reach the demo API"), "{stderr}");
}
