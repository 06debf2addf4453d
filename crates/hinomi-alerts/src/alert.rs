//! One alert as the board, the history and the notification planner see it, whichever source
//! reported it.
//!
//! Prometheus knows pending alerts and values, Alertmanager knows silences, inhibitions and
//! receivers; both are folded into [`Alert`]. Alerts are identified by the fingerprint of their
//! label set, computed exactly as Prometheus and Alertmanager compute it, so the same alert from
//! two Alertmanagers (or from Prometheus and Alertmanager) is recognised as one.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::collections::BTreeMap;

/// Label or annotation names to values. Ordered, because fingerprints and group keys depend on
/// the order and the UI shows labels sorted.
pub type LabelSet = BTreeMap<String, String>;

/// How bad an alert is, from its `severity` label. Ordered from least to most severe, so the
/// worst of several is their maximum.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize, Type,
)]
// Named for TypeScript so it cannot clash with the incidents' P0–P3 `Severity`.
#[serde(rename = "AlertSeverity", rename_all = "snake_case")]
pub enum Severity {
    /// No `severity` label, or one Hinomi does not know (the seed's Watchdog has `none`).
    #[default]
    None,
    Info,
    Warning,
    Critical,
}

impl Severity {
    pub fn of(labels: &LabelSet) -> Self {
        labels
            .get("severity")
            .map_or(Self::None, |value| Self::parse(value))
    }

    pub fn parse(value: &str) -> Self {
        match value.trim().to_ascii_lowercase().as_str() {
            "critical" => Self::Critical,
            "warning" => Self::Warning,
            "info" => Self::Info,
            _ => Self::None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Critical => "critical",
        }
    }
}

/// Where an alert stands. Resolved alerts are not in a snapshot; they live in the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
// Named for TypeScript so it cannot clash with the incidents' snapshot `AlertState`.
#[serde(rename = "LiveAlertState", rename_all = "snake_case")]
pub enum AlertState {
    /// The expression holds but not yet for the rule's `for:` (only Prometheus knows these).
    Pending,
    Firing,
    /// Firing, but muted by an Alertmanager silence.
    Silenced,
    /// Firing, but muted by an Alertmanager inhibition rule.
    Inhibited,
}

impl AlertState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Firing => "firing",
            Self::Silenced => "silenced",
            Self::Inhibited => "inhibited",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "pending" => Some(Self::Pending),
            "firing" => Some(Self::Firing),
            "silenced" => Some(Self::Silenced),
            "inhibited" => Some(Self::Inhibited),
            _ => None,
        }
    }

    /// When two sources disagree, the one that knows more wins: a silence (only Alertmanager
    /// knows it) beats plain firing, and firing beats Prometheus's pending.
    pub(crate) fn precedence(self) -> u8 {
        match self {
            Self::Pending => 0,
            Self::Firing => 1,
            Self::Inhibited => 2,
            Self::Silenced => 3,
        }
    }

    /// Firing and not muted: the states a person should be told about.
    pub fn is_notifiable(self) -> bool {
        self == Self::Firing
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Type,
)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Prometheus,
    Alertmanager,
    /// The user's own watch rules, evaluated by Hinomi.
    LocalRules,
}

/// Which datasource reported an alert.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Type)]
pub struct SourceRef {
    pub datasource_id: String,
    pub kind: SourceKind,
}

impl SourceRef {
    pub fn new(datasource_id: impl Into<String>, kind: SourceKind) -> Self {
        Self {
            datasource_id: datasource_id.into(),
            kind,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Alert {
    /// 16 hex digits, identical to Alertmanager's fingerprint of the same label set.
    pub fingerprint: String,
    pub labels: LabelSet,
    pub annotations: LabelSet,
    pub state: AlertState,
    pub severity: Severity,
    /// When the alert became active (Prometheus's `activeAt`, Alertmanager's `startsAt`).
    pub active_since: Option<DateTime<Utc>>,
    /// The expression's value as Prometheus last evaluated it, when a Prometheus reported it.
    pub value: Option<String>,
    pub silenced_by: Vec<String>,
    pub inhibited_by: Vec<String>,
    /// Alertmanager receivers the alert was routed to.
    pub receivers: Vec<String>,
    pub generator_url: Option<String>,
    /// Every datasource that reported this alert in the last poll, sorted.
    pub sources: Vec<SourceRef>,
}

impl Alert {
    /// An alert with just labels and a state, as a source reports it before merging.
    pub fn new(labels: LabelSet, state: AlertState, source: SourceRef) -> Self {
        Self {
            fingerprint: fingerprint_hex(&labels),
            severity: Severity::of(&labels),
            labels,
            annotations: LabelSet::new(),
            state,
            active_since: None,
            value: None,
            silenced_by: Vec::new(),
            inhibited_by: Vec::new(),
            receivers: Vec::new(),
            generator_url: None,
            // Room for a second source: most alerts come from an HA pair or from Prometheus
            // and Alertmanager, and merging should not reallocate for each of them.
            sources: {
                let mut sources = Vec::with_capacity(2);
                sources.push(source);
                sources
            },
        }
    }

    pub fn alertname(&self) -> &str {
        self.labels.get("alertname").map_or("", String::as_str)
    }

    pub fn label(&self, name: &str) -> &str {
        self.labels.get(name).map_or("", String::as_str)
    }
}

const FNV_OFFSET: u64 = 14_695_981_039_346_656_037;
const FNV_PRIME: u64 = 1_099_511_628_211;
/// Prometheus's `model.SeparatorByte`: cannot occur in valid UTF-8.
const SEPARATOR: u8 = 0xff;

/// Prometheus's `LabelSet.Fingerprint()`: FNV-1a over sorted `name 0xff value 0xff`.
pub fn fingerprint(labels: &LabelSet) -> u64 {
    fingerprint_of_pairs(
        labels
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str())),
    )
}

/// The fingerprint of label pairs already sorted by name, without building a label set.
pub(crate) fn fingerprint_of_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> u64 {
    let mut hash = FNV_OFFSET;
    for (name, value) in pairs {
        hash = fnv_add(hash, name.as_bytes());
        hash = fnv_add(hash, &[SEPARATOR]);
        hash = fnv_add(hash, value.as_bytes());
        hash = fnv_add(hash, &[SEPARATOR]);
    }
    hash
}

fn fnv_add(mut hash: u64, bytes: &[u8]) -> u64 {
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(FNV_PRIME);
    }
    hash
}

/// The fingerprint string back as the number it encodes, for hash maps that would otherwise
/// hash and clone 16-character strings for every alert on every poll.
pub(crate) fn fingerprint_key(fingerprint: &str) -> u64 {
    u64::from_str_radix(fingerprint, 16)
        .unwrap_or_else(|_| fnv_add(FNV_OFFSET, fingerprint.as_bytes()))
}

/// Fingerprints are already well-mixed hashes; hashing them again only costs time.
#[derive(Default, Clone, Copy)]
pub(crate) struct FingerprintHasher(u64);

impl std::hash::Hasher for FingerprintHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0 = fnv_add(self.0 ^ FNV_OFFSET, bytes);
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

/// A map keyed by fingerprints (of alerts or of groups).
pub(crate) type FingerprintMap<V> =
    std::collections::HashMap<u64, V, std::hash::BuildHasherDefault<FingerprintHasher>>;
pub(crate) type FingerprintSet =
    std::collections::HashSet<u64, std::hash::BuildHasherDefault<FingerprintHasher>>;

/// The fingerprint as Alertmanager prints it (`%016x`).
pub fn fingerprint_hex(labels: &LabelSet) -> String {
    format!("{:016x}", fingerprint(labels))
}

/// `{a="1", b="2"}`, the way Prometheus prints a label set.
pub fn format_labels(labels: &LabelSet) -> String {
    let inner: Vec<String> = labels
        .iter()
        .map(|(name, value)| format!("{name}={value:?}"))
        .collect();
    format!("{{{}}}", inner.join(", "))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn labels(pairs: &[(&str, &str)]) -> LabelSet {
        pairs
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect()
    }

    #[test]
    fn fingerprints_match_prometheus() {
        // Values from prometheus/common's model/signature_test.go.
        assert_eq!(fingerprint(&LabelSet::new()), 14_695_981_039_346_656_037);
        assert_eq!(
            fingerprint(&labels(&[
                ("name", "garland, briggs"),
                ("fear", "love is not enough")
            ])),
            5_799_056_148_416_392_346
        );
    }

    #[test]
    fn severity_orders_worst_last_and_ignores_unknown_words() {
        assert!(Severity::Critical > Severity::Warning);
        assert!(Severity::Warning > Severity::Info);
        assert!(Severity::Info > Severity::None);
        assert_eq!(
            Severity::of(&labels(&[("severity", "CRITICAL")])),
            Severity::Critical
        );
        assert_eq!(
            Severity::of(&labels(&[("severity", "page")])),
            Severity::None
        );
        assert_eq!(Severity::of(&LabelSet::new()), Severity::None);
    }

    #[test]
    fn label_sets_print_like_prometheus() {
        assert_eq!(
            format_labels(&labels(&[("severity", "critical"), ("alertname", "A")])),
            r#"{alertname="A", severity="critical"}"#
        );
    }
}
