//! The incident settings a team tunes: response targets per P-level and how an alert's
//! `severity` label becomes a P-level.
//!
//! They are the `[incidents]` section of settings.toml; the file's aggregate (`hinomi-settings`)
//! composes this section with the others, so the incidents crate owns its types, defaults and
//! validation.
//!
//! The seed (§7.1) says P0 "即時対応" (immediate); a countdown needs a number, so P0 gets 15
//! minutes by default.

use serde::{Deserialize, Serialize};
use specta::Type;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// Incident levels P0–P3. P0 is the most severe; the derived order follows declaration, so
/// `P0 < P3` and the most severe of several is their minimum.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Type,
)]
pub enum Severity {
    /// システムダウン — the system is down.
    P0,
    /// 重大な機能障害 — a major function is broken.
    P1,
    /// 部分的な機能障害 — part of a function is broken.
    P2,
    /// 軽微な問題 — a minor problem.
    P3,
}

impl Severity {
    pub const ALL: [Severity; 4] = [Severity::P0, Severity::P1, Severity::P2, Severity::P3];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::P0 => "P0",
            Severity::P1 => "P1",
            Severity::P2 => "P2",
            Severity::P3 => "P3",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| format!("unknown severity {text:?}; expected P0, P1, P2 or P3"))
    }
}

/// When the response-target clock stops.
///
/// The seed's 対応時間 is read as "time until someone responds", so by default the clock stops
/// at acknowledgement; teams that read it as time to restore service can stop it later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum TargetStop {
    #[default]
    Acknowledged,
    Mitigated,
    Resolved,
}

/// Response targets per severity, in minutes. Defaults follow seed §7.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(default)]
pub struct ResponseTargets {
    pub p0_minutes: u32,
    pub p1_minutes: u32,
    pub p2_minutes: u32,
    pub p3_minutes: u32,
    pub stop_at: TargetStop,
}

impl Default for ResponseTargets {
    fn default() -> Self {
        Self {
            p0_minutes: 15,
            p1_minutes: 60,
            p2_minutes: 4 * 60,
            p3_minutes: 24 * 60,
            stop_at: TargetStop::Acknowledged,
        }
    }
}

impl ResponseTargets {
    /// Thirty days: beyond that a "response target" is no longer a countdown anyone watches.
    pub const MAX_MINUTES: u32 = 30 * 24 * 60;

    pub fn minutes_for(&self, severity: Severity) -> u32 {
        match severity {
            Severity::P0 => self.p0_minutes,
            Severity::P1 => self.p1_minutes,
            Severity::P2 => self.p2_minutes,
            Severity::P3 => self.p3_minutes,
        }
    }

    pub fn target_for(&self, severity: Severity) -> chrono::Duration {
        chrono::Duration::minutes(i64::from(self.minutes_for(severity)))
    }
}

/// Alert label value → P-level. P0 ("the system is down") is a human judgement, so the
/// defaults never produce it; a user may still map a value to P0 on purpose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(default)]
pub struct SeverityMapping {
    /// The label read from each alert (and the group), normally `severity`.
    pub label: String,
    /// Keys are compared case-insensitively.
    pub values: BTreeMap<String, Severity>,
    /// For a missing label or a value not in `values`.
    pub otherwise: Severity,
}

impl Default for SeverityMapping {
    fn default() -> Self {
        Self {
            label: "severity".to_string(),
            values: BTreeMap::from([
                ("critical".to_string(), Severity::P1),
                ("warning".to_string(), Severity::P2),
                ("info".to_string(), Severity::P3),
                ("none".to_string(), Severity::P3),
            ]),
            otherwise: Severity::P3,
        }
    }
}

impl SeverityMapping {
    pub fn map(&self, value: Option<&str>) -> Severity {
        value
            .and_then(|value| {
                self.values
                    .iter()
                    .find(|(key, _)| key.eq_ignore_ascii_case(value.trim()))
                    .map(|(_, severity)| *severity)
            })
            .unwrap_or(self.otherwise)
    }
}

/// The `[incidents]` table of settings.toml.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
#[serde(default, deny_unknown_fields)]
pub struct IncidentPolicy {
    pub response_targets: ResponseTargets,
    pub severity_mapping: SeverityMapping,
}

impl IncidentPolicy {
    /// What is wrong, in words for the Settings view; empty when the policy is usable.
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        for severity in Severity::ALL {
            let minutes = self.response_targets.minutes_for(severity);
            if minutes > ResponseTargets::MAX_MINUTES {
                problems.push((
                    format!("incidents.{}_minutes", severity.as_str().to_lowercase()),
                    format!(
                        "The {severity} response target must be at most 30 days ({} minutes), \
                         not {minutes}.",
                        ResponseTargets::MAX_MINUTES
                    ),
                ));
            }
        }
        if self.severity_mapping.label.trim().is_empty() {
            problems.push((
                "incidents.severity_label".into(),
                "Name the alert label that carries the severity (normally \"severity\").".into(),
            ));
        }
        if self
            .severity_mapping
            .values
            .keys()
            .any(|k| k.trim().is_empty())
        {
            problems.push((
                "incidents.severity_values".into(),
                "A severity mapping has an empty label value.".into(),
            ));
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_seed() {
        let targets = ResponseTargets::default();
        assert_eq!(
            targets.target_for(Severity::P0),
            chrono::Duration::minutes(15)
        );
        assert_eq!(targets.target_for(Severity::P1), chrono::Duration::hours(1));
        assert_eq!(targets.target_for(Severity::P2), chrono::Duration::hours(4));
        assert_eq!(
            targets.target_for(Severity::P3),
            chrono::Duration::hours(24)
        );
        assert!(IncidentPolicy::default().problems().is_empty());
    }

    #[test]
    fn most_severe_is_the_minimum() {
        assert_eq!(
            [Severity::P3, Severity::P1, Severity::P2].into_iter().min(),
            Some(Severity::P1)
        );
        assert_eq!("p2".parse::<Severity>(), Ok(Severity::P2));
        assert!("P5".parse::<Severity>().is_err());
    }

    #[test]
    fn default_mapping_never_says_p0() {
        let mapping = SeverityMapping::default();
        assert_eq!(mapping.map(Some("critical")), Severity::P1);
        assert_eq!(mapping.map(Some("Warning")), Severity::P2);
        assert_eq!(mapping.map(Some("info")), Severity::P3);
        assert_eq!(mapping.map(None), Severity::P3);
        assert_eq!(mapping.map(Some("page")), Severity::P3);
    }

    #[test]
    fn silly_targets_and_an_empty_label_are_problems() {
        let mut policy = IncidentPolicy::default();
        policy.response_targets.p2_minutes = ResponseTargets::MAX_MINUTES + 1;
        policy.severity_mapping.label = " ".into();
        let fields: Vec<_> = policy.problems().into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            vec!["incidents.p2_minutes", "incidents.severity_label"]
        );
    }
}
