//! Incident levels P0–P3 (seed §7.1) and how long each may wait for a response.
//!
//! The seed says P0 "即時対応" (immediate); a countdown needs a number, so P0 gets 15 minutes by
//! default. Every target is configurable through [`ResponseTargets`].

use serde::{Deserialize, Serialize};
use specta::Type;
use std::fmt;
use std::str::FromStr;

/// P0 is the most severe. The derived order follows declaration, so `P0 < P3` and the most
/// severe of several is their minimum.
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
}
