//! Every "Local files" datasource of the settings as an open, followed [`LocalLogs`].
//!
//! The shell asks for a datasource's source on each request; it is opened on first use (its
//! index in `<index_root>/<datasource id>`) and followed in the background from then on, so
//! appended lines show within [`FOLLOW_EVERY`]. When the datasource's paths or time field
//! change, the old source stops and a new one opens (the index key differs, so it is rebuilt
//! from the files).

use crate::config::{IngestOptions, LocalSourceConfig};
use crate::error::LocalLogsError;
use crate::source::{FollowHandle, IndexStatus, LocalLogs};
use hinomi_core::clock::Clock;
use hinomi_core::path_policy::LogSourceRule;
use hinomi_core::settings::{Datasource, DatasourceKind};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How often followed files are looked at: "appended lines appear within a second".
pub const FOLLOW_EVERY: Duration = Duration::from_millis(500);

pub struct LocalSources {
    index_root: PathBuf,
    clock: Arc<dyn Clock>,
    follow_every: Duration,
    /// Which files found in the sources may be read ([`IngestOptions::files`]).
    files: LogSourceRule,
    open: Mutex<HashMap<String, Opened>>,
}

struct Opened {
    config: LocalSourceConfig,
    source: Arc<LocalLogs>,
    /// Dropped (and the follow thread joined) when the source is replaced or forgotten.
    follow: FollowHandle,
}

impl LocalSources {
    /// `files`: the rule typed log-source paths pass, applied to every file found in them.
    pub fn new(
        index_root: &Path,
        clock: Arc<dyn Clock>,
        follow_every: Duration,
        files: LogSourceRule,
    ) -> Self {
        Self {
            index_root: index_root.to_path_buf(),
            clock,
            follow_every,
            files,
            open: Mutex::new(HashMap::new()),
        }
    }

    /// What a datasource's settings ask of the index.
    pub fn config_of(ds: &Datasource) -> LocalSourceConfig {
        let options = ds.log_options();
        let mut config = LocalSourceConfig::new(options.expanded_paths());
        let time_field = options.time_field.trim();
        config.time_field = (!time_field.is_empty()).then(|| time_field.to_owned());
        config.time_zone = options.time_zone.trim().to_owned();
        config
    }

    /// The open source of `ds`, opening (and starting to follow) it if needed.
    pub fn source(&self, ds: &Datasource) -> Result<Arc<LocalLogs>, LocalLogsError> {
        if ds.kind != DatasourceKind::LocalFiles {
            return Err(LocalLogsError::NotLocal(ds.name.clone()));
        }
        let config = Self::config_of(ds);
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(opened) = open.get(&ds.id)
            && opened.config == config
        {
            return Ok(opened.source.clone());
        }
        // Stop the old follower before the new source opens the same index folder.
        open.remove(&ds.id);
        let source = Arc::new(LocalLogs::open(
            &self.index_dir(&ds.id),
            config.clone(),
            IngestOptions {
                files: self.files.clone(),
                ..IngestOptions::default()
            },
            self.clock.clone(),
        )?);
        let follow = source.follow(self.follow_every);
        open.insert(
            ds.id.clone(),
            Opened {
                config,
                source: source.clone(),
                follow,
            },
        );
        Ok(source)
    }

    /// The index status of an open source (`None` when it was never opened).
    pub fn status(&self, datasource_id: &str) -> Option<IndexStatus> {
        let open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        open.get(datasource_id).map(|opened| opened.source.status())
    }

    /// Stops following a datasource that was removed or changed; its index stays on disk.
    pub fn forget(&self, datasource_id: &str) {
        let removed = self
            .open
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(datasource_id);
        drop(removed);
    }

    /// Tells every follower to stop, without waiting for a pass in progress (on exit: a long
    /// first pass must not hold the app open; its work is redone from the last commit).
    pub fn stop_all(&self) {
        let all: Vec<Opened> = self
            .open
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .drain()
            .map(|(_, opened)| opened)
            .collect();
        for opened in all {
            opened.follow.stop_without_waiting();
        }
    }

    /// One folder per datasource; ids are user-editable text, so only safe characters stay
    /// and a hash keeps two ids that clean to the same name apart.
    fn index_dir(&self, datasource_id: &str) -> PathBuf {
        let clean: String = datasource_id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .take(64)
            .collect();
        let hash = datasource_id
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
            });
        self.index_root.join(format!("{clean}-{:08x}", hash as u32))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hinomi_core::clock::SystemClock;
    use hinomi_core::settings::LogSourceOptions;

    fn local(id: &str, paths: Vec<String>) -> Datasource {
        let mut ds = hinomi_core::settings::demo_datasources()
            .into_iter()
            .find(|ds| ds.kind == DatasourceKind::LocalFiles)
            .unwrap();
        ds.id = id.into();
        ds.logs = Some(LogSourceOptions::local_files(paths));
        ds
    }

    /// Sources indexed under `dir`, on the system clock, with the default path rule.
    fn sources_in(dir: &std::path::Path) -> LocalSources {
        LocalSources::new(
            dir,
            Arc::new(SystemClock),
            FOLLOW_EVERY,
            LogSourceRule::default(),
        )
    }

    #[test]
    fn ids_that_clean_alike_get_their_own_folders() {
        let dir = tempfile::tempdir().unwrap();
        let sources = sources_in(dir.path());
        let a = sources.index_dir("a/b");
        let b = sources.index_dir("a_b");
        assert_ne!(a, b);
        assert!(a.starts_with(dir.path()));
        assert!(!a.file_name().unwrap().to_string_lossy().contains('/'));
    }

    #[test]
    fn a_source_is_reused_until_its_paths_change() {
        let dir = tempfile::tempdir().unwrap();
        let logs = dir.path().join("logs");
        std::fs::create_dir(&logs).unwrap();
        std::fs::write(
            logs.join("a.log"),
            "{\"timestamp\":\"2024-03-21 10:00:00\",\"level\":\"ERROR\",\"message\":\"x\"}\n",
        )
        .unwrap();
        let sources = sources_in(&dir.path().join("index"));
        let ds = local("files", vec![logs.display().to_string()]);
        let first = sources.source(&ds).unwrap();
        let again = sources.source(&ds).unwrap();
        assert!(Arc::ptr_eq(&first, &again));
        let moved = local("files", vec![format!("{}/*.log", logs.display())]);
        let other = sources.source(&moved).unwrap();
        assert!(!Arc::ptr_eq(&first, &other));
        other.refresh().unwrap();
        assert_eq!(sources.status("files").unwrap().lines_indexed, 1.0);
        sources.forget("files");
        assert!(sources.status("files").is_none());
    }

    #[test]
    fn other_kinds_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let sources = sources_in(dir.path());
        let mut ds = local("x", vec!["/tmp".into()]);
        ds.kind = DatasourceKind::Elasticsearch;
        assert!(matches!(
            sources.source(&ds),
            Err(LocalLogsError::NotLocal(_))
        ));
    }
}
