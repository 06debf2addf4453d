//! The seed's log lines (§6.2), generated deterministically, and the answers computed from them.

use serde_json::{Value, json};

pub const DAY1: &str = "dataset-management-2024.05.01";
pub const DAY2: &str = "dataset-management-2024.05.02";
pub const PATTERN: &str = "dataset-management-*";
pub const TIME_FIELD: &str = "timestamp";

/// 2024-05-01 22:00:00 UTC: four hours of lines around midnight, so two daily indices.
pub const START_MS: i64 = 1_714_600_800_000;
pub const SPAN_MS: i64 = 4 * 3_600_000;

#[derive(Debug, Clone)]
pub struct Line {
    pub id: String,
    pub ts_ms: i64,
    pub level: &'static str,
    pub message: String,
    pub request_id: String,
    pub user_id: Option<String>,
    pub action: &'static str,
}

impl Line {
    pub fn index(&self) -> &'static str {
        if self.ts_ms < START_MS + 2 * 3_600_000 {
            DAY1
        } else {
            DAY2
        }
    }

    pub fn timestamp(&self) -> String {
        chrono::DateTime::from_timestamp_millis(self.ts_ms)
            .unwrap()
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    }

    pub fn source(&self) -> Value {
        let mut context = json!({"request_id": self.request_id, "action": self.action});
        if let Some(user) = &self.user_id {
            context["user_id"] = json!(user);
        }
        json!({
            "timestamp": self.timestamp(),
            "level": self.level,
            "service": "dataset-management",
            "message": self.message,
            "context": context,
        })
    }
}

pub const ACTIONS: [&str; 5] = [
    "create_dataset",
    "delete_dataset",
    "list_datasets",
    "upload_file",
    "export_dataset",
];

const MESSAGES: [(&str, &str); 8] = [
    ("INFO", "request completed"),
    ("INFO", "upload completed for dataset"),
    ("INFO", "データセットを作成しました"),
    ("DEBUG", "cache lookup finished"),
    ("WARN", "slow query on datasets table"),
    ("WARN", "ストレージ使用率が高くなっています"),
    ("ERROR", "データセットの作成に失敗しました: タイムアウト"),
    ("ERROR", "permission denied for user"),
];

/// A small linear congruential generator: the data is the same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// `n` lines in requests of 1-5 lines each; timestamps have one-second resolution, so many
/// lines share a second (the tiebreaker matters).
pub fn generate(n: usize) -> Vec<Line> {
    let mut rng = Lcg(20_240_501);
    let mut lines = Vec::with_capacity(n);
    let mut request = 0;
    while lines.len() < n {
        request += 1;
        let request_id = format!("req-{request:05}");
        let action = ACTIONS[rng.below(5) as usize];
        let user_id = (rng.below(20) != 0).then(|| format!("user{:03}", 1 + rng.below(50)));
        let start = START_MS + (rng.below((SPAN_MS / 1000 - 10) as u64) as i64) * 1000;
        for k in 0..(1 + rng.below(5)).min((n - lines.len()) as u64) {
            // Level mix: mostly INFO, some WARN and ERROR, a little DEBUG.
            let roll = rng.below(100);
            let wanted = match roll {
                0..=69 => "INFO",
                70..=84 => "WARN",
                85..=94 => "ERROR",
                _ => "DEBUG",
            };
            let choices: Vec<_> = MESSAGES.iter().filter(|(l, _)| *l == wanted).collect();
            let (level, message) = choices[rng.below(choices.len() as u64) as usize];
            lines.push(Line {
                id: format!("d{:05}", lines.len()),
                ts_ms: start + k as i64 * 1000,
                level,
                message: message.to_string(),
                request_id: request_id.clone(),
                user_id: user_id.clone(),
                action,
            });
        }
    }
    lines
}

/// Lines meant to break a view: markup, terminal escapes, bidi override, NUL, 1 MB.
pub fn hostile() -> Vec<Line> {
    let texts = [
        "<script>alert('x')</script><img src=x onerror=alert(1)>".to_string(),
        "\u{1b}[31mred\u{1b}[0m and \u{1b}]0;title\u{7}".to_string(),
        "abc\u{202e}txt.exe and \"quotes\", commas\nand a newline".to_string(),
        "nul:\u{0}:end".to_string(),
        format!("big {}", "x".repeat(1024 * 1024)),
    ];
    texts
        .into_iter()
        .enumerate()
        .map(|(i, message)| Line {
            id: format!("hostile-{i}"),
            ts_ms: START_MS + 3_600_000 + i as i64 * 1000,
            level: "INFO",
            message,
            request_id: "hostile".into(),
            user_id: Some("user999".into()),
            action: "upload_file",
        })
        .collect()
}

pub fn template() -> Value {
    json!({
        "index_patterns": [PATTERN],
        "template": {
            "settings": {"number_of_shards": 1, "number_of_replicas": 0},
            "mappings": {"properties": {
                "timestamp": {"type": "date", "format": "yyyy-MM-dd HH:mm:ss"},
                "level": {"type": "keyword"},
                "service": {"type": "keyword"},
                "message": {"type": "text", "fields": {"keyword": {"type": "keyword", "ignore_above": 256}}},
                "context": {"properties": {
                    "request_id": {"type": "keyword"},
                    "user_id": {"type": "keyword"},
                    "action": {"type": "keyword"}
                }}
            }}
        }
    })
}
