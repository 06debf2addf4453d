//! `hinomi-demo` as a user runs it: `up` in one process, `status`/`stop`/`down` from others,
//! and no component left behind however the supervisor ends.

use crate::support;

use crate::support::{alive, eventually, live_processes_mentioning, path_str};
use hinomi_demo_stack::{DEMO_API_BIN_ENV, StackStatus};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};
use std::time::Duration;

const HINOMI_DEMO: &str = env!("CARGO_BIN_EXE_hinomi-demo");

/// A running `hinomi-demo up`, killed if the test fails before it is stopped.
struct Supervisor {
    child: Child,
    state_dir: PathBuf,
}

impl Supervisor {
    fn up(state_dir: &Path) -> Self {
        let log = |name: &str| File::create(state_dir.join(name)).unwrap();
        let child = Command::new(HINOMI_DEMO)
            .args([
                "up",
                "--ports",
                "free",
                "--scrape-interval",
                "1s",
                // OpenSearch has tests of its own (tests/log_search.rs); here it would only
                // add a JVM start to every `up`.
                "--no-log-search",
                "--state-dir",
            ])
            .arg(state_dir)
            .env(DEMO_API_BIN_ENV, support::demo_api_bin())
            .stdout(log("up.stdout"))
            .stderr(log("up.stderr"))
            .spawn()
            .expect("running hinomi-demo up");
        Self {
            child,
            state_dir: state_dir.to_path_buf(),
        }
    }

    /// Waits for `stack.json`, which `up` writes once everything is healthy.
    fn wait_until_up(&mut self) -> StackStatus {
        let stack_file = self.state_dir.join("stack.json");
        let mut exited = None;
        let up = eventually(Duration::from_secs(90), || {
            exited = self.child.try_wait().unwrap();
            exited.is_some() || stack_file.exists()
        });
        assert!(
            up && exited.is_none(),
            "`up` did not come up ({exited:?}):\n{}",
            self.output()
        );
        StackStatus::read_from(&stack_file).unwrap()
    }

    fn output(&self) -> String {
        let read =
            |name: &str| std::fs::read_to_string(self.state_dir.join(name)).unwrap_or_default();
        format!(
            "stdout:\n{}\nstderr:\n{}",
            read("up.stdout"),
            read("up.stderr")
        )
    }
}

impl Drop for Supervisor {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn hinomi_demo(args: &[&str]) -> Output {
    Command::new(HINOMI_DEMO)
        .args(args)
        .output()
        .expect("running hinomi-demo")
}

fn child_pids(status: &StackStatus) -> Vec<u32> {
    status
        .components
        .iter()
        .filter_map(|component| component.pid)
        .collect()
}

#[test]
fn up_status_stop_down() {
    let state = tempfile::tempdir().unwrap();
    let mut supervisor = Supervisor::up(state.path());
    let stack = supervisor.wait_until_up();
    let control = stack.control_url.as_str();
    let children = child_pids(&stack);
    // The metrics side's four and the database's four (primary, replica, two exporters).
    assert_eq!(children.len(), 8);
    assert_eq!(stack.supervisor_pid, supervisor.child.id());

    // `up` printed where everything listens.
    let printed = std::fs::read_to_string(state.path().join("up.stdout")).unwrap();
    for component in &stack.components {
        assert!(printed.contains(&component.url), "{printed}");
    }
    assert!(printed.contains(control), "{printed}");

    let status = hinomi_demo(&[
        "status",
        "--control",
        control,
        "--state-dir",
        path_str(state.path()),
    ]);
    assert!(status.status.success(), "{status:?}");
    let table = String::from_utf8_lossy(&status.stdout);
    for name in [
        "demo-api",
        "prometheus",
        "alertmanager",
        "node-exporter",
        "postgres",
        "postgres-replica",
        "postgres-exporter",
        "postgres-replica-exporter",
        "control",
    ] {
        assert!(table.contains(name), "{table}");
    }

    let stop = hinomi_demo(&[
        "stop",
        "node-exporter",
        "--control",
        control,
        "--state-dir",
        path_str(state.path()),
    ]);
    assert!(stop.status.success(), "{stop:?}");
    let table = String::from_utf8_lossy(
        &hinomi_demo(&[
            "status",
            "--control",
            control,
            "--state-dir",
            path_str(state.path()),
        ])
        .stdout,
    )
    .into_owned();
    let exporter_line = table
        .lines()
        .find(|line| line.starts_with("node-exporter"))
        .unwrap();
    assert!(exporter_line.contains(" no "), "{table}");

    let bogus = hinomi_demo(&[
        "stop",
        "bogus",
        "--control",
        control,
        "--state-dir",
        path_str(state.path()),
    ]);
    assert!(!bogus.status.success());
    assert!(
        String::from_utf8_lossy(&bogus.stderr).contains("bogus"),
        "{bogus:?}"
    );

    let down = hinomi_demo(&[
        "down",
        "--control",
        control,
        "--state-dir",
        path_str(state.path()),
    ]);
    assert!(down.status.success(), "{down:?}");
    // `down` returns only once the supervisor has exited, so it must have an exit status now
    // (or within moments, if the kernel has not delivered it yet).
    let mut exit = None;
    assert!(eventually(Duration::from_secs(2), || {
        exit = supervisor.child.try_wait().unwrap();
        exit.is_some()
    }));
    assert!(exit.unwrap().success(), "{exit:?}\n{}", supervisor.output());
    assert!(
        children.iter().all(|&pid| !alive(pid)),
        "children left: {children:?}"
    );
    assert!(live_processes_mentioning(path_str(state.path())).is_empty());
    assert!(
        live_processes_mentioning(&format!("127.0.0.1:{}", stack.ports.node_exporter)).is_empty()
    );
    assert!(!state.path().join("stack.json").exists());
}

#[test]
fn sigterm_stops_the_stack_cleanly() {
    let state = tempfile::tempdir().unwrap();
    let mut supervisor = Supervisor::up(state.path());
    let stack = supervisor.wait_until_up();
    let children = child_pids(&stack);
    let pid = nix::unistd::Pid::from_raw(supervisor.child.id().try_into().unwrap());
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).unwrap();
    let mut exit = None;
    assert!(eventually(Duration::from_secs(30), || {
        exit = supervisor.child.try_wait().unwrap();
        exit.is_some()
    }));
    assert!(exit.unwrap().success(), "{exit:?}\n{}", supervisor.output());
    assert!(
        children.iter().all(|&pid| !alive(pid)),
        "children left: {children:?}"
    );
}

#[test]
fn children_die_with_a_sigkilled_supervisor() {
    let state = tempfile::tempdir().unwrap();
    let mut supervisor = Supervisor::up(state.path());
    let stack = supervisor.wait_until_up();
    let children = child_pids(&stack);
    // SIGKILL: no handler, no Drop, no cleanup code runs in the supervisor.
    supervisor.child.kill().unwrap();
    supervisor.child.wait().unwrap();
    assert!(
        eventually(Duration::from_secs(5), || children
            .iter()
            .all(|&pid| !alive(pid))),
        "children outlived the supervisor: {:?}",
        children
            .iter()
            .filter(|&&pid| alive(pid))
            .collect::<Vec<_>>()
    );
    assert!(live_processes_mentioning(path_str(state.path())).is_empty());
}

#[test]
fn commands_without_a_stack_fail_and_say_so() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let control = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    // A state dir without stack.json: no token to send, and the command says where it looked.
    let empty = tempfile::tempdir().unwrap();
    // `status` and `down` both fail, saying why.
    let refused = |state_dir: &std::path::Path, why: &[&str]| {
        for command in ["status", "down"] {
            let output = hinomi_demo(&[
                command,
                "--control",
                &control,
                "--state-dir",
                path_str(state_dir),
            ]);
            assert!(!output.status.success(), "{command}: {output:?}");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                why.iter().all(|part| stderr.contains(part)),
                "{command}: {stderr}"
            );
        }
    };
    refused(
        empty.path(),
        &["cannot read the control token", "stack.json"],
    );
    // A stack.json whose stack is gone: nothing answers at its control URL.
    let gone = tempfile::tempdir().unwrap();
    std::fs::write(
        gone.path().join("stack.json"),
        serde_json::json!({
            "supervisor_pid": 1, "control_url": control, "control_token": "t",
            "state_dir": gone.path(), "components": [],
            "ports": { "demo_api": 1, "prometheus": 2, "alertmanager": 3, "node_exporter": 4, "control": 5 }
        })
        .to_string(),
    )
    .unwrap();
    refused(gone.path(), &["no demo stack answers"]);
}

#[test]
fn free_ports_prints_distinct_bindable_ports_nobody_else_gets() {
    let lease = |count: &str| -> Vec<u16> {
        let output = hinomi_demo(&["free-ports", count]);
        assert!(output.status.success(), "{output:?}");
        String::from_utf8(output.stdout)
            .unwrap()
            .lines()
            .map(|line| line.parse().unwrap())
            .collect()
    };
    let first = lease("4");
    let second = lease("4");
    assert_eq!(first.len(), 4);
    let all: std::collections::HashSet<u16> = first.iter().chain(&second).copied().collect();
    assert_eq!(all.len(), 8, "{first:?} {second:?}");
    for port in all {
        std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
    }
}
