//! Synthetic log lines in the seed's format (monitoring spec §6.2), for the tests, the
//! differential test against OpenSearch and the ingest benchmark: deterministic (a seeded
//! xorshift), with the variety of the demo API's logs — levels, actions, users, requests of
//! several lines, English and Japanese messages, numbers in messages.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeedContext {
    pub request_id: String,
    pub user_id: String,
    pub action: String,
}

/// One line: `{"timestamp", "level", "service", "message", "context": {..}}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeedLine {
    pub timestamp: String,
    pub level: String,
    pub service: String,
    pub message: String,
    pub context: SeedContext,
    /// Not serialised: the line's epoch milliseconds.
    #[serde(skip)]
    pub time_ms: i64,
}

impl SeedLine {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

pub const ACTIONS: &[&str] = &[
    "create_dataset",
    "get_dataset",
    "list_datasets",
    "update_dataset",
    "delete_dataset",
    "upload_file",
];

/// `(level, message template)`; `{n}` becomes a number.
pub const MESSAGES: &[(&str, &str)] = &[
    ("INFO", "データセットを作成しました"),
    ("INFO", "Dataset created: ds-{n}"),
    ("INFO", "Request completed in {n} ms"),
    ("INFO", "ユーザー認証に成功しました"),
    ("INFO", "Listing datasets for the dashboard page {n}"),
    ("WARN", "ストレージ容量が{n}%を超えました"),
    ("WARN", "Slow query detected: {n} ms"),
    (
        "ERROR",
        "データセットの取得に失敗しました: timeout after {n}ms",
    ),
    ("ERROR", "Connection refused by upstream storage"),
    ("ERROR", "Failed to create dataset: quota exceeded for user"),
    ("DEBUG", "cache miss for key dataset:{n}"),
];

pub struct SeedGenerator {
    state: u64,
    time_ms: i64,
    step_ms: i64,
    request: Option<(SeedContext, u32)>,
}

impl SeedGenerator {
    /// Lines from `start_ms`, on average every `step_ms` (whole seconds, as the seed logs).
    pub fn new(seed: u64, start_ms: i64, step_ms: i64) -> Self {
        Self {
            state: seed.max(1),
            time_ms: start_ms,
            step_ms: step_ms.max(1),
            request: None,
        }
    }

    fn next_u64(&mut self) -> u64 {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        self.state
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    pub fn line(&mut self) -> SeedLine {
        self.time_ms += self.below(2 * self.step_ms as u64 + 1) as i64;
        let context = match self.request.take() {
            Some((context, left)) if left > 0 => {
                self.request = Some((context.clone(), left - 1));
                context
            }
            _ => {
                let id = format!(
                    "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
                    self.next_u64() as u32,
                    self.below(0x10000),
                    self.below(0x1000),
                    self.below(0x1000),
                    self.next_u64() & 0xffff_ffff_ffff
                );
                let context = SeedContext {
                    request_id: id,
                    user_id: format!("user{}", 1 + self.below(200)),
                    action: ACTIONS[self.below(ACTIONS.len() as u64) as usize].to_string(),
                };
                let more = self.below(3) as u32;
                self.request = Some((context.clone(), more));
                context
            }
        };
        let roll = self.below(100);
        let wanted = match roll {
            0..=5 => "ERROR",
            6..=17 => "WARN",
            18..=19 => "DEBUG",
            _ => "INFO",
        };
        let choices: Vec<&(&str, &str)> = MESSAGES.iter().filter(|(l, _)| *l == wanted).collect();
        let (level, template) = choices[self.below(choices.len() as u64) as usize];
        let message = template.replace("{n}", &(1 + self.below(999)).to_string());
        let secs = self.time_ms.div_euclid(1000);
        let at = chrono::DateTime::from_timestamp(secs, 0).unwrap_or_default();
        SeedLine {
            timestamp: at.format("%Y-%m-%d %H:%M:%S").to_string(),
            level: level.to_string(),
            service: "dataset-management".into(),
            message,
            context,
            time_ms: secs * 1000,
        }
    }

    pub fn lines(&mut self, n: usize) -> Vec<SeedLine> {
        (0..n).map(|_| self.line()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_varied() {
        let a = SeedGenerator::new(7, 1_714_557_600_000, 1000).lines(500);
        let b = SeedGenerator::new(7, 1_714_557_600_000, 1000).lines(500);
        assert_eq!(a, b);
        for level in ["INFO", "WARN", "ERROR", "DEBUG"] {
            assert!(a.iter().any(|l| l.level == level), "{level}");
        }
        assert!(a.windows(2).all(|w| w[0].time_ms <= w[1].time_ms));
        assert!(
            a.windows(2)
                .any(|w| w[0].context.request_id == w[1].context.request_id)
        );
        let json: serde_json::Value = serde_json::from_str(&a[0].to_json()).unwrap();
        assert!(json["context"]["request_id"].is_string());
        assert!(json.get("time_ms").is_none());
    }
}
