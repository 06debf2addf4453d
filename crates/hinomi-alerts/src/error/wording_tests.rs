//! Every message this crate words itself has its own Japanese, with code and detail unchanged;
//! Alertmanager's own words stay verbatim.

use super::*;
use hinomi_core::test_support::assert_worded_in_both_languages;
use hinomi_core::texts::{Lang, user_lang};

/// One of each error Hinomi words itself (made anew for each language: not `Clone`).
fn worded_by_hinomi() -> Vec<AlertsError> {
    vec![
        AlertsError::Store {
            path: "/h.sqlite".into(),
            source: rusqlite::Error::QueryReturnedNoRows,
        },
        AlertsError::SchemaTooNew {
            path: "/h.sqlite".into(),
            found: 9,
            supported: 3,
        },
        AlertsError::CorruptHistory {
            path: "/h.sqlite".into(),
            message: "bad state".into(),
        },
        AlertsError::NotAnAlertSource {
            name: "Logs".into(),
        },
        AlertsError::FetchCrashed {
            datasource_id: "am".into(),
            cause: "panicked".into(),
        },
        AlertsError::RouteTreeTimeout { name: "AM".into() },
        AlertsError::UnreadableRouting {
            datasource_id: "am".into(),
            source: RoutingError::NoRoute,
        },
        AlertsError::Routing(RoutingError::UnknownReceiver {
            route: "root.0".into(),
            receiver: "team".into(),
        }),
        AlertsError::AlertmanagerStatus {
            status: reqwest::StatusCode::BAD_GATEWAY,
            body: "<html>".into(),
        },
        AlertsError::NotAlertmanagerApi {
            cause: "expected value at line 1".into(),
        },
        AlertsError::EmptySilenceId,
        AlertsError::RuleNotInstant {
            expr: "up[5m]".into(),
        },
        AlertsError::GroupIntervalZero,
        AlertsError::PollIntervalZero,
        AlertsError::UtcOffsetOutOfRange { minutes: 99_999 },
        AlertsError::NotATime {
            text: "25:00".into(),
            in_quiet_hours: true,
        },
        AlertsError::NotATime {
            text: "25:00".into(),
            in_quiet_hours: false,
        },
        AlertsError::EscalationTooLate { minutes: 2000 },
        AlertsError::NotificationDefaultsApply(Box::new(AlertsError::GroupIntervalZero)),
    ]
}

#[test]
fn every_message_hinomi_words_has_its_own_japanese_with_the_same_code_and_detail() {
    let worded = assert_worded_in_both_languages(worded_by_hinomi);
    // Stricter than the shared check, which takes kanji alone: every one of these has kana.
    for (_, ja) in worded {
        assert!(
            ja.message
                .chars()
                .any(|c| ('\u{3040}'..='\u{30ff}').contains(&c)),
            "no kana in {:?}",
            ja.message
        );
    }
}

#[test]
fn japanese_messages_read_as_written() {
    let say_ja = |err: AlertsError| user_lang::with(Lang::Ja, || HinomiError::from(err));
    let empty = say_ja(AlertsError::EmptySilenceId);
    assert_eq!(empty.code, ErrorCode::InvalidInput);
    assert_eq!(empty.message, "どのサイレンスですか？ ID が空です。");
    let defaults = say_ja(AlertsError::NotificationDefaultsApply(Box::new(
        AlertsError::NotATime {
            text: "25:00".into(),
            in_quiet_hours: true,
        },
    )));
    assert_eq!(defaults.code, ErrorCode::InvalidConfig);
    assert_eq!(
        defaults.message,
        "通知設定を使えませんでした: 静かな時間: \"25:00\" は 22:00 のような時刻ではありません。\
         設定で直すまで既定値を使います。"
    );
    let english = HinomiError::from(AlertsError::NotificationDefaultsApply(Box::new(
        AlertsError::GroupIntervalZero,
    )));
    assert_eq!(
        english.message,
        "Notification settings not used: group_interval must be longer than 0s. The \
         defaults apply until they are fixed in Settings."
    );
}

#[test]
fn alertmanagers_own_words_stay_verbatim_in_japanese() {
    let refusal = || AlertsError::Alertmanager {
        status: reqwest::StatusCode::NOT_FOUND,
        message: "silence not found".into(),
    };
    let ja = user_lang::with(Lang::Ja, || HinomiError::from(refusal()));
    let en = HinomiError::from(refusal());
    assert_eq!(ja, en);
    assert_eq!(ja.code, ErrorCode::NotFound);
    assert_eq!(ja.message, "silence not found");
    assert_eq!(ja.detail.as_deref(), Some("HTTP 404 Not Found"));
}

#[test]
fn route_tree_problems_read_in_english_as_before() {
    let problems = [
        RoutingError::Yaml("did not find expected key".into()),
        RoutingError::NoRoute,
        RoutingError::NoRootReceiver,
        RoutingError::RootMatchers,
        RoutingError::UnknownReceiver {
            route: "root.0".into(),
            receiver: "team".into(),
        },
        RoutingError::BadMatcher {
            route: "root.1".into(),
            matcher: "a=~(".into(),
            message: "bad regex".into(),
        },
        RoutingError::BadDuration {
            route: "root".into(),
            field: "group_wait",
            error: crate::duration::DurationError("5x".into()),
        },
    ];
    for problem in problems {
        let ui = HinomiError::from(AlertsError::Routing(problem.clone()));
        assert_eq!(ui.message, problem.to_string());
        let ja = user_lang::with(Lang::Ja, || {
            HinomiError::from(AlertsError::Routing(problem.clone()))
        });
        assert_ne!(ja.message, ui.message);
    }
}
