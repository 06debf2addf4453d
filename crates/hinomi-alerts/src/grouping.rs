//! Alertmanager's `group_by`: which labels put alerts into the same group.
//!
//! The board and the desktop notifications group the way the Alertmanager route does, so a
//! person sees the same five groups on screen, in Slack and on the desktop. The seed's route
//! groups by `alertname` and `severity`; `...` means "every label" (one group per alert).

use crate::alert::{Alert, LabelSet, fingerprint_key, fingerprint_of_pairs};
use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// Alerts with equal values for these labels share a group (no labels: one group).
    Labels(Vec<String>),
    /// `group_by: ['...']`: every distinct label set is its own group.
    All,
}

impl GroupBy {
    /// The monitoring spec's `group_by: ['alertname', 'severity']`.
    pub fn seed() -> Self {
        Self::Labels(vec!["alertname".into(), "severity".into()])
    }

    /// As written in an Alertmanager config; `...` anywhere means all labels. Duplicates are
    /// dropped and the order kept.
    pub fn from_names<S: AsRef<str>>(names: &[S]) -> Self {
        if names.iter().any(|name| name.as_ref() == "...") {
            return Self::All;
        }
        let mut labels: Vec<String> = Vec::with_capacity(names.len());
        for name in names {
            if !labels.iter().any(|seen| seen == name.as_ref()) {
                labels.push(name.as_ref().to_owned());
            }
        }
        Self::Labels(labels)
    }

    /// The names as Alertmanager prints them (`["..."]` for all).
    pub fn names(&self) -> Vec<String> {
        match self {
            Self::Labels(labels) => labels.clone(),
            Self::All => vec!["...".into()],
        }
    }

    /// The group's labels for an alert: only the grouping labels the alert has, like
    /// Alertmanager (a missing label does not appear as an empty one).
    pub fn group_labels(&self, labels: &LabelSet) -> LabelSet {
        match self {
            Self::All => labels.clone(),
            Self::Labels(names) => names
                .iter()
                .filter_map(|name| labels.get(name).map(|value| (name.clone(), value.clone())))
                .collect(),
        }
    }
}

/// Computes group identities fast: the fingerprint of the group's labels, without building
/// them, so grouping 10,000 alerts allocates only once per group.
#[derive(Debug, Clone)]
pub(crate) struct GroupKeys {
    /// Sorted by name, as label sets are; `None` for all labels.
    names: Option<Vec<String>>,
}

impl GroupKeys {
    pub fn new(group_by: &GroupBy) -> Self {
        let names = match group_by {
            GroupBy::All => None,
            GroupBy::Labels(names) => {
                let mut names = names.clone();
                names.sort();
                Some(names)
            }
        };
        Self { names }
    }

    /// Equal to `fingerprint(&group_by.group_labels(&alert.labels))`.
    pub fn key(&self, alert: &Alert) -> u64 {
        match &self.names {
            None => fingerprint_key(&alert.fingerprint),
            Some(names) => fingerprint_of_pairs(names.iter().filter_map(|name| {
                alert
                    .labels
                    .get(name)
                    .map(|value| (name.as_str(), value.as_str()))
            })),
        }
    }
}

impl Default for GroupBy {
    fn default() -> Self {
        Self::seed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alert::tests::labels;

    #[test]
    fn group_labels_keep_only_what_the_alert_has() {
        let alert = labels(&[
            ("alertname", "A"),
            ("instance", "x"),
            ("severity", "warning"),
        ]);
        assert_eq!(
            GroupBy::seed().group_labels(&alert),
            labels(&[("alertname", "A"), ("severity", "warning")])
        );
        assert_eq!(
            GroupBy::seed().group_labels(&labels(&[("alertname", "A")])),
            labels(&[("alertname", "A")])
        );
        assert_eq!(GroupBy::All.group_labels(&alert), alert);
        assert_eq!(GroupBy::from_names(&["alertname", "..."]), GroupBy::All);
        // Fast keys agree with the fingerprint of the group labels, whatever the name order.
        let as_alert = crate::alert::Alert::new(
            alert.clone(),
            crate::alert::AlertState::Firing,
            crate::alert::SourceRef::new("am", crate::alert::SourceKind::Alertmanager),
        );
        let reversed = GroupBy::Labels(vec!["severity".into(), "alertname".into()]);
        assert_eq!(
            GroupKeys::new(&reversed).key(&as_alert),
            crate::alert::fingerprint(&reversed.group_labels(&alert))
        );
        assert_eq!(
            GroupKeys::new(&GroupBy::All).key(&as_alert),
            crate::alert::fingerprint(&alert)
        );
        assert_eq!(
            GroupBy::from_names(&["a", "b", "a"]),
            GroupBy::Labels(vec!["a".into(), "b".into()])
        );
    }
}
