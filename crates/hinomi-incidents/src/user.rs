//! Who is using this laptop, and what to tell them when a response target is running out.

use crate::model::countdown::ThresholdCrossing;
use hinomi_core::texts::{Lang, Message};

/// The one user name of the app (it lives in `hinomi-core`, which alerts share).
pub use hinomi_core::user::current_user;

/// The title and body of the desktop notification for a crossing, in `lang` (worded by the
/// desktop text catalogue).
pub fn notice_text(crossing: &ThresholdCrossing, lang: Lang) -> (String, String) {
    let severity = crossing.severity.to_string();
    let (severity, incident_id) = (severity.as_str(), crossing.incident_id.as_str());
    let title = if crossing.threshold_percent >= 100 {
        Message::ResponseTargetOverdue {
            severity,
            incident_id,
        }
    } else {
        Message::ResponseTargetUsed {
            severity,
            incident_id,
            percent: crossing.threshold_percent,
        }
    };
    let minutes = i64::from(crossing.remaining_seconds / 60);
    let title_of_incident = crossing.title.as_str();
    let body = if crossing.remaining_seconds < 0 {
        Message::ResponseTargetMinutesPast {
            title: title_of_incident,
            minutes: -minutes,
        }
    } else {
        Message::ResponseTargetMinutesLeft {
            title: title_of_incident,
            minutes,
        }
    };
    (title.text(lang), body.text(lang))
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
        let (title, body) = notice_text(&crossing(80, 12 * 60), Lang::En);
        assert_eq!(
            title,
            "P1 INC-20261124-001: 80% of the response target used"
        );
        assert_eq!(body, "High error rate — not acknowledged, 12 min left.");
        let (title, body) = notice_text(&crossing(100, -5 * 60), Lang::En);
        assert_eq!(title, "P1 INC-20261124-001 is overdue");
        assert!(body.ends_with("5 min past the target."), "{body}");
    }

    #[test]
    fn notices_are_in_japanese_when_the_app_is() {
        let (title, body) = notice_text(&crossing(80, 12 * 60), Lang::Ja);
        assert_eq!(
            title,
            "P1 INC-20261124-001: 対応時間の目標の 80% が経過しました"
        );
        assert_eq!(
            body,
            "High error rate — まだ確認されていません。残り 12 分です。"
        );
        let (title, body) = notice_text(&crossing(100, -5 * 60), Lang::Ja);
        assert_eq!(title, "P1 INC-20261124-001 が対応時間の目標を超過しました");
        assert!(body.ends_with("目標を 5 分超過しています。"), "{body}");
    }
}
