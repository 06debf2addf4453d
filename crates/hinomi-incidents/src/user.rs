//! Who is using this laptop, and what to tell them when a response target is running out.

use crate::model::countdown::ThresholdCrossing;

/// The one user name of the app (it lives in `hinomi-core`, which alerts share).
pub use hinomi_core::user::current_user;

/// The title and body of the desktop notification for a crossing.
pub fn notice_text(crossing: &ThresholdCrossing) -> (String, String) {
    let minutes = crossing.remaining_seconds / 60;
    let title = if crossing.threshold_percent >= 100 {
        format!("{} {} is overdue", crossing.severity, crossing.incident_id)
    } else {
        format!(
            "{} {}: {}% of the response target used",
            crossing.severity, crossing.incident_id, crossing.threshold_percent
        )
    };
    let body = if crossing.remaining_seconds < 0 {
        format!(
            "{} — not acknowledged, {} min past the target.",
            crossing.title, -minutes
        )
    } else {
        format!(
            "{} — not acknowledged, {} min left.",
            crossing.title, minutes
        )
    };
    (title, body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::severity::Severity;

    fn crossing(percent: u32, remaining: i32) -> ThresholdCrossing {
        ThresholdCrossing {
            incident_id: "INC-20261124-001".into(),
            title: "High error rate".into(),
            severity: Severity::P1,
            threshold_percent: percent,
            deadline: chrono::DateTime::UNIX_EPOCH,
            remaining_seconds: remaining,
        }
    }

    #[test]
    fn notices_say_how_much_time_is_left() {
        let (title, body) = notice_text(&crossing(80, 12 * 60));
        assert_eq!(
            title,
            "P1 INC-20261124-001: 80% of the response target used"
        );
        assert_eq!(body, "High error rate — not acknowledged, 12 min left.");
        let (title, body) = notice_text(&crossing(100, -5 * 60));
        assert_eq!(title, "P1 INC-20261124-001 is overdue");
        assert!(body.ends_with("5 min past the target."), "{body}");
    }
}
