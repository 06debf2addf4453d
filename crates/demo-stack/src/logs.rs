//! Each child's stdout and stderr, in one file per component.
//!
//! Children write straight into the file (no pipes through the supervisor), so a chatty child
//! can never block on a full pipe and the log survives the supervisor. Restarts append, after a
//! header line that says when and how the process was started.

use crate::component::CommandLine;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

/// Opens `path` for appending and writes a header for a new run of `command`.
pub(crate) fn open_for_run(path: &Path, command: &CommandLine) -> io::Result<File> {
    let mut file = OpenOptions::new().create(true).append(true).open(path)?;
    let args: Vec<_> = command
        .args
        .iter()
        .map(|arg| arg.to_string_lossy())
        .collect();
    writeln!(
        file,
        "==== {} starting: {} {}",
        chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        command.program.display(),
        args.join(" ")
    )?;
    Ok(file)
}

/// The last `lines` lines of the log, for error messages. Reads at most the last 64 KiB.
pub(crate) fn tail(path: &Path, lines: usize) -> String {
    const MAX_BYTES: u64 = 64 * 1024;
    let read = || -> io::Result<String> {
        let mut file = File::open(path)?;
        let len = file.metadata()?.len();
        file.seek(SeekFrom::Start(len.saturating_sub(MAX_BYTES)))?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    };
    match read() {
        Ok(text) => {
            let all: Vec<&str> = text.lines().collect();
            all[all.len().saturating_sub(lines)..].join("\n")
        }
        Err(error) => format!("(cannot read {}: {error})", path.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_returns_the_last_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.log");
        std::fs::write(&path, "one\ntwo\nthree\n").unwrap();
        assert_eq!(tail(&path, 2), "two\nthree");
        assert_eq!(tail(&path, 10), "one\ntwo\nthree");
        assert!(tail(&dir.path().join("missing.log"), 2).starts_with("(cannot read"));
    }
}
