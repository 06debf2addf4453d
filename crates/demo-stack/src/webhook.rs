//! The demo's offline notification receiver.
//!
//! The monitoring spec notifies Slack and e-mail; the demo cannot reach either, so Alertmanager
//! posts to the supervisor instead. Each notification is kept in memory (the most recent ones,
//! for `GET /webhook/alertmanager`) and appended to `webhook.jsonl` (all of them, for later).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::PathBuf;
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
    journal: PathBuf,
}

impl WebhookInbox {
    pub fn new(journal: PathBuf, capacity: usize) -> Self {
        Self {
            recent: Mutex::new(VecDeque::new()),
            capacity: capacity.max(1),
            journal,
        }
    }

    /// Keeps the notification; fails only if the journal cannot be written, in which case it
    /// is still kept in memory.
    pub fn record(&self, received: ReceivedWebhook) -> io::Result<()> {
        let mut line = serde_json::to_vec(&received).map_err(io::Error::from)?;
        line.push(b'\n');
        let mut recent = self
            .recent
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        if recent.len() == self.capacity {
            recent.pop_front();
        }
        recent.push_back(received);
        // Appending under the lock keeps the journal in arrival order. One small write to a
        // local file is cheap enough to do inline, even on an async worker.
        OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.journal)
            .and_then(|mut file| file.write_all(&line))
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
            received_at: Utc::now(),
            route: None,
            payload: json!({"n": n, "alerts": [{"labels": {"alertname": "Watchdog"}}]}),
        }
    }

    #[test]
    fn keeps_the_most_recent_and_journals_everything() {
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("webhook.jsonl");
        let inbox = WebhookInbox::new(journal.clone(), 2);
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
}
