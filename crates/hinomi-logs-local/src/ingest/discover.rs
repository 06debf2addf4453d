//! The files a source names: folders (walked recursively), single files, or globs. Anything
//! that cannot be listed is reported, never fatal: the other files are still read. So is every
//! file the log-source rule refuses where it really is (a symlink into `~/.ssh` or `/proc`, a
//! FIFO): the typed source was checked, but what a folder holds can change after that. The
//! reader opens each file through the same rule again (`LogSourceRule::open_found_file`), so a
//! symlink re-pointed after this listing is caught where it is opened.

use hinomi_core::path_policy::LogSourceRule;
use std::path::{Path, PathBuf};

pub struct Discovered {
    pub files: Vec<PathBuf>,
    /// (path, why) of what could not be listed.
    pub problems: Vec<(String, String)>,
}

pub fn discover(sources: &[String], skip: &Path, rule: &LogSourceRule) -> Discovered {
    let mut found = Discovered {
        files: Vec::new(),
        problems: Vec::new(),
    };
    for source in sources {
        if source.contains(['*', '?', '[']) {
            match glob::glob(source) {
                Ok(paths) => {
                    for entry in paths {
                        match entry {
                            Ok(path) if path.is_dir() => walk(&path, skip, &mut found),
                            Ok(path) => found.files.push(path),
                            Err(err) => found
                                .problems
                                .push((err.path().display().to_string(), err.error().to_string())),
                        }
                    }
                }
                Err(err) => found.problems.push((source.clone(), err.to_string())),
            }
        } else {
            let path = PathBuf::from(source);
            if path.is_dir() {
                walk(&path, skip, &mut found);
            } else {
                found.files.push(path);
            }
        }
    }
    found
        .files
        .retain(|path| !path.starts_with(skip) && !path.is_dir());
    found.files.sort();
    found.files.dedup();
    let problems = &mut found.problems;
    found
        .files
        .retain(|path| match rule.refuses_found_file(path) {
            None => true,
            Some(why) => {
                problems.push((path.display().to_string(), why));
                false
            }
        });
    found
}

fn walk(dir: &Path, skip: &Path, found: &mut Discovered) {
    if dir.starts_with(skip) {
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            found
                .problems
                .push((dir.display().to_string(), err.to_string()));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(kind) if kind.is_dir() => walk(&path, skip, found),
            Ok(_) => found.files.push(path),
            Err(err) => found
                .problems
                .push((path.display().to_string(), err.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    /// A fake home with a key store (`.ssh`), a log folder, and the rule for that home.
    struct Fixture {
        _dir: tempfile::TempDir,
        home: PathBuf,
        logs: PathBuf,
        rule: LogSourceRule,
    }

    fn fixture() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().canonicalize().unwrap();
        let logs = home.join("logs");
        std::fs::create_dir_all(home.join(".ssh")).unwrap();
        std::fs::create_dir_all(&logs).unwrap();
        std::fs::write(home.join(".ssh/id_ed25519"), "key").unwrap();
        std::fs::write(logs.join("app.log"), "line\n").unwrap();
        let rule = LogSourceRule::new([home.join("data")], Some(&home));
        Fixture {
            _dir: dir,
            home,
            logs,
            rule,
        }
    }

    impl Fixture {
        /// What the log folder, walked and as a glob, yields: the files, then the problems.
        fn found(&self) -> [Discovered; 2] {
            [
                self.logs.display().to_string(),
                format!("{}/*.log", self.logs.display()),
            ]
            .map(|source| discover(&[source], &self.home.join("data"), &self.rule))
        }
    }

    fn why<'a>(found: &'a Discovered, path: &Path) -> &'a str {
        let path = path.display().to_string();
        found
            .problems
            .iter()
            .find(|(at, _)| *at == path)
            .map(|(_, why)| why.as_str())
            .unwrap_or_else(|| panic!("{path} not reported: {:?}", found.problems))
    }

    #[test]
    fn a_symlink_into_a_key_store_is_reported_not_read() {
        let f = fixture();
        let link = f.logs.join("keys.log");
        symlink(f.home.join(".ssh/id_ed25519"), &link).unwrap();
        for found in f.found() {
            assert_eq!(found.files, [f.logs.join("app.log")]);
            let why = why(&found, &link);
            assert!(why.starts_with("refused:"), "{why}");
            assert!(why.contains(&format!("{}/.ssh", f.home.display())), "{why}");
        }
    }

    #[test]
    fn a_symlink_into_proc_is_reported_not_read() {
        let f = fixture();
        let link = f.logs.join("environ.log");
        symlink("/proc/self/environ", &link).unwrap();
        for found in f.found() {
            assert_eq!(found.files, [f.logs.join("app.log")]);
            let why = why(&found, &link);
            assert!(why.contains("/proc holds no log files"), "{why}");
        }
    }

    #[test]
    fn a_fifo_is_skipped_not_opened() {
        let f = fixture();
        // Opening it would block the reader until something writes to it.
        let fifo = f.logs.join("pipe.log");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        for found in f.found() {
            assert_eq!(found.files, [f.logs.join("app.log")]);
            assert_eq!(why(&found, &fifo), "skipped: a FIFO, not a regular file");
        }
    }

    #[test]
    fn a_symlink_to_a_log_file_elsewhere_is_still_read() {
        let f = fixture();
        std::fs::create_dir(f.home.join("elsewhere")).unwrap();
        std::fs::write(f.home.join("elsewhere/real.log"), "line\n").unwrap();
        symlink(f.home.join("elsewhere/real.log"), f.logs.join("linked.log")).unwrap();
        for found in f.found() {
            assert_eq!(
                found.files,
                [f.logs.join("app.log"), f.logs.join("linked.log")]
            );
            assert!(found.problems.is_empty(), "{:?}", found.problems);
        }
    }
}
