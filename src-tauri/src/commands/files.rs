//! Over 400 lines: the page-path rules and their tests, one per path a hostile page might aim at.
//! File paths the web view hands to commands: only what the user chose in a native dialog, or a
//! path under Hinomi's export folder (see `hinomi_core::path_policy` for why).
//!
//! The "Choose…" buttons call [`choose_path`], which opens the system's dialog from Rust (the web
//! view has no dialog permission), records the answer as granted and hands it back to fill the
//! field. Commands that write (report, incident bundle, store backup, log export) pass the
//! field's text through [`FilesState::writable`]; importing a bundle passes it through
//! [`FilesState::readable`]. Anything else is refused with `path_refused`. Log-source paths
//! typed in "Add log files…" or Settings pass [`FilesState::check_log_sources`] before they
//! are saved (`hinomi_core::path_policy::LogSourceRule`); those the OS did not hand over (a drop,
//! the chooser) also need the person's yes in a native dialog (`super::log_path_consent`).

use hinomi_core::HinomiError;
use hinomi_core::path_policy::{LogSourceRule, PathPolicy};
use hinomi_core::paths::AppPaths;
use hinomi_core::settings::{Datasource, DatasourceKind, LogSourceOptions};
use hinomi_core::texts::user_lang::say;
use serde::Deserialize;
use specta::Type;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub struct FilesState {
    policy: PathPolicy,
    /// Where reports, bundles, backups and log exports go unless the user chooses elsewhere.
    export_dir: PathBuf,
    log_sources: LogSourceRule,
    /// Log-source paths the OS handed over in this run (dropped on the window, picked in the
    /// chooser) or the person confirmed: added without asking again.
    granted_log_paths: Mutex<HashSet<PathBuf>>,
}

impl FilesState {
    pub fn new(export_dir: PathBuf, log_sources: LogSourceRule) -> Self {
        Self {
            policy: PathPolicy::new([export_dir.clone()]),
            export_dir,
            log_sources,
            granted_log_paths: Mutex::default(),
        }
    }

    /// Marks log-source paths as the person's own choice (see `granted_log_paths`).
    pub fn grant_log_paths(&self, paths: impl IntoIterator<Item = PathBuf>) {
        let mut granted = self
            .granted_log_paths
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for path in paths {
            // Also as resolved on disk, so `/srv/logs/` typed after `/srv/logs` was dropped
            // (or a symlink to it) is the same grant.
            if let Ok(resolved) = path.canonicalize() {
                granted.insert(resolved);
            }
            granted.insert(path);
        }
    }

    /// The typed log-source paths (`~/` expanded) not granted yet, in order, each once.
    pub fn ungranted_log_paths(&self, typed: &[String]) -> Vec<PathBuf> {
        let granted = self
            .granted_log_paths
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut ungranted: Vec<PathBuf> = Vec::new();
        for path in LogSourceOptions::local_files(typed.to_vec()).expanded_paths() {
            let path = PathBuf::from(path);
            let known = granted.contains(&path)
                || path
                    .canonicalize()
                    .is_ok_and(|resolved| granted.contains(&resolved));
            if !known && !ungranted.contains(&path) {
                ungranted.push(path);
            }
        }
        ungranted
    }

    /// The log-source rule, which the local-files ingest also applies to every file it finds.
    pub fn log_source_rule(&self) -> &LogSourceRule {
        &self.log_sources
    }

    /// Checks every local-files path in `after` that is not in `before` (what is saved
    /// already is not checked again: a rotated file that is gone must not block a save) and
    /// returns those new paths.
    pub fn check_log_sources(
        &self,
        before: &[Datasource],
        after: &[Datasource],
    ) -> Result<Vec<String>, HinomiError> {
        let local = |list: &[Datasource]| -> Vec<String> {
            list.iter()
                .filter(|ds| ds.kind == DatasourceKind::LocalFiles)
                .flat_map(|ds| ds.log_options().paths)
                .collect()
        };
        let saved: HashSet<String> = local(before).into_iter().collect();
        let new: Vec<String> = local(after)
            .into_iter()
            .filter(|typed| !saved.contains(typed))
            .collect();
        self.check_log_paths(new.clone())?;
        Ok(new)
    }

    /// Checks log-source paths as typed (`~/` is the home folder).
    pub fn check_log_paths(&self, typed: Vec<String>) -> Result<(), HinomiError> {
        LogSourceOptions::local_files(typed)
            .expanded_paths()
            .iter()
            .try_for_each(|path| self.log_sources.check(path))
    }

    pub fn export_dir(&self) -> &Path {
        &self.export_dir
    }

    /// The resolved path to write, when the page's `raw` path may be written.
    pub fn writable(&self, raw: &str) -> Result<PathBuf, HinomiError> {
        self.policy.check_write(&typed(raw))
    }

    /// As [`Self::writable`], for a file: its folder is made when missing, so the path offered
    /// by default (in an exports folder not made yet) works the first time.
    pub fn writable_file(&self, raw: &str) -> Result<PathBuf, HinomiError> {
        let path = self.writable(raw)?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|err| {
                HinomiError::new(
                    hinomi_core::ErrorCode::Io,
                    say(
                        format!("Cannot make the folder {}: {err}", dir.display()),
                        format!("フォルダ {} を作成できません: {err}", dir.display()),
                    ),
                )
            })?;
        }
        Ok(path)
    }

    /// The resolved path to read, when the page's `raw` path may be read.
    pub fn readable(&self, raw: &str) -> Result<PathBuf, HinomiError> {
        self.policy.check_read(&typed(raw))
    }

    /// Records what the user picked in a dialog opened by [`choose_path`].
    fn remember_choice(&self, chosen: &Path) -> String {
        self.policy.grant(chosen);
        chosen.display().to_string()
    }
}

/// `~/x` as the user means it; everything else as typed.
fn typed(raw: &str) -> PathBuf {
    let raw = raw.trim();
    match (raw.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(raw),
    }
}

/// `~/Documents/Hinomi` when there is a Documents folder, else `reports` in the data dir.
fn default_export_dir(paths: &AppPaths) -> PathBuf {
    let documents = std::env::var_os("HOME").map(|home| PathBuf::from(home).join("Documents"));
    match documents {
        Some(docs) if docs.is_dir() => docs.join("Hinomi"),
        _ => paths.data_dir.join("reports"),
    }
}

pub fn setup(app: &mut tauri::App, paths: &AppPaths) {
    use tauri::Manager;
    let own_dirs = vec![
        paths.config_dir.clone(),
        paths.data_dir.clone(),
        paths.cache_dir.clone(),
        paths.log_dir.clone(),
    ];
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let log_sources = LogSourceRule::new(own_dirs, home.as_deref());
    app.manage(FilesState::new(default_export_dir(paths), log_sources));
}

/// Which system dialog a "Choose…" button opens.
#[derive(Debug, Clone, Copy, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum PathChoice {
    /// A file to write (report bundle, backup, log export).
    SaveFile,
    /// A file to read (a bundle to import).
    OpenFile,
    /// A folder to write into (reports).
    Folder,
}

/// Opens the system's dialog for `choice`, starting where `current` (the field's text) points,
/// and answers the chosen path, now allowed for the commands above; `None` when cancelled.
#[tauri::command]
#[specta::specta]
pub async fn choose_path(
    app: tauri::AppHandle,
    files: tauri::State<'_, FilesState>,
    choice: PathChoice,
    current: String,
) -> Result<Option<String>, HinomiError> {
    use tauri_plugin_dialog::DialogExt;
    let current = typed(&current);
    let (start_dir, file_name) = match choice {
        PathChoice::Folder => (Some(current.clone()), None),
        _ => (
            current.parent().map(Path::to_path_buf),
            current
                .file_name()
                .map(|n| n.to_string_lossy().into_owned()),
        ),
    };
    let mut dialog = app.dialog().file();
    if let Some(dir) = start_dir.filter(|dir| dir.is_dir()) {
        dialog = dialog.set_directory(dir);
    }
    if let Some(name) = file_name {
        dialog = dialog.set_file_name(name);
    }
    let (chosen_tx, chosen) = tokio::sync::oneshot::channel();
    let send = move |path: Option<tauri_plugin_dialog::FilePath>| {
        let _ = chosen_tx.send(path.and_then(|path| path.into_path().ok()));
    };
    match choice {
        PathChoice::SaveFile => dialog.save_file(send),
        PathChoice::OpenFile => dialog.pick_file(send),
        PathChoice::Folder => dialog.pick_folder(send),
    }
    Ok(chosen
        .await
        .ok()
        .flatten()
        .map(|path| files.remember_choice(&path)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use hinomi_core::ErrorCode;
    use std::os::unix::fs::symlink;

    /// The export folder inside a temporary "home", next to places a hostile page might aim at.
    struct Fixture {
        _dir: tempfile::TempDir,
        home: PathBuf,
        files: FilesState,
    }

    fn fixture() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(home.join(".ssh")).unwrap();
        std::fs::write(home.join(".ssh/id_ed25519"), "secret").unwrap();
        std::fs::write(home.join(".bashrc"), "").unwrap();
        let files = FilesState::new(
            home.join("Documents/Hinomi"),
            LogSourceRule::new([home.join("data")], Some(&home)),
        );
        Fixture {
            _dir: dir,
            home,
            files,
        }
    }

    fn refused(answer: Result<PathBuf, HinomiError>) -> HinomiError {
        let err = answer.expect_err("must be refused");
        assert_eq!(err.code, ErrorCode::PathRefused, "{err:?}");
        err
    }

    // export_incident_report, export_incidents_file, backup_incident_store and export_logs all
    // pass their path through `writable`.
    #[test]
    fn writes_go_to_the_export_folder_without_a_dialog() {
        let f = fixture();
        let export = f.files.export_dir().to_path_buf();
        assert_eq!(
            f.files.writable(&export.display().to_string()).unwrap(),
            export
        );
        let file = export.join("logs/export.ndjson");
        assert_eq!(f.files.writable(&file.display().to_string()).unwrap(), file);
        // A file's folder is made, so the offered default works on first use.
        assert!(!export.exists());
        assert_eq!(
            f.files.writable_file(&file.display().to_string()).unwrap(),
            file
        );
        assert!(export.join("logs").is_dir());
        // Not before the check: a refused path makes no folder.
        refused(
            f.files
                .writable_file(&f.home.join("made/x.json").display().to_string()),
        );
        assert!(!f.home.join("made").exists());
    }

    #[test]
    fn writes_anywhere_else_are_refused() {
        let f = fixture();
        for target in [
            "/etc/passwd".to_owned(),
            "/proc/hinomi-cannot-write-here".to_owned(),
            f.home.join(".bashrc").display().to_string(),
            f.home.join(".ssh/authorized_keys").display().to_string(),
            f.home
                .join("Documents/Hinomi/../../.bashrc")
                .display()
                .to_string(),
            "relative/report.md".to_owned(),
            String::new(),
        ] {
            let err = refused(f.files.writable(&target));
            assert!(
                err.message.starts_with("Hinomi does not write to"),
                "{err:?}"
            );
        }
    }

    #[test]
    fn a_symlink_in_the_export_folder_cannot_lead_out() {
        let f = fixture();
        let export = f.files.export_dir().to_path_buf();
        std::fs::create_dir_all(&export).unwrap();
        symlink(f.home.join(".ssh"), export.join("keys")).unwrap();
        refused(
            f.files
                .writable(&export.join("keys/authorized_keys").display().to_string()),
        );
        symlink(f.home.join(".bashrc"), export.join("report.md")).unwrap();
        refused(
            f.files
                .writable(&export.join("report.md").display().to_string()),
        );
    }

    // import_incidents_file passes its path through `readable`.
    #[test]
    fn reads_need_a_dialog_outside_the_export_folder() {
        let f = fixture();
        let key = f.home.join(".ssh/id_ed25519");
        let err = refused(f.files.readable(&key.display().to_string()));
        assert!(err.message.starts_with("Hinomi does not read"), "{err:?}");
        refused(f.files.readable("/etc/passwd"));

        let bundle = f.home.join("Downloads/incidents.json");
        std::fs::create_dir_all(bundle.parent().unwrap()).unwrap();
        std::fs::write(&bundle, "{}").unwrap();
        refused(f.files.readable(&bundle.display().to_string()));
        // What `choose_path` does with the dialog's answer.
        let chosen = f.files.remember_choice(&bundle);
        assert_eq!(f.files.readable(&chosen).unwrap(), bundle);
        // Choosing one file does not open its neighbours.
        refused(
            f.files
                .readable(&f.home.join("Downloads/other.json").display().to_string()),
        );
    }

    #[test]
    fn a_folder_chosen_for_reports_allows_writing_under_it_only() {
        let f = fixture();
        let team = f.home.join("team-share");
        std::fs::create_dir(&team).unwrap();
        refused(f.files.writable(&team.display().to_string()));
        f.files.remember_choice(&team);
        assert!(f.files.writable(&team.display().to_string()).is_ok());
        assert!(
            f.files
                .writable(&team.join("INC-1.pdf").display().to_string())
                .is_ok()
        );
        refused(
            f.files
                .writable(&f.home.join("team-share-2/x").display().to_string()),
        );
        refused(
            f.files
                .writable(&team.join("../.bashrc").display().to_string()),
        );
    }

    fn local_files(id: &str, paths: &[String]) -> Datasource {
        Datasource {
            id: id.into(),
            name: id.into(),
            kind: DatasourceKind::LocalFiles,
            url: String::new(),
            timeout_ms: 10_000,
            tls: Default::default(),
            auth: Default::default(),
            split_range_queries: true,
            logs: Some(LogSourceOptions::local_files(paths.to_vec())),
        }
    }

    // save_settings, add_local_log_source and choose_local_log_source pass their paths here.
    #[test]
    fn new_log_source_paths_are_checked_and_saved_ones_are_not() {
        let f = fixture();
        let logs = f.home.join("logs");
        std::fs::create_dir_all(&logs).unwrap();
        std::fs::create_dir_all(f.home.join("data")).unwrap();
        let ok = logs.display().to_string();
        let gone = f.home.join("rotated.log").display().to_string();
        let saved = [local_files("a", std::slice::from_ref(&gone))];
        // Saved before (the file has since gone): the save still goes through, and only the new
        // path is handed on to be confirmed.
        let new = f
            .files
            .check_log_sources(&saved, &[local_files("a", &[gone.clone(), ok.clone()])])
            .unwrap();
        assert_eq!(new, vec![ok.clone()]);
        for typed in [
            gone,
            f.home.join(".ssh/id_ed25519").display().to_string(),
            f.home.join("data").display().to_string(),
            "/proc/self/environ".to_owned(),
            "relative.log".to_owned(),
        ] {
            let err = f
                .files
                .check_log_sources(&[], &[local_files("b", &[ok.clone(), typed.clone()])])
                .expect_err(&typed);
            assert_eq!(err.code, ErrorCode::PathRefused, "{typed}: {err:?}");
        }
        // Another kind of datasource has no paths to check.
        let mut prometheus = local_files("p", &["/proc/x".to_owned()]);
        prometheus.kind = DatasourceKind::Prometheus;
        assert!(
            f.files
                .check_log_sources(&[], &[prometheus])
                .unwrap()
                .is_empty()
        );
    }

    // add_local_log_source and save_settings ask about what `ungranted_log_paths` returns.
    #[test]
    fn only_paths_the_os_handed_over_or_the_person_confirmed_skip_the_question() {
        let f = fixture();
        let logs = f.home.join("logs");
        std::fs::create_dir_all(logs.join("app")).unwrap();
        let typed = |paths: &[PathBuf]| -> Vec<String> {
            paths.iter().map(|p| p.display().to_string()).collect()
        };
        let app = logs.join("app");
        let other = f.home.join("other.log");
        assert_eq!(
            f.files
                .ungranted_log_paths(&typed(&[app.clone(), other.clone(), app.clone()])),
            vec![app.clone(), other.clone()],
            "each once, in order"
        );
        // Dropped (or chosen, or confirmed): granted, also when typed with a trailing slash.
        f.files.grant_log_paths([app.clone()]);
        assert_eq!(
            f.files
                .ungranted_log_paths(&[format!("{}/", app.display()), other.display().to_string()]),
            vec![other.clone()]
        );
        // A grant covers that path, not its folder's other files or its parent.
        assert_eq!(
            f.files
                .ungranted_log_paths(&typed(std::slice::from_ref(&logs))),
            vec![logs]
        );
    }

    #[test]
    fn a_tilde_means_home() {
        assert_eq!(
            typed(" ~/Documents/Hinomi/x.md "),
            PathBuf::from(std::env::var_os("HOME").unwrap()).join("Documents/Hinomi/x.md")
        );
        assert_eq!(typed("/tmp/~/x"), PathBuf::from("/tmp/~/x"));
    }
}
