//! The demo's offline notification receiver.
//!
//! The monitoring spec notifies Slack and e-mail; the demo cannot reach either, so Alertmanager
//! posts to the supervisor instead. Each notification is kept in memory (the most recent ones,
//! for `GET /webhook/alertmanager`) and appended to `webhook.jsonl`, for later.
//!
//! The journal is bounded: when the next notification would take `webhook.jsonl` past its limit,
//! the file is renamed to `webhook.jsonl.1` (replacing the previous one) and a new one begins,
//! so a stack left running for weeks, or a flood of notifications, takes at most twice the limit
//! on disk and only the oldest notifications are dropped.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// One Alertmanager webhook notification as it arrived.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReceivedWebhook {
    pub received_at: DateTime<Utc>,
    /// The `route` query parameter of the webhook URL (`watchdog` for heartbeats).
    pub route: Option<String>,
    /// Alertmanager's payload unchanged (`receiver`, `status`, `alerts`, `groupLabels`, ...).
    pub payload: serde_json::Value,
}

impl ReceivedWebhook {
    /// The `alertname` label of every alert in the notification.
    pub fn alert_names(&self) -> Vec<&str> {
        self.payload["alerts"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|alert| alert["labels"]["alertname"].as_str())
            .collect()
    }
}

pub(crate) struct WebhookInbox {
    recent: Mutex<VecDeque<ReceivedWebhook>>,
    capacity: usize,
    journal: Mutex<Journal>,
}

/// `webhook.jsonl` and how many bytes it holds.
struct Journal {
    path: PathBuf,
    len: u64,
    max_bytes: u64,
}

impl Journal {
    fn append(&mut self, line: &[u8]) -> io::Result<()> {
        let line_len = line.len() as u64;
        if self.len > 0 && self.len + line_len > self.max_bytes {
            let rotated = rotated_path(&self.path);
            fs::rename(&self.path, &rotated)?;
            tracing::info!(
                journal = %self.path.display(),
                rotated = %rotated.display(),
                max_bytes = self.max_bytes,
                "webhook journal full; moved aside, the one before it is dropped"
            );
            self.len = 0;
        }
        OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .and_then(|mut file| file.write_all(line))?;
        self.len += line_len;
        Ok(())
    }
}

/// `webhook.jsonl.1` next to `webhook.jsonl`.
pub(crate) fn rotated_path(journal: &Path) -> PathBuf {
    let mut name = journal.as_os_str().to_owned();
    name.push(".1");
    PathBuf::from(name)
}

impl WebhookInbox {
    /// `journal` is appended to, and moved aside when it would pass `max_journal_bytes`.
    pub fn new(journal: PathBuf, capacity: usize, max_journal_bytes: u64) -> Self {
        let len = fs::metadata(&journal).map_or(0, |meta| meta.len());
        Self {
            recent: Mutex::new(VecDeque::new()),
            capacity: capacity.max(1),
            journal: Mutex::new(Journal {
                path: journal,
                len,
                max_bytes: max_journal_bytes.max(1),
            }),
        }
    }

    /// Keeps the notification; fails only if the journal cannot be written, in which case it
    /// is still kept in memory.
    pub fn record(&self, received: ReceivedWebhook) -> io::Result<()> {
        let mut line = serde_json::to_vec(&received).map_err(io::Error::from)?;
        line.push(b'\n');
        // Appending under the journal's lock keeps it in arrival order. One small write to a
        // local file is cheap enough to do inline, even on an async worker.
        let mut journal = self
            .journal
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        let mut recent = self
            .recent
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        if recent.len() == self.capacity {
            recent.pop_front();
        }
        recent.push_back(received);
        drop(recent);
        journal.append(&line)
    }

    /// Oldest first.
    pub fn received(&self) -> Vec<ReceivedWebhook> {
        let recent = self
            .recent
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        recent.iter().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn notification(n: u64) -> ReceivedWebhook {
        ReceivedWebhook {
            // A fixed time, so every line of a test has the same length.
            received_at: DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
            route: None,
            payload: json!({"n": n, "alerts": [{"labels": {"alertname": "Watchdog"}}]}),
        }
    }

    #[test]
    fn keeps_the_most_recent_and_journals_everything() {
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("webhook.jsonl");
        let inbox = WebhookInbox::new(journal.clone(), 2, 1024 * 1024);
        for n in 1..=3 {
            inbox.record(notification(n)).unwrap();
        }
        let kept: Vec<u64> = inbox
            .received()
            .iter()
            .map(|received| received.payload["n"].as_u64().unwrap())
            .collect();
        assert_eq!(kept, [2, 3]);
        let lines = std::fs::read_to_string(&journal).unwrap();
        assert_eq!(lines.lines().count(), 3);
        let first: ReceivedWebhook = serde_json::from_str(lines.lines().next().unwrap()).unwrap();
        assert_eq!(first.payload["n"], 1);
        assert_eq!(first.alert_names(), ["Watchdog"]);
    }

    #[test]
    fn the_journal_is_moved_aside_at_its_limit_and_never_grows_past_twice_it() {
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("webhook.jsonl");
        let line_len = serde_json::to_vec(&notification(100)).unwrap().len() as u64 + 1;
        // Room for three notifications per file.
        let limit = line_len * 3 + line_len / 2;
        let inbox = WebhookInbox::new(journal.clone(), 1000, limit);
        for n in 100..200 {
            inbox.record(notification(n)).unwrap();
            let on_disk = std::fs::metadata(&journal).unwrap().len()
                + std::fs::metadata(rotated_path(&journal)).map_or(0, |m| m.len());
            assert!(on_disk <= 2 * limit, "{on_disk} bytes on disk after {n}");
        }
        let numbers = |path: &Path| -> Vec<u64> {
            std::fs::read_to_string(path)
                .unwrap()
                .lines()
                .map(|line| {
                    serde_json::from_str::<ReceivedWebhook>(line)
                        .unwrap()
                        .payload["n"]
                        .as_u64()
                        .unwrap()
                })
                .collect()
        };
        // The newest are in the journal, the ones just before them in .1, in order, whole lines.
        assert_eq!(numbers(&journal), [199]);
        assert_eq!(numbers(&rotated_path(&journal)), [196, 197, 198]);
        // Memory keeps its own (larger) window.
        assert_eq!(inbox.received().len(), 100);
    }

    #[test]
    fn an_existing_journal_counts_towards_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("webhook.jsonl");
        std::fs::write(&journal, "x".repeat(900) + "\n").unwrap();
        let inbox = WebhookInbox::new(journal.clone(), 10, 1000);
        inbox.record(notification(1)).unwrap();
        assert_eq!(
            std::fs::read_to_string(rotated_path(&journal))
                .unwrap()
                .len(),
            901
        );
        assert!(
            std::fs::read_to_string(&journal)
                .unwrap()
                .contains("\"n\":1")
        );
    }
}
