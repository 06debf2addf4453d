//! Which notifications do-not-disturb, quiet hours or a snooze held back, told to the log. The
//! planner offers a held notice again until the reason is gone: a group's at each of its
//! flushes (every group interval, minutes apart), a notice about a source at every round (every
//! few seconds). Logging each offer would repeat the latter's line every round for as long as
//! do-not-disturb lasts, so this remembers what the last round held and logs only what it did
//! not: a source notice once per stretch, a group once per flush.

use crate::notify::{HeldBack, NotificationKind, Suppression};
use std::collections::HashSet;

type HeldKey = (String, NotificationKind, Suppression);

#[derive(Debug, Default)]
pub(super) struct HeldBackLog {
    last_round: HashSet<HeldKey>,
}

impl HeldBackLog {
    /// The notices of `held` that the previous round did not hold back (for the same group,
    /// kind and reason); what this round held becomes the new memory.
    pub(super) fn newly_held<'a>(&mut self, held: &'a [HeldBack]) -> Vec<&'a HeldBack> {
        let key = |h: &HeldBack| {
            (
                h.notification.group_key.clone(),
                h.notification.kind,
                h.reason,
            )
        };
        let fresh = held
            .iter()
            .filter(|h| !self.last_round.contains(&key(h)))
            .collect();
        self.last_round = held.iter().map(key).collect();
        fresh
    }

    /// Logs what `held` adds to the last round's.
    pub(super) fn log(&mut self, held: &[HeldBack]) {
        for h in self.newly_held(held) {
            tracing::info!(
                group = %h.notification.group_key,
                kind = ?h.notification.kind,
                reason = ?h.reason,
                "notification held back"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Severity;
    use crate::notify::PlannedNotification;

    fn held(group: &str, kind: NotificationKind, reason: Suppression) -> HeldBack {
        HeldBack {
            notification: PlannedNotification {
                kind,
                group_key: group.into(),
                group_labels: Default::default(),
                firing_count: 1,
                resolved_count: 0,
                worst_severity: Severity::Warning,
                summary: None,
                louder: false,
                datasource_id: None,
                at: chrono::DateTime::UNIX_EPOCH,
            },
            reason,
        }
    }

    fn groups(held: &[&HeldBack]) -> Vec<String> {
        held.iter()
            .map(|h| h.notification.group_key.clone())
            .collect()
    }

    #[test]
    fn a_notice_held_round_after_round_is_new_only_the_first_time() {
        let mut log = HeldBackLog::default();
        let quiet = held("quiet", NotificationKind::Firing, Suppression::DoNotDisturb);
        let source = held(
            "source:am",
            NotificationKind::SourceRecovered,
            Suppression::DoNotDisturb,
        );
        let first = [quiet.clone()];
        assert_eq!(groups(&log.newly_held(&first)), ["quiet"]);
        assert!(log.newly_held(&first).is_empty());
        let second = [quiet.clone(), source];
        assert_eq!(groups(&log.newly_held(&second)), ["source:am"]);
        assert!(log.newly_held(&second).is_empty());
    }

    #[test]
    fn held_again_after_a_round_without_it_or_for_another_reason_is_new() {
        let mut log = HeldBackLog::default();
        let dnd = held("g", NotificationKind::Firing, Suppression::DoNotDisturb);
        assert_eq!(log.newly_held(std::slice::from_ref(&dnd)).len(), 1);
        assert!(log.newly_held(&[]).is_empty());
        assert_eq!(log.newly_held(std::slice::from_ref(&dnd)).len(), 1);
        let snoozed = held("g", NotificationKind::Firing, Suppression::Snoozed);
        assert_eq!(log.newly_held(&[snoozed]).len(), 1);
        let repeat = held("g", NotificationKind::Repeat, Suppression::Snoozed);
        assert_eq!(log.newly_held(&[repeat]).len(), 1);
    }
}
