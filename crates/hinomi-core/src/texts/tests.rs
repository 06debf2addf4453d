use super::*;

/// One of each message. `covered` below matches without a wildcard, so a new message does not
/// compile until it is listed here too.
fn every_message() -> Vec<Message<'static>> {
    use Message::*;
    let all = vec![
        GroupFiring {
            name: "HighErrorRate",
            firing: 3,
            severity: "critical",
        },
        GroupResolved {
            name: "HighErrorRate",
        },
        GroupEscalation {
            name: "HighErrorRate",
            firing: 3,
            severity: "warning",
        },
        SourceUnreachable { name: "Demo AM" },
        SourceRecovered { name: "Demo AM" },
        WatchdogSilent {
            source: "Demo Prometheus",
            alert: "Watchdog",
        },
        WatchdogBack {
            source: "Demo Prometheus",
            alert: "Watchdog",
        },
        ActionOpen,
        ActionAcknowledge,
        ActionCreateIncident,
        TrayOpen,
        TrayPauseHour,
        TrayQuit,
        TrayNoneFiring,
        TrayFiring {
            firing: 2,
            worst: "critical",
        },
        TraySourcesUnreachable {
            sources: 1,
            last_known: Some("14:05"),
        },
        HistoryRecreated {
            moved_to: "/data/history.db.damaged",
        },
        MonitoringRestarted { restart: 2 },
        ResponseTargetOverdue {
            severity: "P1",
            incident_id: "INC-1",
        },
        ResponseTargetUsed {
            severity: "P1",
            incident_id: "INC-1",
            percent: 80,
        },
        ResponseTargetMinutesLeft {
            title: "High error rate",
            minutes: 12,
        },
        ResponseTargetMinutesPast {
            title: "High error rate",
            minutes: 5,
        },
        LogPathsTitle,
        LogPathsBody {
            paths: "/srv/app.log",
        },
        LogPathsAccept,
        LogPathsCancel,
    ];
    all.iter().for_each(covered);
    all
}

fn covered(message: &Message<'_>) {
    use Message::*;
    match message {
        GroupFiring { .. }
        | GroupResolved { .. }
        | GroupEscalation { .. }
        | SourceUnreachable { .. }
        | SourceRecovered { .. }
        | WatchdogSilent { .. }
        | WatchdogBack { .. }
        | ActionOpen
        | ActionAcknowledge
        | ActionCreateIncident
        | TrayOpen
        | TrayPauseHour
        | TrayQuit
        | TrayNoneFiring
        | TrayFiring { .. }
        | TraySourcesUnreachable { .. }
        | HistoryRecreated { .. }
        | MonitoringRestarted { .. }
        | ResponseTargetOverdue { .. }
        | ResponseTargetUsed { .. }
        | ResponseTargetMinutesLeft { .. }
        | ResponseTargetMinutesPast { .. }
        | LogPathsTitle
        | LogPathsBody { .. }
        | LogPathsAccept
        | LogPathsCancel => {}
    }
}

#[test]
fn every_message_has_english_and_japanese_that_differ() {
    let all = every_message();
    let kinds: std::collections::HashSet<_> = all.iter().map(std::mem::discriminant).collect();
    assert_eq!(kinds.len(), all.len(), "each message listed once");
    for message in all {
        let en = message.text(Lang::En);
        let ja = message.text(Lang::Ja);
        assert!(!en.trim().is_empty(), "{message:?} has no English");
        assert!(!ja.trim().is_empty(), "{message:?} has no Japanese");
        assert_ne!(en, ja, "{message:?} is not translated");
        // Japanese text has Japanese in it, not English with a few words swapped.
        assert!(
            ja.chars().any(|c| ('\u{3040}'..='\u{30ff}').contains(&c)
                || ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{message:?}: {ja}"
        );
    }
}

#[test]
fn a_group_notification_carries_name_count_and_severity_in_both_languages() {
    let firing = Message::GroupFiring {
        name: "HighErrorRate",
        firing: 3,
        severity: "critical",
    };
    assert_eq!(firing.text(Lang::En), "HighErrorRate: 3 firing (critical)");
    assert_eq!(
        firing.text(Lang::Ja),
        "HighErrorRate: 3 件発生中 (critical)"
    );
}

#[test]
fn the_unreachable_suffix_counts_sources_and_says_when_last_known() {
    let one = Message::TraySourcesUnreachable {
        sources: 1,
        last_known: Some("14:05"),
    };
    assert_eq!(
        one.text(Lang::En),
        " (1 source unreachable, last known 14:05)"
    );
    assert_eq!(
        one.text(Lang::Ja),
        "（1 件のソースに接続できません、最終確認 14:05）"
    );
    let never = Message::TraySourcesUnreachable {
        sources: 2,
        last_known: None,
    };
    assert_eq!(
        never.text(Lang::En),
        " (2 sources unreachable, never reached)"
    );
    assert!(never.text(Lang::Ja).contains("2 件"));
}

#[test]
fn response_target_warnings_name_the_incident_and_the_time_in_both_languages() {
    let used = Message::ResponseTargetUsed {
        severity: "P1",
        incident_id: "INC-20261124-001",
        percent: 80,
    };
    for lang in [Lang::En, Lang::Ja] {
        let text = used.text(lang);
        assert!(text.starts_with("P1 INC-20261124-001"), "{text}");
        assert!(text.contains("80%"), "{text}");
    }
    let past = Message::ResponseTargetMinutesPast {
        title: "High error rate",
        minutes: 5,
    };
    assert_eq!(
        past.text(Lang::Ja),
        "High error rate — まだ確認されていません。目標を 5 分超過しています。"
    );
}

#[test]
fn the_log_path_question_lists_the_paths_in_both_languages() {
    let body = Message::LogPathsBody {
        paths: "/srv/app.log\n/srv/old",
    };
    for lang in [Lang::En, Lang::Ja] {
        assert!(body.text(lang).contains("\n\n/srv/app.log\n/srv/old\n\n"));
    }
}

#[test]
fn the_system_language_is_japanese_only_for_a_japanese_locale() {
    assert_eq!(Lang::resolve(Language::Ja, Some("en-US")), Lang::Ja);
    assert_eq!(Lang::resolve(Language::En, Some("ja-JP")), Lang::En);
    assert_eq!(Lang::resolve(Language::System, Some("ja-JP")), Lang::Ja);
    assert_eq!(Lang::resolve(Language::System, Some("en-GB")), Lang::En);
    assert_eq!(Lang::resolve(Language::System, None), Lang::En);
}

#[test]
fn errors_are_worded_in_the_thread_override_then_the_published_language() {
    use super::user_lang;
    // The published language is process-wide; this test only reads it and overrides per thread,
    // so tests running beside it are not disturbed.
    let published = user_lang::current();
    let ja = user_lang::with(Lang::Ja, || user_lang::say("Refused", "拒否されました"));
    assert_eq!(ja, "拒否されました");
    let en = user_lang::with(Lang::En, || user_lang::say("Refused", "拒否されました"));
    assert_eq!(en, "Refused");
    // Nested overrides restore what was there before.
    user_lang::with(Lang::Ja, || {
        user_lang::with(Lang::En, || ());
        assert_eq!(user_lang::current(), Lang::Ja);
    });
    assert_eq!(user_lang::current(), published);
}

#[test]
fn a_language_override_stays_on_its_thread() {
    use super::user_lang;
    // Tests never call `set` (it would race the tests beside them); they override per thread,
    // and an override must not leak to another thread.
    let published = user_lang::current();
    user_lang::with(Lang::Ja, || {
        let other = std::thread::spawn(user_lang::current).join().unwrap();
        assert_eq!(
            other, published,
            "an override must not leak to another thread"
        );
    });
}
