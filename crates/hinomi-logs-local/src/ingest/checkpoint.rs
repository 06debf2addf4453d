//! Where each file was left, committed inside the tantivy commit (its payload), so the
//! documents and the offsets they reach are durable together: after a crash or `kill -9` the
//! index holds exactly the lines up to the recorded offsets, and ingest resumes there.

use crate::catalog::Catalog;
use serde::{Deserialize, Serialize};
use specta::Type;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Checkpoint {
    /// [`crate::LocalSourceConfig`]'s index key the index was built for.
    pub index_key: String,
    pub next_file_id: u64,
    pub next_seq: u64,
    pub files: Vec<FileCheckpoint>,
    pub catalog: Catalog,
    pub lines_indexed: u64,
    pub issues: Vec<Issue>,
}

/// One file generation: a path's inode from its first byte until it is truncated.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileCheckpoint {
    pub id: u64,
    pub path: String,
    pub dev: u64,
    pub ino: u64,
    pub gz: bool,
    /// Hash of the file's first bytes (up to [`FINGERPRINT_BYTES`]) and how many: tells a
    /// reused inode from the same file.
    pub fingerprint: u64,
    pub fingerprint_len: u64,
    /// Bytes consumed (decompressed bytes for gzip).
    pub offset: u64,
    /// Lines consumed.
    pub lines: u64,
    /// Time of the last line that had one: given to the next line that has none.
    pub last_time_ms: i64,
    /// Size on disk when last read (compressed for gzip).
    pub size: u64,
    pub state: FileState,
}

pub const FINGERPRINT_BYTES: usize = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum FileState {
    /// Read up to its end; new lines are picked up.
    Following,
    /// A finished file (gzip) read completely.
    Done,
    /// No longer at any source path; its lines stay searchable.
    Gone,
    /// Truncated or replaced under the same inode: its old lines stay, new ones are another
    /// generation.
    Superseded,
    /// Could not be read; see the issues.
    Unreadable,
}

/// Something about the input worth telling: what happened, where, how often.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Issue {
    pub path: String,
    pub kind: IssueKind,
    /// The first line it happened on, when it is about lines.
    // Exact in a JavaScript number up to 2^53 lines.
    #[specta(type = Option<f64>)]
    pub first_line: Option<u64>,
    #[specta(type = f64)]
    pub count: u64,
    pub detail: String,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Type,
)]
#[serde(rename_all = "snake_case")]
pub enum IssueKind {
    /// Bytes that are not UTF-8 were replaced by U+FFFD in the index (the file keeps them).
    InvalidUtf8,
    /// The line holds NUL bytes (indexed as they are).
    NulBytes,
    /// A value or line was cut in the index; the file keeps it whole.
    Truncated,
    /// A file or folder could not be opened or listed.
    Unreadable,
    /// The file disappeared between being listed and being read.
    Vanished,
    /// The file was deleted or moved out of the sources; its lines stay.
    Deleted,
    /// The file shrank under the same inode: read again from its start.
    TruncatedFile,
    /// A gzip file is corrupt past this point.
    CorruptGzip,
    /// A read failed midway.
    ReadError,
    /// Empty (or blank) lines: nothing to index; counted, not stored.
    BlankLines,
}

/// Keeps at most this many distinct issues (the oldest go first).
const MAX_ISSUES: usize = 500;

impl Checkpoint {
    pub fn note(
        &mut self,
        path: &str,
        kind: IssueKind,
        line: Option<u64>,
        detail: impl Into<String>,
    ) {
        if let Some(issue) = self
            .issues
            .iter_mut()
            .find(|i| i.path == path && i.kind == kind)
        {
            issue.count += 1;
            return;
        }
        if self.issues.len() >= MAX_ISSUES {
            self.issues.remove(0);
        }
        self.issues.push(Issue {
            path: path.to_string(),
            kind,
            first_line: line,
            count: 1,
            detail: detail.into(),
        });
    }

    pub fn file_paths(&self) -> BTreeMap<u64, String> {
        self.files.iter().map(|f| (f.id, f.path.clone())).collect()
    }
}

/// The FNV-1a hash of a file's first bytes.
pub fn fingerprint(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issues_are_counted_per_file_and_kind() {
        let mut cp = Checkpoint::default();
        cp.note("a.log", IssueKind::InvalidUtf8, Some(3), "replaced");
        cp.note("a.log", IssueKind::InvalidUtf8, Some(9), "replaced");
        cp.note("b.log", IssueKind::InvalidUtf8, Some(1), "replaced");
        assert_eq!(cp.issues.len(), 2);
        assert_eq!(cp.issues[0].count, 2);
        assert_eq!(cp.issues[0].first_line, Some(3));
        let json = serde_json::to_string(&cp).unwrap();
        let back: Checkpoint = serde_json::from_str(&json).unwrap();
        assert_eq!(back.issues, cp.issues);
    }

    #[test]
    fn fingerprints_differ_by_content() {
        assert_ne!(fingerprint(b"abc"), fingerprint(b"abd"));
        assert_eq!(fingerprint(b"abc"), fingerprint(b"abc"));
    }
}
