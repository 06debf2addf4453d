//! Saved searches: the seed's built-ins and the user's own, kept in one JSON file.
//!
//! Built-ins (seed §6.2) are code, not data, so an update can fix them and the user cannot lose
//! them: "Errors in the last hour" and "All lines of a request". The latter is parameterised
//! by a hit: it has `parameter: context.request_id` and a query with `{{value}}`, which
//! [`resolve_query`] fills with the selected hit's value as a quoted Lucene phrase. User
//! searches are written atomically (temporary file in the same directory, then rename).

use crate::error::{FileAction, LogsError};
use crate::model::{LogHit, LogWindow, SavedSearch};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "saved-searches.json";
const PLACEHOLDER: &str = "{{value}}";

pub fn builtin_searches() -> Vec<SavedSearch> {
    vec![
        SavedSearch {
            id: "builtin:errors-last-hour".into(),
            name: "Errors in the last hour".into(),
            query: "level:ERROR".into(),
            filters: vec![],
            relative_from: "now-1h".into(),
            builtin: true,
            parameter: None,
        },
        SavedSearch {
            id: "builtin:request-lines".into(),
            name: "All lines of a request".into(),
            query: format!("context.request_id:{PLACEHOLDER}"),
            filters: vec![],
            relative_from: "now-24h".into(),
            builtin: true,
            parameter: Some("context.request_id".into()),
        },
    ]
}

/// The query to run for a saved search; a parameterised one needs a hit with that field.
pub fn resolve_query(search: &SavedSearch, hit: Option<&LogHit>) -> Result<String, LogsError> {
    let Some(field) = &search.parameter else {
        return Ok(search.query.clone());
    };
    let value = hit
        .and_then(|hit| hit.fields.get(field))
        .ok_or_else(|| LogsError::NeedsField(field.clone()))?;
    Ok(search.query.replace(PLACEHOLDER, &lucene_phrase(value)))
}

/// A value as a quoted Lucene phrase: `"`, `\` escaped, so any text is matched literally.
pub fn lucene_phrase(value: &str) -> String {
    let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

/// `now-15m`, `now-1h`, `now-7d` ... as a window ending at `now_ms`.
pub fn relative_window(relative_from: &str, now_ms: f64) -> Option<LogWindow> {
    let amount = relative_from.trim().strip_prefix("now-")?;
    let unit_at = amount.find(|c: char| !c.is_ascii_digit())?;
    let (digits, unit) = amount.split_at(unit_at);
    let n: f64 = digits.parse().ok()?;
    let unit_ms = match unit {
        "s" => 1_000.0,
        "m" => 60_000.0,
        "h" => 3_600_000.0,
        "d" => 86_400_000.0,
        "w" => 7.0 * 86_400_000.0,
        _ => return None,
    };
    Some(LogWindow {
        from_ms: now_ms - n * unit_ms,
        to_ms: now_ms,
    })
}

#[derive(Serialize, Deserialize, Default)]
struct SavedFile {
    version: u32,
    searches: Vec<SavedSearch>,
}

/// The user's saved searches in `<dir>/saved-searches.json`.
#[derive(Debug, Clone)]
pub struct SavedSearches {
    path: PathBuf,
}

impl SavedSearches {
    pub fn in_dir(dir: impl AsRef<Path>) -> Self {
        Self {
            path: dir.as_ref().join(FILE_NAME),
        }
    }

    /// Built-ins first, then the user's in the order saved.
    pub fn list(&self) -> Result<Vec<SavedSearch>, LogsError> {
        let mut all = builtin_searches();
        all.extend(self.read()?.searches);
        Ok(all)
    }

    /// Adds or replaces (by id) a user search; an empty id gets a fresh one.
    pub fn save(&self, mut search: SavedSearch) -> Result<SavedSearch, LogsError> {
        if search.id.starts_with("builtin:") || search.builtin {
            return Err(LogsError::BuiltinSearch);
        }
        if search.name.trim().is_empty() {
            return Err(LogsError::UnnamedSearch);
        }
        let mut file = self.read()?;
        if search.id.trim().is_empty() {
            let stamp = chrono::Utc::now().timestamp_micros();
            search.id = format!("user:{stamp}");
        }
        match file.searches.iter_mut().find(|s| s.id == search.id) {
            Some(existing) => *existing = search.clone(),
            None => file.searches.push(search.clone()),
        }
        self.write(&file)?;
        Ok(search)
    }

    pub fn delete(&self, id: &str) -> Result<(), LogsError> {
        let mut file = self.read()?;
        file.searches.retain(|s| s.id != id);
        self.write(&file)
    }

    fn read(&self) -> Result<SavedFile, LogsError> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|err| LogsError::Decode {
                url: self.path.display().to_string(),
                cause: err.to_string(),
            }),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(SavedFile::default()),
            Err(err) => Err(LogsError::io(FileAction::Read, &self.path, err)),
        }
    }

    fn write(&self, file: &SavedFile) -> Result<(), LogsError> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        let io = |err| LogsError::io(FileAction::Write, &self.path, err);
        std::fs::create_dir_all(dir).map_err(io)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
        let text = serde_json::to_vec_pretty(&SavedFile {
            version: 1,
            searches: file.searches.clone(),
        })
        .map_err(|err| LogsError::SavedSearchesUnencodable(err.to_string()))?;
        tmp.write_all(&text).map_err(io)?;
        tmp.as_file().sync_all().map_err(io)?;
        tmp.persist(&self.path).map_err(|err| io(err.error))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn builtins_follow_the_seed() {
        let builtins = builtin_searches();
        assert_eq!(builtins[0].query, "level:ERROR");
        assert_eq!(builtins[0].relative_from, "now-1h");
        let window = relative_window(&builtins[0].relative_from, 10_000_000.0).unwrap();
        assert_eq!(window.from_ms, 10_000_000.0 - 3_600_000.0);
        assert!(relative_window("yesterday", 0.0).is_none());
    }

    #[test]
    fn the_request_search_is_filled_from_a_hit_as_a_phrase() {
        let request = &builtin_searches()[1];
        let hit = LogHit {
            id: "i/1".into(),
            index: "i".into(),
            time_ms: None,
            level: None,
            fields: BTreeMap::from([("context.request_id".into(), "a\"b\\c".into())]),
            source_json: "{}".into(),
            cursor: crate::model::SortCursor("[]".into()),
        };
        assert_eq!(
            resolve_query(request, Some(&hit)).unwrap(),
            r#"context.request_id:"a\"b\\c""#
        );
        assert!(resolve_query(request, None).is_err());
    }

    #[test]
    fn user_searches_round_trip_and_builtins_cannot_be_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let store = SavedSearches::in_dir(dir.path());
        assert_eq!(store.list().unwrap().len(), 2);
        let saved = store
            .save(SavedSearch {
                id: String::new(),
                name: "Slow creates".into(),
                query: "context.action:create_dataset AND level:WARN".into(),
                filters: vec![],
                relative_from: "now-15m".into(),
                builtin: false,
                parameter: None,
            })
            .unwrap();
        assert!(saved.id.starts_with("user:"));
        let again = SavedSearches::in_dir(dir.path()).list().unwrap();
        assert_eq!(again.len(), 3);
        assert_eq!(again[2], saved);
        assert!(store.save(builtin_searches()[0].clone()).is_err());
        store.delete(&saved.id).unwrap();
        assert_eq!(store.list().unwrap().len(), 2);
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary files left behind");
    }
}
