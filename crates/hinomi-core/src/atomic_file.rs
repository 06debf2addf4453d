//! Replacing a file so that a crash or power cut leaves either the old or the new content under
//! its name, never half of either, and no temporary files behind for long.
//!
//! The steps: write a temporary file in the same directory (a rename cannot cross file
//! systems), fsync it, rename it over the target, fsync the directory (the rename is only
//! durable once the directory entry is). `tempfile` makes the temporary name unique and deletes
//! it when any step fails; a SIGKILL or power cut between the steps can still leave one, so
//! every temporary is named `.<target name>.<random>.tmp` and the next write of the same target
//! removes stale ones first.

use crate::error::{ErrorCode, HinomiError};
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
    let (dir, name) = split(path)?;
    remove_stale_temporaries(path)?;
    let prefix = temp_prefix(&name);
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(TEMP_SUFFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if access == Access::Shared {
            // tempfile creates 0600; a shared file gets what a plain create would (0666 & umask).
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
    }
    #[cfg(not(unix))]
    let _ = access;
    let mut temp = builder
        .tempfile_in(&dir)
        .map_err(|err| io_error("create a temporary file in", &dir, err))?;
    temp.write_all(bytes)
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|err| io_error("write", path, err))?;
    // On failure `persist`'s error owns the temporary file and deletes it when dropped.
    temp.persist(path)
        .map_err(|err| io_error("replace", path, err.error))?;
    sync_dir(&dir)
}

/// Removes `.<name>.*.tmp` files next to `path`: what a crash between creating the temporary
/// and renaming it leaves behind. Only our own naming pattern is touched.
pub fn remove_stale_temporaries(path: &Path) -> Result<(), HinomiError> {
    let (dir, name) = split(path)?;
    let prefix = temp_prefix(&name);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(err) => return Err(io_error("list", &dir, err)),
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        if file_name.starts_with(&prefix) && file_name.ends_with(TEMP_SUFFIX) {
            let stale = entry.path();
            match std::fs::remove_file(&stale) {
                Ok(()) => tracing::info!(path = %stale.display(), "removed a stale temporary file"),
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                Err(err) => return Err(io_error("remove", &stale, err)),
            }
        }
    }
    Ok(())
}

/// The name pattern's prefix for temporaries of the file called `name`.
pub fn temp_prefix(name: &str) -> String {
    format!(".{name}.")
}

pub const TEMP_SUFFIX: &str = ".tmp";

/// Flushes a directory's entries (a rename or a new file in it) to disk. A no-op off Unix,
/// where directories cannot be opened for syncing.
pub fn sync_dir(dir: &Path) -> Result<(), HinomiError> {
    #[cfg(unix)]
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|err| io_error("sync", dir, err))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// An I/O error with the action and path, and a plain "disk is full" when that is the cause.
pub fn io_error(action: &str, path: &Path, err: std::io::Error) -> HinomiError {
    let message = if is_disk_full(&err) {
        format!(
            "The disk is full: cannot {action} {}. Free some space and try again; nothing \
             already saved was changed.",
            path.display()
        )
    } else {
        format!("Cannot {action} {}: {err}", path.display())
    };
    HinomiError::new(ErrorCode::Io, message).with_detail(path.display().to_string())
}

/// ENOSPC, and EDQUOT (a user's quota is a full disk to them).
pub fn is_disk_full(err: &std::io::Error) -> bool {
    matches!(
        err.kind(),
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
    )
}

fn split(path: &Path) -> Result<(PathBuf, String), HinomiError> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| HinomiError::internal(format!("{} has no file name", path.display())))?;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((dir, name.to_owned()))
}

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
}
