//! Which typed paths may become a log source ("Add log files…", local-files paths in Settings).
//!
//! A log source is only read, but what is read reaches the web view, and the web view can send
//! text on (a silence comment to Alertmanager, an incident note in an exported bundle). So a
//! path the page hands over is checked in Rust before it is saved:
//!
//! - it is absolute (after `~/`) and has no `..`;
//! - it exists: a regular file, a folder, or, for a glob (`/var/log/app/*.log`), the folder
//!   before the first wildcard, which must be readable;
//! - after resolving symlinks it is not under `/proc`, `/sys` or `/dev`, and is not a device,
//!   FIFO or socket;
//! - it is not in, and (a folder or glob is read recursively) does not contain, a protected
//!   place: Hinomi's own folders (settings, the incident store, alert history, the index) and
//!   the user's key stores (`~/.ssh`, `~/.gnupg`, the keyring folders).
//!
//! Anything else is `path_refused` with the reason. Paths picked in the native chooser go
//! through the same check; paths already saved are not checked again (a rotated file that is
//! gone must not block saving the language).

use crate::error::{ErrorCode, HinomiError};
use crate::texts::user_lang::say;
use std::path::{Component, Path, PathBuf};

/// Never read as logs wherever they are: the kernel's and the devices' pseudo files.
const SYSTEM: [&str; 3] = ["/proc", "/sys", "/dev"];

/// Key stores under the home folder.
const KEY_STORES: [&str; 4] = [
    ".ssh",
    ".gnupg",
    ".local/share/keyrings",
    ".local/share/kwalletd",
];

#[derive(Debug, Clone, Default)]
pub struct LogSourceRule {
    protected: Vec<PathBuf>,
}

impl LogSourceRule {
    /// `own_dirs`: Hinomi's own folders; `home`: where the key stores are looked for.
    pub fn new(own_dirs: impl IntoIterator<Item = PathBuf>, home: Option<&Path>) -> Self {
        let key_stores = home
            .into_iter()
            .flat_map(|home| KEY_STORES.iter().map(move |dir| home.join(dir)));
        let protected = own_dirs
            .into_iter()
            .chain(key_stores)
            // A place that does not exist yet cannot be reached through a symlink either.
            .map(|dir| dir.canonicalize().unwrap_or(dir))
            .collect();
        Self { protected }
    }

    /// `Ok` when `path` (as typed, `~/` already expanded) may be read as a log source.
    pub fn check(&self, path: &str) -> Result<(), HinomiError> {
        let refused = |why: String| {
            HinomiError::new(
                ErrorCode::PathRefused,
                say(
                    format!("Hinomi does not read {path} as a log source: {why}"),
                    format!("Hinomi は {path} をログソースとして読み込みません: {why}"),
                ),
            )
            .with_detail(say(
                "add a log file, a folder of logs or a glob such as /var/log/app/*.log that \
                 exists and is readable",
                "存在して読み取り可能なログファイル、ログのフォルダ、または /var/log/app/*.log \
                 のようなグロブを追加してください",
            ))
        };
        let typed = Path::new(path);
        if !typed.is_absolute() {
            return Err(refused(say(
                "the path is not absolute",
                "絶対パスではありません",
            )));
        }
        if typed.components().any(|part| part == Component::ParentDir) {
            return Err(refused(say(
                "the path contains `..`",
                "パスに `..` が含まれています",
            )));
        }
        if let Some(root) = system(typed) {
            return Err(refused(no_logs_in(root)));
        }
        let glob = path.find(['*', '?', '[']).map(|at| {
            // The folder the wildcard is in: everything up to the last `/` before it.
            let slash = path[..at].rfind('/').unwrap_or(0);
            PathBuf::from(&path[..slash.max(1)])
        });
        let fixed = glob.clone().unwrap_or_else(|| typed.to_path_buf());
        let resolved = fixed.canonicalize().map_err(|err| {
            refused(say(
                format!("{} cannot be opened: {err}", fixed.display()),
                format!("{} を開けません: {err}", fixed.display()),
            ))
        })?;
        if let Some(why) = self.refused_place(&resolved, !resolved.is_file()) {
            return Err(refused(why));
        }
        let kind = resolved
            .metadata()
            .map_err(|err| refused(format!("{err}")))?
            .file_type();
        let readable = if kind.is_dir() {
            std::fs::read_dir(&resolved).map(drop)
        } else if kind.is_file() && glob.is_none() {
            std::fs::File::open(&resolved).map(drop)
        } else {
            return Err(refused(if glob.is_some() {
                say(
                    format!("{} is not a folder", fixed.display()),
                    format!("{} はフォルダではありません", fixed.display()),
                )
            } else {
                say(
                    "it is not a regular file or a folder",
                    "通常のファイルでもフォルダでもありません",
                )
            }));
        };
        readable.map_err(|err| {
            refused(say(
                format!("{} cannot be read: {err}", resolved.display()),
                format!("{} を読み取れません: {err}", resolved.display()),
            ))
        })
    }

    /// Why a file found inside a log source (a file of a folder walked, a glob's match) is not
    /// read, or `None` when it may be. The rule of [`Self::check`] applied to where the file
    /// really is: a symlink in an accepted folder must not lead to `~/.ssh/id_ed25519` or
    /// `/proc/self/environ`, and a FIFO would block the reader forever. A file that cannot be
    /// resolved (gone since it was listed, a dangling symlink, no permission) is left to the
    /// reader, whose open fails the same way and says so as for any other file.
    pub fn refuses_found_file(&self, path: &Path) -> Option<String> {
        let resolved = path.canonicalize().ok()?;
        let points = if resolved == path {
            String::new()
        } else {
            say(
                format!("it points to {}; ", resolved.display()),
                format!("リンク先は {} です。", resolved.display()),
            )
        };
        if let Some(why) = self.refused_place(&resolved, false) {
            return Some(say(
                format!("refused: {points}{why}"),
                format!("読み込みを拒否しました: {points}{why}"),
            ));
        }
        let kind = resolved.metadata().ok()?.file_type();
        if kind.is_file() {
            return None;
        }
        let (what, what_ja) = kind_name(kind);
        Some(say(
            format!("skipped: {points}{what}, not a regular file"),
            format!("スキップしました: {points}{what_ja}であり、通常のファイルではありません"),
        ))
    }

    /// Opens a file found inside a log source, judging what was opened rather than the path
    /// before the open. [`Self::refuses_found_file`] lists what is refused and why, but a
    /// symlink in an accepted folder can be pointed at `~/.ssh/id_ed25519` between that check
    /// and the reader's open; here the rule is applied to the opened file itself (its kind from
    /// `fstat`, its place from `/proc/self/fd`). The open does not wait for a writer, so a
    /// file swapped for a FIFO is refused instead of blocking the reader forever. A refusal is
    /// `PermissionDenied` with the reason as its message.
    pub fn open_found_file(&self, path: &Path) -> std::io::Result<std::fs::File> {
        use std::os::unix::fs::OpenOptionsExt;
        let file = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)?;
        let refuse = |why: String| std::io::Error::new(std::io::ErrorKind::PermissionDenied, why);
        let kind = file.metadata()?.file_type();
        // Where the open landed; without /proc, where the path leads now (racy, the best left).
        let opened = opened_path(&file).or_else(|| path.canonicalize().ok());
        if let Some(why) = opened.and_then(|real| self.refused_place(&real, false)) {
            return Err(refuse(say(
                format!("refused: {why}"),
                format!("読み込みを拒否しました: {why}"),
            )));
        }
        if !kind.is_file() {
            let (what, what_ja) = kind_name(kind);
            return Err(refuse(say(
                format!("skipped: {what}, not a regular file"),
                format!("スキップしました: {what_ja}であり、通常のファイルではありません"),
            )));
        }
        Ok(file)
    }

    /// Why `resolved` (symlinks resolved) is never read, when it is: it is in the system's
    /// pseudo files or a protected place, or, when `around` (a folder read recursively), holds
    /// a protected place.
    fn refused_place(&self, resolved: &Path, around: bool) -> Option<String> {
        if let Some(root) = system(resolved) {
            return Some(no_logs_in(root));
        }
        let place = self
            .protected
            .iter()
            .find(|place| resolved.starts_with(place) || (around && place.starts_with(resolved)))?;
        Some(say(
            format!(
                "{} is one of Hinomi's own folders or a key store, which are never read as logs",
                place.display()
            ),
            format!(
                "{} は Hinomi 自身のフォルダか鍵の保管場所であり、ログとして読み込むことはありません",
                place.display()
            ),
        ))
    }
}

/// The path an open file really is, read back from `/proc/self/fd` (Linux).
fn opened_path(file: &std::fs::File) -> Option<PathBuf> {
    use std::os::fd::AsRawFd;
    std::fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd())).ok()
}

/// `root` (`/proc`, …) holds no log files, in the user's language.
fn no_logs_in(root: &str) -> String {
    say(
        format!("{root} holds no log files"),
        format!("{root} にログファイルはありません"),
    )
}

/// What a file that is not a regular file is, in words: English and Japanese.
fn kind_name(kind: std::fs::FileType) -> (&'static str, &'static str) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return ("a FIFO", "FIFO");
        } else if kind.is_socket() {
            return ("a socket", "ソケット");
        } else if kind.is_block_device() || kind.is_char_device() {
            return ("a device", "デバイス");
        }
    }
    let _ = kind;
    ("not a file", "ファイル以外のもの")
}

fn system(path: &Path) -> Option<&'static str> {
    SYSTEM.into_iter().find(|root| path.starts_with(root))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    struct Fixture {
        _dir: tempfile::TempDir,
        home: PathBuf,
        data: PathBuf,
        logs: PathBuf,
        rule: LogSourceRule,
    }

    fn fixture() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().canonicalize().unwrap();
        let data = home.join(".local/share/app.hinomi.console");
        let logs = home.join("var-log/app");
        for folder in [&data, &logs, &home.join(".ssh")] {
            std::fs::create_dir_all(folder).unwrap();
        }
        std::fs::write(home.join(".ssh/id_ed25519"), "key").unwrap();
        std::fs::write(data.join("incidents.db"), "store").unwrap();
        std::fs::write(logs.join("app.log"), "line\n").unwrap();
        let rule = LogSourceRule::new([data.clone()], Some(&home));
        Fixture {
            _dir: dir,
            home,
            data,
            logs,
            rule,
        }
    }

    fn text(path: &Path) -> String {
        path.display().to_string()
    }

    fn refused(rule: &LogSourceRule, path: &str) -> String {
        let err = rule.check(path).expect_err(path);
        assert_eq!(err.code, ErrorCode::PathRefused, "{err:?}");
        err.message
    }

    /// A FIFO at `path` (Debian's `mkfifo`), returned.
    fn mkfifo(path: &Path) -> PathBuf {
        let made = std::process::Command::new("mkfifo").arg(path).status();
        assert!(
            made.is_ok_and(|status| status.success()),
            "mkfifo {}",
            path.display()
        );
        path.to_path_buf()
    }

    #[test]
    fn files_folders_and_globs_that_exist_are_accepted() {
        let f = fixture();
        for path in [
            text(&f.logs.join("app.log")),
            text(&f.logs),
            format!("{}/*.log", f.logs.display()),
            format!("{}/*/app.log*", f.logs.parent().unwrap().display()),
        ] {
            f.rule
                .check(&path)
                .unwrap_or_else(|err| panic!("{path}: {err:?}"));
        }
    }

    #[test]
    fn missing_relative_and_dotdot_paths_are_refused() {
        let f = fixture();
        let missing = refused(&f.rule, &text(&f.logs.join("gone.log")));
        assert!(missing.contains("cannot be opened"), "{missing}");
        refused(&f.rule, &format!("{}/missing/*.log", f.logs.display()));
        assert!(refused(&f.rule, "var/log/app.log").contains("not absolute"));
        let up = format!("{}/../../.ssh/id_ed25519", f.logs.display());
        assert!(refused(&f.rule, &up).contains(".."));
        assert!(refused(&f.rule, "").contains("not absolute"));
    }

    #[test]
    fn system_pseudo_files_and_devices_are_refused() {
        let f = fixture();
        for path in [
            "/proc/self/environ",
            "/proc/1/*",
            "/sys/kernel",
            "/dev/zero",
            "/dev/*",
        ] {
            let why = refused(&f.rule, path);
            assert!(why.contains("holds no log files"), "{path}: {why}");
        }
        // A symlink does not lead around the rule.
        symlink("/proc/self", f.logs.join("me")).unwrap();
        refused(&f.rule, &text(&f.logs.join("me/environ")));
        // A FIFO is neither a file nor a folder.
        let fifo = mkfifo(&f.logs.join("pipe"));
        assert!(refused(&f.rule, &text(&fifo)).contains("not a regular file"));
    }

    #[test]
    fn hinomis_own_folders_and_key_stores_are_refused_as_are_folders_around_them() {
        let f = fixture();
        for path in [
            text(&f.data.join("incidents.db")),
            text(&f.data),
            format!("{}/*", f.data.display()),
            text(&f.home.join(".ssh/id_ed25519")),
            format!("{}/.ssh/*", f.home.display()),
            // Folders are read recursively: the home folder holds both.
            text(&f.home),
            format!("{}/*", f.home.display()),
        ] {
            let why = refused(&f.rule, &path);
            assert!(why.contains("never read as logs"), "{path}: {why}");
        }
        // Next to them is fine.
        f.rule.check(&text(&f.logs)).unwrap();
        // A symlink does not lead into them.
        symlink(f.home.join(".ssh"), f.logs.join("keys")).unwrap();
        refused(&f.rule, &text(&f.logs.join("keys/id_ed25519")));
    }

    #[test]
    fn a_found_file_is_judged_where_it_really_is() {
        let f = fixture();
        let found = |name: &str| f.rule.refuses_found_file(&f.logs.join(name));
        assert_eq!(found("app.log"), None);
        symlink(f.logs.join("app.log"), f.logs.join("current.log")).unwrap();
        assert_eq!(found("current.log"), None);
        symlink(f.home.join(".ssh/id_ed25519"), f.logs.join("key.log")).unwrap();
        let why = found("key.log").unwrap();
        assert!(why.starts_with("refused: it points to"), "{why}");
        assert!(why.contains("never read as logs"), "{why}");
        symlink("/proc/self/environ", f.logs.join("env.log")).unwrap();
        assert!(
            found("env.log")
                .unwrap()
                .contains("/proc holds no log files")
        );
        symlink("/dev/null", f.logs.join("null.log")).unwrap();
        assert!(
            found("null.log")
                .unwrap()
                .contains("/dev holds no log files")
        );
        // Left to the reader, which reports it as it does any file that is gone.
        symlink(f.logs.join("gone"), f.logs.join("dangling.log")).unwrap();
        assert_eq!(found("dangling.log"), None);
    }

    #[test]
    fn a_found_file_is_judged_where_the_open_landed() {
        let f = fixture();
        let open = |name: &str| f.rule.open_found_file(&f.logs.join(name));
        let refusal = |name: &str| {
            let err = open(name).unwrap_err();
            assert_eq!(
                err.kind(),
                std::io::ErrorKind::PermissionDenied,
                "{name}: {err}"
            );
            err.to_string()
        };
        let mut text = String::new();
        std::io::Read::read_to_string(&mut open("app.log").unwrap(), &mut text).unwrap();
        assert_eq!(
            text,
            std::fs::read_to_string(f.logs.join("app.log")).unwrap()
        );
        // Checked while it led to a log, swapped to a key before the open: the open refuses.
        symlink(f.logs.join("app.log"), f.logs.join("swapped.log")).unwrap();
        assert_eq!(f.rule.refuses_found_file(&f.logs.join("swapped.log")), None);
        std::fs::remove_file(f.logs.join("swapped.log")).unwrap();
        symlink(f.home.join(".ssh/id_ed25519"), f.logs.join("swapped.log")).unwrap();
        assert!(refusal("swapped.log").contains("never read as logs"));
        symlink("/proc/self/environ", f.logs.join("env.log")).unwrap();
        assert!(refusal("env.log").contains("/proc holds no log files"));
        // A FIFO is refused at once, not waited on for a writer that never comes.
        mkfifo(&f.logs.join("pipe.log"));
        assert!(refusal("pipe.log").contains("not a regular file"));
        // Gone: the reader's own error.
        assert_eq!(
            open("gone.log").unwrap_err().kind(),
            std::io::ErrorKind::NotFound
        );
    }
}
