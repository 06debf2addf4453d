//! Silences as the UI edits them, and how to draft one from an alert.
//!
//! Hinomi never mutes anything itself: silences live in Alertmanager (see
//! [`crate::sources::AlertmanagerClient`]), so every teammate and every Alertmanager of an HA pair
//! sees the same ones. This module only shapes them: a draft from an alert's labels, and
//! checking which alerts a silence would mute before it is sent.

use crate::alert::LabelSet;
use crate::matcher::{MatchOp, Matcher};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct SilenceMatcher {
    pub name: String,
    pub value: String,
    pub is_regex: bool,
    /// `false` for `!=` and `!~`.
    pub is_equal: bool,
}

impl SilenceMatcher {
    pub fn equal(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: value.into(),
            is_regex: false,
            is_equal: true,
        }
    }

    pub fn op(&self) -> MatchOp {
        match (self.is_regex, self.is_equal) {
            (false, true) => MatchOp::Equal,
            (false, false) => MatchOp::NotEqual,
            (true, true) => MatchOp::Regex,
            (true, false) => MatchOp::NotRegex,
        }
    }

    pub fn to_matcher(&self) -> Result<Matcher, regex::Error> {
        Matcher::new(self.name.clone(), self.op(), self.value.clone())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum SilenceState {
    Active,
    /// Starts in the future.
    Pending,
    Expired,
}

/// A silence as Alertmanager holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Silence {
    pub id: String,
    pub matchers: Vec<SilenceMatcher>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub created_by: String,
    pub comment: String,
    pub state: SilenceState,
    pub updated_at: Option<DateTime<Utc>>,
}

impl Silence {
    /// Whether this silence covers an alert with these labels (ignoring its time window).
    /// A matcher with a broken regex matches nothing, as in Alertmanager.
    pub fn covers(&self, labels: &LabelSet) -> bool {
        self.matchers.iter().all(|matcher| {
            matcher
                .to_matcher()
                .is_ok_and(|matcher| matcher.matches(labels))
        })
    }
}

/// What is sent to create or edit a silence. Not validated here on purpose: Alertmanager is the
/// authority, and its error text is shown as it wrote it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct SilenceDraft {
    pub matchers: Vec<SilenceMatcher>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub created_by: String,
    pub comment: String,
}

impl SilenceDraft {
    /// Silences exactly this alert: one equality matcher per label, from now for `duration`.
    pub fn for_alert(
        labels: &LabelSet,
        now: DateTime<Utc>,
        duration: Duration,
        created_by: impl Into<String>,
        comment: impl Into<String>,
    ) -> Self {
        Self {
            matchers: labels
                .iter()
                .map(|(name, value)| SilenceMatcher::equal(name, value))
                .collect(),
            starts_at: now,
            ends_at: now + chrono::Duration::from_std(duration).unwrap_or(chrono::Duration::MAX),
            created_by: created_by.into(),
            comment: comment.into(),
        }
    }

    /// Starts an edit. The start time is kept as Alertmanager has it: an active silence whose
    /// start or matchers change is replaced by a new one (with a new id) instead of updated.
    pub fn from_silence(silence: &Silence) -> Self {
        Self {
            matchers: silence.matchers.clone(),
            starts_at: silence.starts_at,
            ends_at: silence.ends_at,
            created_by: silence.created_by.clone(),
            comment: silence.comment.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alert::tests::labels;

    #[test]
    fn a_draft_for_an_alert_matches_exactly_its_labels() {
        let now = Utc::now();
        let alert = labels(&[("alertname", "Watchdog"), ("severity", "none")]);
        let draft = SilenceDraft::for_alert(&alert, now, Duration::from_secs(3600), "me", "why");
        assert_eq!(draft.matchers.len(), 2);
        assert_eq!(draft.ends_at - draft.starts_at, chrono::Duration::hours(1));
        let silence = Silence {
            id: "x".into(),
            matchers: draft.matchers,
            starts_at: now,
            ends_at: now,
            created_by: "me".into(),
            comment: "why".into(),
            state: SilenceState::Active,
            updated_at: None,
        };
        assert!(silence.covers(&alert));
        assert!(!silence.covers(&labels(&[("alertname", "Watchdog")])));
    }

    #[test]
    fn matcher_flags_map_to_operators() {
        let mut matcher = SilenceMatcher::equal("a", "b.*");
        matcher.is_regex = true;
        matcher.is_equal = false;
        assert_eq!(matcher.op(), MatchOp::NotRegex);
        assert!(
            matcher
                .to_matcher()
                .unwrap()
                .matches(&labels(&[("a", "c")]))
        );
    }
}
