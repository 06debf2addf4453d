//! What changed between two polls: new alerts, alerts whose state or text changed, and
//! resolved ones (gone from every source).
//!
//! Changes drive the history and the UI's "alert state changed" event. A Prometheus value that
//! moves on every evaluation is deliberately not a change.

use crate::alert::{Alert, AlertState, LabelSet};
use crate::ingest::Snapshot;
use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    New,
    Changed,
    Resolved,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct AlertChange {
    pub kind: ChangeKind,
    pub fingerprint: String,
    pub labels: LabelSet,
    /// `None` for resolved alerts.
    pub state: Option<AlertState>,
    /// `None` for new alerts.
    pub previous_state: Option<AlertState>,
}

impl AlertChange {
    fn of(
        kind: ChangeKind,
        alert: &Alert,
        state: Option<AlertState>,
        previous: Option<AlertState>,
    ) -> Self {
        Self {
            kind,
            fingerprint: alert.fingerprint.clone(),
            labels: alert.labels.clone(),
            state,
            previous_state: previous,
        }
    }
}

/// Changes from `previous` to `current`: new and changed in `current`'s order, then resolved in
/// `previous`'s order. Linear in the sizes of both.
pub fn detect_changes(previous: &Snapshot, current: &Snapshot) -> Vec<AlertChange> {
    let mut changes = Vec::new();
    for alert in current.alerts() {
        match previous.get(&alert.fingerprint) {
            None => changes.push(AlertChange::of(
                ChangeKind::New,
                alert,
                Some(alert.state),
                None,
            )),
            Some(before)
                if before.state != alert.state || before.annotations != alert.annotations =>
            {
                changes.push(AlertChange::of(
                    ChangeKind::Changed,
                    alert,
                    Some(alert.state),
                    Some(before.state),
                ));
            }
            Some(_) => {}
        }
    }
    for before in previous.alerts() {
        if current.get(&before.fingerprint).is_none() {
            changes.push(AlertChange::of(
                ChangeKind::Resolved,
                before,
                None,
                Some(before.state),
            ));
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alert::tests::labels;
    use crate::alert::{SourceKind, SourceRef};

    fn alert(name: &str, state: AlertState) -> Alert {
        Alert::new(
            labels(&[("alertname", name)]),
            state,
            SourceRef::new("am", SourceKind::Alertmanager),
        )
    }

    #[test]
    fn new_changed_and_resolved() {
        let before = Snapshot::merge([vec![
            alert("Stays", AlertState::Firing),
            alert("Escalates", AlertState::Pending),
            alert("Goes", AlertState::Firing),
        ]]);
        let mut reworded = alert("Stays", AlertState::Firing);
        reworded.value = Some("2".into());
        let after = Snapshot::merge([vec![
            reworded,
            alert("Escalates", AlertState::Firing),
            alert("Arrives", AlertState::Pending),
        ]]);
        let changes = detect_changes(&before, &after);
        let summary: Vec<(ChangeKind, &str, Option<AlertState>, Option<AlertState>)> = changes
            .iter()
            .map(|c| {
                (
                    c.kind,
                    c.labels["alertname"].as_str(),
                    c.previous_state,
                    c.state,
                )
            })
            .collect();
        assert_eq!(summary.len(), 3, "{summary:?}");
        assert!(summary.contains(&(ChangeKind::New, "Arrives", None, Some(AlertState::Pending))));
        assert!(summary.contains(&(
            ChangeKind::Changed,
            "Escalates",
            Some(AlertState::Pending),
            Some(AlertState::Firing)
        )));
        assert_eq!(
            summary[2],
            (ChangeKind::Resolved, "Goes", Some(AlertState::Firing), None)
        );
    }

    #[test]
    fn changed_annotations_are_a_change_and_identical_polls_are_not() {
        let before = Snapshot::merge([vec![alert("A", AlertState::Firing)]]);
        assert!(detect_changes(&before, &before.clone()).is_empty());
        let mut reworded = alert("A", AlertState::Firing);
        reworded.annotations.insert("summary".into(), "new".into());
        let changes = detect_changes(&before, &Snapshot::merge([vec![reworded]]));
        assert_eq!(changes[0].kind, ChangeKind::Changed);
    }
}
