//! `--help` and `--version` answer without a window: run here with no display at all, where
//! opening one would fail, and with a time limit, where waiting for one would hang.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// Runs the app binary with `args`, without any display, session bus or Hinomi directory.
fn hinomi(args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_hinomi"))
        .args(args)
        .env_clear()
        .env("HOME", home.path())
        .env("PATH", "/usr/bin:/bin")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("hinomi {args:?} did not exit within 20 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn version_names_the_package_version() {
    let output = hinomi(&["--version"]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        stdout(&output).trim(),
        format!("hinomi {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn help_lists_the_options() {
    let output = hinomi(&["--help"]);
    assert!(output.status.success(), "{output:?}");
    let help = stdout(&output);
    assert!(help.starts_with("Hinomi"), "{help}");
    for option in ["--minimized", "--help", "--version"] {
        assert!(help.contains(option), "{option} missing from:\n{help}");
    }
}

#[test]
fn an_unknown_option_is_refused_with_the_usage() {
    let output = hinomi(&["--no-such-option"]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("--no-such-option") && said.contains("Usage"),
        "{said}"
    );
}
