//! The local dashboard library: one Grafana JSON file per dashboard in a directory the caller
//! chooses, named `<uid>.json`, so users can also drop files in or copy them out by hand.
//!
//! Every write goes to a temporary file in the same directory, is fsynced, then renamed over
//! the old file: a crash leaves either the old dashboard or the new one, never half of each.

use crate::edit::{PanelEdit, apply_panel_edit};
use crate::error::{DashboardError, EditProblem, FileAction, Result};
use crate::export::export_json;
use crate::import::{Imported, import_dashboard};
use crate::model::Dashboard;
use serde::{Deserialize, Serialize};
use specta::Type;
use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Starred uids live beside the dashboards, hidden so they are not listed as one.
const STARS_FILE: &str = ".starred.json";

#[derive(Debug, Clone)]
pub struct DashboardStore {
    dir: PathBuf,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct DashboardSummary {
    pub uid: String,
    pub title: String,
    pub tags: Vec<String>,
    pub starred: bool,
    pub panel_count: u32,
    /// Why the file cannot be opened; it is still listed so the user can fix or delete it.
    pub problem: Option<String>,
}

/// A library search: every given condition must hold.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
pub struct DashboardSearch {
    /// Case-insensitive part of the title.
    #[serde(default)]
    pub text: String,
    /// Tags the dashboard must all have (case-insensitive).
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub starred_only: bool,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Stars {
    starred: BTreeSet<String>,
}

impl DashboardStore {
    /// Opens (creating if needed) the library at `dir`.
    pub fn open(dir: impl Into<PathBuf>) -> Result<Self> {
        let dir = dir.into();
        fs::create_dir_all(&dir).map_err(|e| DashboardError::io(FileAction::Create, &dir, e))?;
        Ok(Self { dir })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Every dashboard, starred first, then by title.
    pub fn list(&self) -> Result<Vec<DashboardSummary>> {
        let stars = self.stars()?;
        let mut summaries = Vec::new();
        let entries = fs::read_dir(&self.dir)
            .map_err(|e| DashboardError::io(FileAction::List, &self.dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| DashboardError::io(FileAction::List, &self.dir, e))?;
            let path = entry.path();
            let Some(uid) = uid_of_file(&path) else {
                continue;
            };
            let starred = stars.starred.contains(&uid);
            summaries.push(match self.load(&uid) {
                Ok(dashboard) => DashboardSummary {
                    uid,
                    title: dashboard.title.clone(),
                    tags: dashboard.tags.clone(),
                    starred,
                    panel_count: u32::try_from(dashboard.all_panels().len()).unwrap_or(u32::MAX),
                    problem: None,
                },
                Err(err) => DashboardSummary {
                    title: uid.clone(),
                    uid,
                    tags: Vec::new(),
                    starred,
                    panel_count: 0,
                    problem: Some(err.to_string()),
                },
            });
        }
        summaries.sort_by(|a, b| {
            b.starred
                .cmp(&a.starred)
                .then_with(|| a.title.to_lowercase().cmp(&b.title.to_lowercase()))
                .then_with(|| a.uid.cmp(&b.uid))
        });
        Ok(summaries)
    }

    pub fn search(&self, search: &DashboardSearch) -> Result<Vec<DashboardSummary>> {
        let text = search.text.trim().to_lowercase();
        let tags: Vec<String> = search.tags.iter().map(|t| t.to_lowercase()).collect();
        Ok(self
            .list()?
            .into_iter()
            .filter(|s| text.is_empty() || s.title.to_lowercase().contains(&text))
            .filter(|s| {
                tags.iter()
                    .all(|t| s.tags.iter().any(|have| have.to_lowercase() == *t))
            })
            .filter(|s| !search.starred_only || s.starred)
            .collect())
    }

    /// Loads a dashboard. Its uid is the file name, whatever the file says, so a dashboard
    /// copied in under another name is still saved back to the same file.
    pub fn load(&self, uid: &str) -> Result<Dashboard> {
        let path = self.path_of(uid)?;
        let text = fs::read_to_string(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => DashboardError::NotFound {
                uid: uid.to_owned(),
            },
            _ => DashboardError::io(FileAction::Read, &path, e),
        })?;
        let mut dashboard = import_dashboard(&text, &file_name(&path))?.dashboard;
        dashboard.uid = Some(uid.to_owned());
        Ok(dashboard)
    }

    /// Saves a dashboard under its uid, giving it one from its title if it has none.
    pub fn save(&self, dashboard: &mut Dashboard) -> Result<DashboardSummary> {
        let uid = match dashboard.uid.as_deref() {
            Some(uid) => uid.to_owned(),
            None => self.unused_uid(&dashboard.title)?,
        };
        let path = self.path_of(&uid)?;
        dashboard.uid = Some(uid.clone());
        write_atomically(&path, export_json(dashboard)?.as_bytes())?;
        Ok(DashboardSummary {
            starred: self.stars()?.starred.contains(&uid),
            uid,
            title: dashboard.title.clone(),
            tags: dashboard.tags.clone(),
            panel_count: u32::try_from(dashboard.all_panels().len()).unwrap_or(u32::MAX),
            problem: None,
        })
    }

    /// Applies `edits` to panel `panel_id` of dashboard `uid` and saves it; if any edit is
    /// refused, nothing is written. Returns the dashboard as saved.
    pub fn edit_panel(&self, uid: &str, panel_id: u32, edits: Vec<PanelEdit>) -> Result<Dashboard> {
        let mut dashboard = self.load(uid)?;
        for edit in edits {
            apply_panel_edit(&mut dashboard, panel_id, edit)?;
        }
        self.save(&mut dashboard)?;
        Ok(dashboard)
    }

    /// Imports Grafana JSON into the library. A dashboard whose uid is already taken gets a
    /// new one unless `replace` is set; nothing is written if the JSON is malformed.
    pub fn import(&self, text: &str, file: &str, replace: bool) -> Result<Imported> {
        let mut imported = import_dashboard(text, file)?;
        let dashboard = &mut imported.dashboard;
        let usable = dashboard
            .uid
            .as_deref()
            .filter(|uid| valid_uid(uid) && (replace || !self.exists(uid)));
        if usable.is_none() {
            dashboard.uid = Some(self.unused_uid(&dashboard.title)?);
        }
        self.save(dashboard)?;
        Ok(imported)
    }

    /// Copies a dashboard under a new uid; the title gets " (copy)" unless one is given.
    pub fn duplicate(&self, uid: &str, title: Option<&str>) -> Result<DashboardSummary> {
        let mut copy = self.load(uid)?;
        copy.title = title.map_or_else(|| format!("{} (copy)", copy.title), str::to_owned);
        copy.uid = Some(self.unused_uid(&copy.title)?);
        // Grafana's database id belongs to the original.
        copy.extra.remove("id");
        self.save(&mut copy)
    }

    pub fn delete(&self, uid: &str) -> Result<()> {
        let path = self.path_of(uid)?;
        fs::remove_file(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => DashboardError::NotFound {
                uid: uid.to_owned(),
            },
            _ => DashboardError::io(FileAction::Delete, &path, e),
        })?;
        let mut stars = self.stars()?;
        if stars.starred.remove(uid) {
            self.write_stars(&stars)?;
        }
        Ok(())
    }

    pub fn set_starred(&self, uid: &str, starred: bool) -> Result<()> {
        if !self.exists(uid) {
            return Err(DashboardError::NotFound {
                uid: uid.to_owned(),
            });
        }
        let mut stars = self.stars()?;
        let changed = if starred {
            stars.starred.insert(uid.to_owned())
        } else {
            stars.starred.remove(uid)
        };
        if changed {
            self.write_stars(&stars)?;
        }
        Ok(())
    }

    pub fn exists(&self, uid: &str) -> bool {
        self.path_of(uid).is_ok_and(|p| p.is_file())
    }

    fn path_of(&self, uid: &str) -> Result<PathBuf> {
        if !valid_uid(uid) {
            return Err(DashboardError::InvalidEdit(EditProblem::NotAUid(
                uid.to_owned(),
            )));
        }
        Ok(self.dir.join(format!("{uid}.json")))
    }

    /// A uid derived from the title (`system-overview`), numbered if taken.
    fn unused_uid(&self, title: &str) -> Result<String> {
        let mut base: String = title
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect::<String>()
            .split('-')
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        base.truncate(32);
        let base = base.trim_end_matches('-');
        let base = if base.is_empty() { "dashboard" } else { base };
        (1..10_000)
            .map(|n| {
                if n == 1 {
                    base.to_owned()
                } else {
                    format!("{base}-{n}")
                }
            })
            .find(|uid| !self.exists(uid))
            .ok_or_else(|| DashboardError::InvalidEdit(EditProblem::NoFreeUid(title.to_owned())))
    }

    fn stars(&self) -> Result<Stars> {
        let path = self.dir.join(STARS_FILE);
        match fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).map_err(|err| DashboardError::Malformed {
                file: STARS_FILE.into(),
                path: ".".into(),
                message: err.to_string(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Stars::default()),
            Err(e) => Err(DashboardError::io(FileAction::Read, path, e)),
        }
    }

    fn write_stars(&self, stars: &Stars) -> Result<()> {
        let text = serde_json::to_string_pretty(stars).map_err(DashboardError::Encode)?;
        write_atomically(&self.dir.join(STARS_FILE), text.as_bytes())
    }
}

/// Grafana's uid rule, which also keeps file names safe (no separators, no `..`).
pub fn valid_uid(uid: &str) -> bool {
    (1..=40).contains(&uid.len())
        && uid
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn uid_of_file(path: &Path) -> Option<String> {
    if path.extension()? != "json" || !path.is_file() {
        return None;
    }
    let stem = path.file_stem()?.to_str()?;
    (!stem.starts_with('.') && valid_uid(stem)).then(|| stem.to_owned())
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Temporary file in the same directory (so the rename cannot cross file systems), fsync,
/// rename over the target, then fsync the directory so the rename itself survives a crash.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(".saving-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| DashboardError::io(FileAction::CreateTemporaryIn, dir, e))?;
    temp.write_all(bytes)
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|e| DashboardError::io(FileAction::Write, temp.path().to_owned(), e))?;
    // On failure the temporary file is deleted when `persist`'s error is dropped.
    temp.persist(path)
        .map_err(|e| DashboardError::io(FileAction::Replace, path, e.error))?;
    #[cfg(unix)]
    fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| DashboardError::io(FileAction::Sync, dir, e))?;
    Ok(())
}
