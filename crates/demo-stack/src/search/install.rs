//! Where `scripts/install-deps.sh` put the search servers and the Java that runs them, and who
//! runs them.
//!
//! The script and this module agree on the places: `$HINOMI_SEARCH_SERVERS_DIR` if set; else
//! `/var/cache/hinomi/search-servers` for root (not under `/root`, which is mode 700 and so
//! closed to the user that runs the servers); else `$XDG_CACHE_HOME/hinomi/search-servers`
//! (`~/.cache/...`), then the root location, which a root install leaves readable to everyone.
//! Each distribution is `<dir>/<artifact>-<version>/`, marked complete by `.hinomi-unpacked`.

use super::SearchEngine;
use nix::unistd::{Gid, Uid, User};
use std::env;
use std::path::{Path, PathBuf};

/// Overrides where the unpacked distributions are looked for.
pub const SEARCH_SERVERS_DIR_ENV: &str = "HINOMI_SEARCH_SERVERS_DIR";

const SYSTEM_DIR: &str = "/var/cache/hinomi/search-servers";
/// The marker the install script writes once a distribution is completely unpacked.
const UNPACKED_MARKER: &str = ".hinomi-unpacked";
/// The system user install-deps creates; `nobody` if it is missing.
const SERVER_USER: &str = "hinomi-search";
const FALLBACK_USER: &str = "nobody";
const INSTALL_HINT: &str = "run scripts/install-deps.sh";

/// The directories searched for unpacked distributions, in order.
pub fn search_servers_dirs() -> Vec<PathBuf> {
    if let Some(dir) = env::var_os(SEARCH_SERVERS_DIR_ENV).filter(|dir| !dir.is_empty()) {
        return vec![PathBuf::from(dir)];
    }
    let mut dirs = Vec::new();
    if !Uid::effective().is_root() {
        let cache = env::var_os("XDG_CACHE_HOME")
            .filter(|dir| !dir.is_empty())
            .map(PathBuf::from)
            .or_else(|| env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")));
        if let Some(cache) = cache {
            dirs.push(cache.join("hinomi/search-servers"));
        }
    }
    dirs.push(PathBuf::from(SYSTEM_DIR));
    dirs
}

/// Whether `engine` can be started here: its distribution is unpacked, Java is installed and,
/// as root, there is a user to run it as. The error says what is missing and how to get it.
pub fn search_server_available(engine: SearchEngine) -> Result<(), String> {
    distribution_dir(engine)?;
    java_home()?;
    server_user()?;
    Ok(())
}

pub(crate) fn distribution_dir(engine: SearchEngine) -> Result<PathBuf, String> {
    let dirs = search_servers_dirs();
    dirs.iter()
        .map(|dir| dir.join(engine.distribution_name()))
        .find(|dir| dir.join(UNPACKED_MARKER).is_file())
        .ok_or_else(|| {
            let looked: Vec<String> = dirs.iter().map(|dir| dir.display().to_string()).collect();
            format!(
                "{engine} is not installed (looked for {} in {}): {INSTALL_HINT}, or set \
                 {SEARCH_SERVERS_DIR_ENV}",
                engine.distribution_name(),
                looked.join(", ")
            )
        })
}

/// `$JAVA_HOME` if it has `bin/java`, else the JDK that the `java` on `PATH` belongs to (on
/// Debian a chain of symlinks into `/usr/lib/jvm/...`). The start scripts want a home, not a
/// binary.
pub(crate) fn java_home() -> Result<PathBuf, String> {
    if let Some(home) = env::var_os("JAVA_HOME").filter(|home| !home.is_empty()) {
        let home = PathBuf::from(home);
        if home.join("bin/java").is_file() {
            return Ok(home);
        }
    }
    let java = find_on_path("java").ok_or_else(|| {
        format!("no Java runtime (java is not on PATH): {INSTALL_HINT} (openjdk-17-jre-headless)")
    })?;
    let real = java
        .canonicalize()
        .map_err(|error| format!("resolving {}: {error}", java.display()))?;
    real.parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .ok_or_else(|| format!("{} is not in a Java home's bin/", real.display()))
}

pub(crate) fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = env::var_os("PATH")?;
    env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// Who runs the servers: `None` (this process's user) unless this process is root.
#[derive(Debug, Clone)]
pub(crate) struct ServerUser {
    pub name: String,
    pub uid: Uid,
    pub gid: Gid,
}

pub(crate) fn server_user() -> Result<Option<ServerUser>, String> {
    if !Uid::effective().is_root() {
        return Ok(None);
    }
    for name in [SERVER_USER, FALLBACK_USER] {
        if let Ok(Some(user)) = User::from_name(name) {
            return Ok(Some(ServerUser {
                name: user.name,
                uid: user.uid,
                gid: user.gid,
            }));
        }
    }
    Err(format!(
        "running as root, and neither the user {SERVER_USER} nor {FALLBACK_USER} exists to run \
         the search server as: {INSTALL_HINT}"
    ))
}

/// The first directory above `path` that `user` cannot pass through, if any. `path` itself is
/// handed to the user, so only its ancestors matter.
pub(crate) fn blocked_ancestor(path: &Path, user: &ServerUser) -> Option<PathBuf> {
    use std::os::unix::fs::MetadataExt;
    path.ancestors().skip(1).find_map(|dir| {
        let meta = std::fs::metadata(dir).ok()?;
        let mode = meta.mode();
        let search_bit = if meta.uid() == user.uid.as_raw() {
            0o100
        } else if meta.gid() == user.gid.as_raw() {
            0o010
        } else {
            0o001
        };
        (mode & search_bit == 0).then(|| dir.to_path_buf())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocked_ancestors_are_found() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let closed = dir.path().join("closed");
        let state = closed.join("state");
        std::fs::create_dir_all(&state).unwrap();
        std::fs::set_permissions(&closed, std::fs::Permissions::from_mode(0o700)).unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        // Someone who owns nothing here.
        let stranger = ServerUser {
            name: "stranger".to_owned(),
            uid: Uid::from_raw(4_000_000),
            gid: Gid::from_raw(4_000_000),
        };
        assert_eq!(blocked_ancestor(&state, &stranger), Some(closed.clone()));
        std::fs::set_permissions(&closed, std::fs::Permissions::from_mode(0o711)).unwrap();
        assert_eq!(blocked_ancestor(&state, &stranger), None);
    }
}
