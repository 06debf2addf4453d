//! Replacing a file so that a crash or power cut leaves either the old or the new content under
//! its name, never half of either, and no temporary files behind for long.
//!
//! The steps: write a temporary file in the same directory (a rename cannot cross file
//! systems), fsync it, rename it over the target, fsync the directory (the rename is only
//! durable once the directory entry is). `tempfile` makes the temporary name unique and deletes
//! it when any step fails; a SIGKILL or power cut between the steps can still leave one, so
//! every temporary is named `.<target name>.<random>.tmp` and the next write of the same target
//! removes stale ones first.
//!
//! The steps go through a small trait so that `power_cut.rs` can replay them on a simulated
//! disk that loses whatever was not fsynced, with the power cut before each step in turn.

use crate::error::{ErrorCode, HinomiError};
use crate::texts::user_lang::say;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Who may read the written file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// The user only (0600 on Unix): the content can carry credentials.
    Private,
    /// The usual permissions for a file the user shares (0644 on Unix after the umask).
    Shared,
}

/// Atomically replaces `path` with `bytes` and makes it durable. Stale temporaries of the same
/// target left by an earlier crash are removed first.
pub fn write_atomically(path: &Path, bytes: &[u8], access: Access) -> Result<(), HinomiError> {
    write_with(&mut Disk, path, bytes, access)
}

/// Removes `.<name>.*.tmp` files next to `path`: what a crash between creating the temporary
/// and renaming it leaves behind. Only our own naming pattern is touched.
pub fn remove_stale_temporaries(path: &Path) -> Result<(), HinomiError> {
    remove_stale_with(&mut Disk, path)
}

/// The file-system steps of a replacement, one call each, so that a test can record their
/// order and cut the power between any two of them (`power_cut.rs`). [`Disk`] is the real one.
pub(crate) trait Steps {
    /// A temporary file being written.
    type Temp;
    /// The names in `dir`.
    fn list(&mut self, dir: &Path) -> std::io::Result<Vec<String>>;
    fn remove(&mut self, path: &Path) -> std::io::Result<()>;
    /// Creates an empty, uniquely named `<prefix>…<TEMP_SUFFIX>` file in `dir`.
    fn create_temp(
        &mut self,
        dir: &Path,
        prefix: &str,
        access: Access,
    ) -> std::io::Result<Self::Temp>;
    fn write(&mut self, temp: &mut Self::Temp, bytes: &[u8]) -> std::io::Result<()>;
    /// fsync of the file's content.
    fn sync_file(&mut self, temp: &mut Self::Temp) -> std::io::Result<()>;
    /// Renames the temporary over `target`; on failure the temporary is deleted.
    fn rename(&mut self, temp: Self::Temp, target: &Path) -> std::io::Result<()>;
    /// fsync of the directory's entries.
    fn sync_dir(&mut self, dir: &Path) -> std::io::Result<()>;
}

pub(crate) fn write_with<S: Steps>(
    steps: &mut S,
    path: &Path,
    bytes: &[u8],
    access: Access,
) -> Result<(), HinomiError> {
    let (dir, name) = split(path)?;
    remove_stale_with(steps, path)?;
    let mut temp = steps
        .create_temp(&dir, &temp_prefix(&name), access)
        .map_err(|err| io_error("create a temporary file in", &dir, err))?;
    steps
        .write(&mut temp, bytes)
        .and_then(|()| steps.sync_file(&mut temp))
        .map_err(|err| io_error("write", path, err))?;
    steps
        .rename(temp, path)
        .map_err(|err| io_error("replace", path, err))?;
    steps
        .sync_dir(&dir)
        .map_err(|err| io_error("sync", &dir, err))
}

pub(crate) fn remove_stale_with<S: Steps>(steps: &mut S, path: &Path) -> Result<(), HinomiError> {
    let (dir, name) = split(path)?;
    let prefix = temp_prefix(&name);
    let names = match steps.list(&dir) {
        Ok(names) => names,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(err) => return Err(io_error("list", &dir, err)),
    };
    for file_name in names {
        if file_name.starts_with(&prefix) && file_name.ends_with(TEMP_SUFFIX) {
            let stale = dir.join(&file_name);
            match steps.remove(&stale) {
                Ok(()) => tracing::info!(path = %stale.display(), "removed a stale temporary file"),
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                Err(err) => return Err(io_error("remove", &stale, err)),
            }
        }
    }
    Ok(())
}

/// The real file system. `tempfile` makes the temporary's name unique and deletes it when a
/// step fails.
pub(crate) struct Disk;

impl Steps for Disk {
    type Temp = tempfile::NamedTempFile;

    fn list(&mut self, dir: &Path) -> std::io::Result<Vec<String>> {
        Ok(std::fs::read_dir(dir)?
            .flatten()
            .filter_map(|entry| entry.file_name().into_string().ok())
            .collect())
    }

    fn remove(&mut self, path: &Path) -> std::io::Result<()> {
        std::fs::remove_file(path)
    }

    fn create_temp(
        &mut self,
        dir: &Path,
        prefix: &str,
        access: Access,
    ) -> std::io::Result<Self::Temp> {
        let mut builder = tempfile::Builder::new();
        builder.prefix(prefix).suffix(TEMP_SUFFIX);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            if access == Access::Shared {
                // tempfile creates 0600; a shared file gets what a plain create would (0666 &
                // umask).
                builder.permissions(std::fs::Permissions::from_mode(0o666));
            }
        }
        #[cfg(not(unix))]
        let _ = access;
        builder.tempfile_in(dir)
    }

    fn write(&mut self, temp: &mut Self::Temp, bytes: &[u8]) -> std::io::Result<()> {
        temp.write_all(bytes)
    }

    fn sync_file(&mut self, temp: &mut Self::Temp) -> std::io::Result<()> {
        temp.as_file().sync_all()
    }

    fn rename(&mut self, temp: Self::Temp, target: &Path) -> std::io::Result<()> {
        // On failure `persist`'s error owns the temporary file and deletes it when dropped.
        temp.persist(target).map(drop).map_err(|err| err.error)
    }

    fn sync_dir(&mut self, dir: &Path) -> std::io::Result<()> {
        sync_dir_io(dir)
    }
}

/// The name pattern's prefix for temporaries of the file called `name`.
pub fn temp_prefix(name: &str) -> String {
    format!(".{name}.")
}

pub const TEMP_SUFFIX: &str = ".tmp";

/// Flushes a directory's entries (a rename or a new file in it) to disk. A no-op off Unix,
/// where directories cannot be opened for syncing.
pub fn sync_dir(dir: &Path) -> Result<(), HinomiError> {
    sync_dir_io(dir).map_err(|err| io_error("sync", dir, err))
}

fn sync_dir_io(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// An I/O error with the action and path, and a plain "disk is full" when that is the cause.
/// `action` is an English verb phrase ("write", "save the backup as"); the ones Hinomi uses
/// have a Japanese wording in [`action_ja`], any other is named generically in Japanese.
pub fn io_error(action: &str, path: &Path, err: std::io::Error) -> HinomiError {
    let shown = path.display();
    let action_ja = action_ja(action);
    let message = if is_disk_full(&err) {
        say(
            format!(
                "The disk is full: cannot {action} {shown}. Free some space and try again; nothing \
                 already saved was changed."
            ),
            format!(
                "ディスクがいっぱいです: {shown} {action_ja}。空き容量を増やしてから、もう一度お試しください。\
                 保存済みの内容は変更されていません。"
            ),
        )
    } else {
        say(
            format!("Cannot {action} {shown}: {err}"),
            format!("{shown} {action_ja}: {err}"),
        )
    };
    HinomiError::new(ErrorCode::Io, message).with_detail(path.display().to_string())
}

/// "Cannot {action} {path}" in Japanese, the path before it: `{path} に書き込めません`.
fn action_ja(action: &str) -> &'static str {
    match action {
        "create a temporary file in" => "に一時ファイルを作成できません",
        "write" => "に書き込めません",
        "replace" => "を置き換えられません",
        "sync" => "をディスクに同期できません",
        "list" => "の一覧を取得できません",
        "remove" => "を削除できません",
        "save the backup as" => "としてバックアップを保存できません",
        _ => "を操作できません",
    }
}

/// ENOSPC, and EDQUOT (a user's quota is a full disk to them).
pub fn is_disk_full(err: &std::io::Error) -> bool {
    matches!(
        err.kind(),
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
    )
}

fn split(path: &Path) -> Result<(PathBuf, String), HinomiError> {
    let name = path.file_name().and_then(|n| n.to_str()).ok_or_else(|| {
        HinomiError::internal(say(
            format!("{} has no file name", path.display()),
            format!("{} にファイル名がありません", path.display()),
        ))
    })?;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((dir, name.to_owned()))
}

#[cfg(test)]
mod power_cut;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.toml");
        write_atomically(&path, b"old", Access::Private).unwrap();
        write_atomically(&path, b"new", Access::Private).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["a.toml"]);
    }

    #[test]
    fn removes_stale_temporaries_of_the_same_target_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.md");
        let stale = dir.path().join(".report.md.x1y2.tmp");
        let other = dir.path().join(".other.md.x1y2.tmp");
        std::fs::write(&stale, b"half").unwrap();
        std::fs::write(&other, b"not ours to judge").unwrap();
        write_atomically(&path, b"whole", Access::Shared).unwrap();
        assert!(!stale.exists());
        assert!(other.exists());
    }

    #[cfg(unix)]
    #[test]
    fn private_files_are_0600_and_shared_ones_follow_the_umask() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |name: &str, access| {
            let path = dir.path().join(name);
            write_atomically(&path, b"x", access).unwrap();
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777
        };
        assert_eq!(mode("p", Access::Private), 0o600);
        assert_eq!(mode("s", Access::Shared) & 0o044, 0o044 & !umask());
    }

    #[cfg(unix)]
    fn umask() -> u32 {
        // Read the umask the way a plain create applies it.
        let dir = tempfile::tempdir().unwrap();
        let probe = dir.path().join("probe");
        std::fs::write(&probe, b"").unwrap();
        use std::os::unix::fs::PermissionsExt;
        !std::fs::metadata(&probe).unwrap().permissions().mode() & 0o666
    }

    #[test]
    fn a_full_disk_says_so() {
        let err = io_error(
            "write",
            Path::new("/x/settings.toml"),
            std::io::Error::from(std::io::ErrorKind::StorageFull),
        );
        assert!(
            err.message.starts_with("The disk is full"),
            "{}",
            err.message
        );
    }

    #[test]
    fn a_full_disk_is_worded_in_japanese_with_the_path_as_detail() {
        use crate::texts::{Lang, user_lang::with};
        let path = Path::new("/data/settings.toml");
        let full = || io_error("write", path, std::io::ErrorKind::StorageFull.into());
        let (en, ja) = (with(Lang::En, full), with(Lang::Ja, full));
        assert!(en.message.starts_with("The disk is full"), "{}", en.message);
        assert!(
            ja.message
                .starts_with("ディスクがいっぱいです: /data/settings.toml に書き込めません。"),
            "{}",
            ja.message
        );
        assert_eq!((ja.code, &ja.detail), (en.code, &en.detail));
    }

    #[test]
    fn every_action_hinomi_names_has_its_own_japanese_wording() {
        for action in [
            "create a temporary file in",
            "write",
            "replace",
            "sync",
            "list",
            "remove",
            "save the backup as",
        ] {
            assert_ne!(
                action_ja(action),
                action_ja("an action nobody uses"),
                "{action}"
            );
        }
    }
}
