//! Which file paths a command may be handed by the web view.
//!
//! The web view is the part of Hinomi that shows outside text (alert annotations, dashboard
//! files, log lines). Should anything ever make it misbehave, a command that writes wherever the
//! page says would let it overwrite `~/.bashrc`. So a write goes only to
//!
//! - a path the user chose in a native dialog opened from Rust (the shell records it with
//!   [`PathPolicy::grant`]; a chosen folder grants what is under it), or
//! - a path under one of Hinomi's own directories the shell names (only the export folder:
//!   the data and config folders hold the store and the settings, which the page must not
//!   overwrite with an "export").
//!
//! Paths are compared after resolving symlinks of every part that exists, so neither `..` nor
//! a symlink inside an allowed directory leads out of it. Reading a file the page names (an
//! incident bundle to import) follows the same rule ([`PathPolicy::check_read`]). Log sources,
//! typed in "Add log files…" or Settings, have their own rule ([`LogSourceRule`]): a readable
//! log file, folder or glob, outside `/proc`, `/sys`, `/dev`, Hinomi's own folders and the key
//! stores.

use crate::error::{ErrorCode, HinomiError};
use crate::texts::user_lang::say;
use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

mod log_sources;
pub use log_sources::LogSourceRule;

#[derive(Debug, Default)]
pub struct PathPolicy {
    own_dirs: Vec<PathBuf>,
    granted: Mutex<HashSet<PathBuf>>,
}

impl PathPolicy {
    /// `own_dirs`: Hinomi's own directories, writable without a dialog.
    pub fn new(own_dirs: impl IntoIterator<Item = PathBuf>) -> Self {
        Self {
            own_dirs: own_dirs
                .into_iter()
                .filter_map(|dir| resolve(&dir).ok())
                .collect(),
            granted: Mutex::new(HashSet::new()),
        }
    }

    /// Records a path the user chose in a native dialog (a file to write, or a folder).
    pub fn grant(&self, path: &Path) {
        if let Ok(resolved) = resolve(path) {
            self.granted
                .lock()
                .unwrap_or_else(|poison| poison.into_inner())
                .insert(resolved);
        }
    }

    /// The resolved path when `path` may be written, else a clear refusal.
    pub fn check_write(&self, path: &Path) -> Result<PathBuf, HinomiError> {
        self.check(path, Access::Write)
    }

    /// The resolved path when `path` may be read (an incident bundle to import), else a clear
    /// refusal. Same rule as writing: a file the page names is read only when the user chose it
    /// or it is in Hinomi's own folders, so a misbehaving page cannot load `~/.ssh/id_ed25519`
    /// into the app. Log sources have their own rule (see the module comment).
    pub fn check_read(&self, path: &Path) -> Result<PathBuf, HinomiError> {
        self.check(path, Access::Read)
    }

    fn check(&self, path: &Path, access: Access) -> Result<PathBuf, HinomiError> {
        let shown = path.display();
        let refused = |why: &str| {
            let message = match access {
                Access::Write => say(
                    format!("Hinomi does not write to {shown}: {why}"),
                    format!("Hinomi は {shown} に書き込みません: {why}"),
                ),
                Access::Read => say(
                    format!("Hinomi does not read {shown}: {why}"),
                    format!("Hinomi は {shown} を読み込みません: {why}"),
                ),
            };
            HinomiError::new(ErrorCode::PathRefused, message).with_detail(say(
                "choose the file or folder with the Choose… button, or use a path under \
                 Hinomi's export folder",
                "「選択…」ボタンでファイルかフォルダを選ぶか、Hinomi のエクスポート用フォルダの下のパスを使ってください",
            ))
        };
        let resolved = resolve(path).map_err(|why| refused(&why))?;
        let granted = self
            .granted
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        let allowed = self
            .own_dirs
            .iter()
            .chain(granted.iter())
            .any(|root| resolved.starts_with(root));
        if allowed {
            Ok(resolved)
        } else {
            Err(refused(&say(
                "it was not chosen in a dialog and is not in Hinomi's own folders",
                "ダイアログで選ばれたものではなく、Hinomi 自身のフォルダの中にもありません",
            )))
        }
    }
}

/// `path` made absolute with every symlink resolved: the longest part that exists is
/// canonicalised, and what follows (which does not exist yet, so holds no symlink) is appended.
/// `..` is refused outright rather than interpreted: a path written with `..` was not chosen in
/// a dialog, and a `..` after a not-yet-existing part cannot be resolved safely.
fn resolve(path: &Path) -> Result<PathBuf, String> {
    if !path.is_absolute() {
        return Err(say("the path is not absolute", "絶対パスではありません"));
    }
    if path.components().any(|part| part == Component::ParentDir) {
        return Err(say(
            "the path contains `..`",
            "パスに `..` が含まれています",
        ));
    }
    let mut existing = path.to_path_buf();
    let mut missing = Vec::new();
    loop {
        match existing.canonicalize() {
            Ok(mut resolved) => {
                for part in missing.iter().rev() {
                    resolved.push(part);
                }
                return Ok(resolved);
            }
            Err(_) => {
                let Some(name) = existing.file_name().map(ToOwned::to_owned) else {
                    return Err(nothing_exists());
                };
                // A dangling symlink is not "missing": following it later could go anywhere.
                if existing.symlink_metadata().is_ok() {
                    return Err(say(
                        "the path is a symlink to nothing",
                        "パスはリンク先のないシンボリックリンクです",
                    ));
                }
                missing.push(name);
                if !existing.pop() {
                    return Err(nothing_exists());
                }
            }
        }
    }
}

fn nothing_exists() -> String {
    say("no part of the path exists", "パスのどの部分も存在しません")
}

/// What the page asked to do with a path, to word the refusal.
#[derive(Clone, Copy)]
enum Access {
    Write,
    Read,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    struct Fixture {
        _dir: tempfile::TempDir,
        root: PathBuf,
        own: PathBuf,
        outside: PathBuf,
        policy: PathPolicy,
    }

    fn fixture() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let own = root.join("data");
        let outside = root.join("home");
        std::fs::create_dir_all(&own).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        let policy = PathPolicy::new([own.clone()]);
        Fixture {
            _dir: dir,
            root,
            own,
            outside,
            policy,
        }
    }

    #[test]
    fn own_dirs_are_writable_down_to_files_not_yet_made() {
        let f = fixture();
        let report = f.own.join("exports/2026/INC-1.md");
        assert_eq!(f.policy.check_write(&report).unwrap(), report);
        assert!(f.policy.check_write(&f.own).is_ok());
    }

    #[test]
    fn anything_else_is_refused_until_granted() {
        let f = fixture();
        let bashrc = f.outside.join(".bashrc");
        let refused = f.policy.check_write(&bashrc).unwrap_err();
        assert_eq!(refused.code, ErrorCode::PathRefused);
        assert!(refused.message.contains(".bashrc"), "{}", refused.message);
        assert!(refused.message.contains("not chosen in a dialog"));

        f.policy.grant(&f.outside.join("bundle.json"));
        assert!(f.policy.check_write(&f.outside.join("bundle.json")).is_ok());
        // A granted file grants only itself, not its folder.
        assert!(f.policy.check_write(&bashrc).is_err());
        // A granted folder grants what is under it.
        f.policy.grant(&f.outside.join("reports"));
        assert!(
            f.policy
                .check_write(&f.outside.join("reports/INC-1.pdf"))
                .is_ok()
        );
    }

    #[test]
    fn reading_follows_the_same_rule() {
        let f = fixture();
        std::fs::write(f.outside.join("bundle.json"), "{}").unwrap();
        std::fs::write(f.own.join("mine.json"), "{}").unwrap();
        assert!(f.policy.check_read(&f.own.join("mine.json")).is_ok());
        let refused = f
            .policy
            .check_read(&f.outside.join("bundle.json"))
            .unwrap_err();
        assert_eq!(refused.code, ErrorCode::PathRefused);
        assert!(refused.message.starts_with("Hinomi does not read"));
        assert!(f.policy.check_read(Path::new("/etc/passwd")).is_err());
        f.policy.grant(&f.outside.join("bundle.json"));
        assert!(f.policy.check_read(&f.outside.join("bundle.json")).is_ok());
    }

    #[test]
    fn dot_dot_cannot_leave_an_allowed_dir() {
        let f = fixture();
        let escape = f.own.join("../home/.bashrc");
        let refused = f.policy.check_write(&escape).unwrap_err();
        assert!(refused.message.contains("`..`"), "{}", refused.message);
        // Also when the part before `..` does not exist yet.
        assert!(
            f.policy
                .check_write(&f.own.join("new/../../home/x"))
                .is_err()
        );
        // Relative paths have no fixed meaning for the shell.
        assert!(f.policy.check_write(Path::new("data/x")).is_err());
    }

    #[test]
    fn a_symlink_inside_an_allowed_dir_cannot_lead_out() {
        let f = fixture();
        // A folder symlink: files "under" it are really outside.
        symlink(&f.outside, f.own.join("link-out")).unwrap();
        assert!(
            f.policy
                .check_write(&f.own.join("link-out/.bashrc"))
                .is_err()
        );
        assert!(
            f.policy
                .check_write(&f.own.join("link-out/new/deeper.txt"))
                .is_err()
        );
        // A file symlink pointing out.
        std::fs::write(f.outside.join("target.txt"), "x").unwrap();
        symlink(f.outside.join("target.txt"), f.own.join("innocent.md")).unwrap();
        assert!(f.policy.check_write(&f.own.join("innocent.md")).is_err());
        // A dangling symlink, which a write would follow to wherever it names.
        symlink(f.outside.join("not-yet"), f.own.join("dangling.md")).unwrap();
        let refused = f
            .policy
            .check_write(&f.own.join("dangling.md"))
            .unwrap_err();
        assert!(refused.message.contains("symlink"), "{}", refused.message);
        // A symlink that stays inside is fine.
        std::fs::create_dir(f.own.join("real")).unwrap();
        symlink(f.own.join("real"), f.own.join("alias")).unwrap();
        assert_eq!(
            f.policy.check_write(&f.own.join("alias/x.md")).unwrap(),
            f.own.join("real/x.md")
        );
    }

    #[test]
    fn an_own_dir_reached_through_a_symlink_is_still_its_real_place() {
        let f = fixture();
        // Hinomi's data dir configured through a symlink (e.g. ~/.local/share on another disk).
        symlink(&f.own, f.root.join("data-link")).unwrap();
        let policy = PathPolicy::new([f.root.join("data-link")]);
        assert!(policy.check_write(&f.own.join("x.md")).is_ok());
        assert!(policy.check_write(&f.root.join("data-link/x.md")).is_ok());
        assert!(policy.check_write(&f.outside.join("x.md")).is_err());
    }

    #[test]
    fn a_granted_path_reached_by_a_later_symlink_swap_is_refused() {
        let f = fixture();
        let chosen = f.outside.join("chosen");
        std::fs::create_dir(&chosen).unwrap();
        f.policy.grant(&chosen);
        assert!(f.policy.check_write(&chosen.join("a.md")).is_ok());
        // The folder is replaced by a symlink to somewhere never chosen.
        std::fs::remove_dir(&chosen).unwrap();
        let elsewhere = f.root.join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        symlink(&elsewhere, &chosen).unwrap();
        assert!(f.policy.check_write(&chosen.join("a.md")).is_err());
    }

    #[test]
    fn a_refusal_is_worded_in_japanese_with_the_same_code() {
        use crate::texts::{Lang, user_lang::with};
        let f = fixture();
        let key = f.outside.join("id_ed25519");
        let en = with(Lang::En, || f.policy.check_read(&key).unwrap_err());
        let ja = with(Lang::Ja, || f.policy.check_read(&key).unwrap_err());
        assert_eq!(ja.code, ErrorCode::PathRefused);
        assert!(
            en.message.starts_with("Hinomi does not read"),
            "{}",
            en.message
        );
        assert!(
            ja.message
                .starts_with(&format!("Hinomi は {} を読み込みません: ", key.display()))
                && ja.message.contains("ダイアログで選ばれたものではなく"),
            "{}",
            ja.message
        );
        assert_ne!(en.detail, ja.detail);
    }
}
