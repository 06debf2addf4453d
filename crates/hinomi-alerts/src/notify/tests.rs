//! Over 400 lines: a table of planner scenarios on one shared harness.
//! Every timer here runs on a FakeClock: the test moves time, nothing sleeps.

use super::*;
use crate::alert::tests::labels;
use crate::alert::{SourceKind, SourceRef};
use hinomi_core::clock::FakeClock;
use hinomi_core::{ErrorCode, HinomiError};

pub(super) const T0: &str = "2026-03-21T00:00:00Z";

pub(super) struct Harness {
    pub clock: FakeClock,
    pub planner: NotificationPlanner,
    pub start: DateTime<Utc>,
}

impl Harness {
    pub fn new(settings: NotificationSettings) -> Self {
        let start = DateTime::parse_from_rfc3339(T0).unwrap().to_utc();
        let clock = FakeClock::at(start);
        let planner = NotificationPlanner::new(&settings, Arc::new(clock.clone())).unwrap();
        Self {
            clock,
            planner,
            start,
        }
    }

    pub fn seed() -> Self {
        Self::new(NotificationSettings {
            escalate_after_secs: None,
            ..NotificationSettings::default()
        })
    }

    /// Moves the clock to `secs` after the start and ticks.
    pub fn tick_at(&mut self, secs: u64, alerts: &[Alert]) -> TickOutcome {
        self.tick_with_sources(secs, alerts, &[])
    }

    fn tick_with_sources(
        &mut self,
        secs: u64,
        alerts: &[Alert],
        sources: &[SourceHealth],
    ) -> TickOutcome {
        let target = self.start + chrono::Duration::seconds(secs as i64);
        let now = self.clock.now();
        assert!(target >= now, "time only moves forward");
        self.clock.advance((target - now).to_std().unwrap());
        self.planner.tick(alerts, sources)
    }
}

pub(super) fn alert(name: &str, severity: &str, instance: usize, started: i64) -> Alert {
    let mut alert = Alert::new(
        labels(&[
            ("alertname", name),
            ("severity", severity),
            ("instance", &format!("host-{instance}")),
        ]),
        AlertState::Firing,
        SourceRef::new("am", SourceKind::Alertmanager),
    );
    alert.active_since = Some(
        DateTime::parse_from_rfc3339(T0).unwrap().to_utc() + chrono::Duration::seconds(started),
    );
    alert
        .annotations
        .insert("summary".into(), format!("{name} の要約 (host-{instance})"));
    alert
}

/// 1,000 alerts: 200 in each of five alertname/severity groups.
fn storm() -> Vec<Alert> {
    let groups = [
        ("HighErrorRate", "critical"),
        ("HighLatency", "warning"),
        ("TargetDown", "critical"),
        ("DiskAlmostFull", "warning"),
        ("HighCpuUsage", "info"),
    ];
    (0..1000)
        .map(|i| {
            let (name, severity) = groups[i % 5];
            alert(name, severity, i, i as i64)
        })
        .collect()
}

pub(super) fn summary(outcome: &TickOutcome) -> Vec<(NotificationKind, String, u32, u32)> {
    outcome
        .deliver
        .iter()
        .map(|n| {
            (
                n.kind,
                n.group_labels.get("alertname").cloned().unwrap_or_default(),
                n.firing_count,
                n.resolved_count,
            )
        })
        .collect()
}

#[test]
fn a_storm_of_1000_alerts_in_5_groups_is_5_notifications_at_group_wait() {
    let mut h = Harness::seed();
    let alerts = storm();
    assert!(h.tick_at(0, &alerts).deliver.is_empty());
    assert!(
        h.tick_at(29, &alerts).deliver.is_empty(),
        "group_wait is 30s"
    );
    let due = h.tick_at(30, &alerts);
    assert_eq!(due.deliver.len(), 5, "{:#?}", summary(&due));
    assert!(due.held_back.is_empty());
    for notice in &due.deliver {
        assert_eq!(notice.kind, NotificationKind::Firing);
        assert_eq!(notice.firing_count, 200);
        assert!(!notice.louder);
    }
    let errors = due
        .deliver
        .iter()
        .find(|n| n.group_labels["alertname"] == "HighErrorRate")
        .unwrap();
    assert_eq!(errors.worst_severity, Severity::Critical);
    assert_eq!(
        errors.group_key,
        r#"seed:root:{alertname="HighErrorRate", severity="critical"}"#
    );
    // The oldest alert's summary (host-0 started first).
    assert_eq!(
        errors.summary.as_deref(),
        Some("HighErrorRate の要約 (host-0)")
    );
    // Nothing changes: nothing more, however often it ticks.
    for secs in [31, 60, 329, 330, 600] {
        assert!(h.tick_at(secs, &alerts).deliver.is_empty(), "at {secs}s");
    }
    assert_eq!(h.planner.groups().len(), 5);
}

#[test]
fn a_change_waits_for_group_interval() {
    let mut h = Harness::seed();
    let mut alerts = storm();
    h.tick_at(0, &alerts);
    assert_eq!(h.tick_at(30, &alerts).deliver.len(), 5);
    alerts.push(alert("HighErrorRate", "critical", 5000, 60));
    assert!(h.tick_at(60, &alerts).deliver.is_empty());
    assert!(h.tick_at(329, &alerts).deliver.is_empty());
    assert_eq!(
        h.planner.next_due(),
        Some(h.start + chrono::Duration::seconds(330))
    );
    let due = h.tick_at(330, &alerts);
    assert_eq!(
        summary(&due),
        [(NotificationKind::Changed, "HighErrorRate".into(), 201, 0)]
    );
    // A brand-new group still gets its own group_wait, not the old groups' interval.
    alerts.push(alert("NewThing", "warning", 1, 400));
    assert!(h.tick_at(400, &alerts).deliver.is_empty());
    let due = h.tick_at(430, &alerts);
    assert_eq!(
        summary(&due),
        [(NotificationKind::Firing, "NewThing".into(), 1, 0)]
    );
}

#[test]
fn unchanged_groups_repeat_after_repeat_interval() {
    let mut h = Harness::seed();
    let alerts = vec![alert("HighLatency", "warning", 1, 0)];
    h.tick_at(0, &alerts);
    assert_eq!(h.tick_at(30, &alerts).deliver.len(), 1);
    // Flushes happen at 30s + n·5m; 4h after the last notice is exactly a flush, and
    // Alertmanager repeats only once the interval has strictly passed: at the next one.
    assert!(h.tick_at(30 + 4 * 3600, &alerts).deliver.is_empty());
    let due = h.tick_at(30 + 4 * 3600 + 300, &alerts);
    assert_eq!(
        summary(&due),
        [(NotificationKind::Repeat, "HighLatency".into(), 1, 0)]
    );
}

#[test]
fn resolved_alerts_are_told_when_send_resolved() {
    let mut h = Harness::seed();
    let both = vec![
        alert("HighLatency", "warning", 1, 0),
        alert("HighLatency", "warning", 2, 0),
    ];
    h.tick_at(0, &both);
    h.tick_at(30, &both);
    let one = vec![both[0].clone()];
    h.tick_at(100, &one);
    let due = h.tick_at(330, &one);
    assert_eq!(
        summary(&due),
        [(NotificationKind::Changed, "HighLatency".into(), 1, 1)]
    );
    h.tick_at(400, &[]);
    let due = h.tick_at(630, &[]);
    assert_eq!(
        summary(&due),
        [(NotificationKind::Resolved, "HighLatency".into(), 0, 1)]
    );
    assert_eq!(due.deliver[0].worst_severity, Severity::Warning);
    assert!(
        h.planner.groups().is_empty(),
        "a fully resolved group is gone"
    );
    assert_eq!(h.planner.next_due(), None);
}

#[test]
fn without_send_resolved_resolutions_are_silent() {
    let mut h = Harness::new(NotificationSettings {
        send_resolved: false,
        escalate_after_secs: None,
        ..NotificationSettings::default()
    });
    let both = vec![
        alert("HighLatency", "warning", 1, 0),
        alert("HighLatency", "warning", 2, 0),
    ];
    h.tick_at(0, &both);
    h.tick_at(30, &both);
    assert!(h.tick_at(330, &both[..1]).deliver.is_empty());
    assert!(h.tick_at(630, &[]).deliver.is_empty());
    assert!(h.planner.groups().is_empty());
}

#[test]
fn silenced_alerts_leave_their_group_without_a_resolved_notice() {
    let mut h = Harness::seed();
    let mut alerts = vec![alert("HighLatency", "warning", 1, 0)];
    h.tick_at(0, &alerts);
    h.tick_at(30, &alerts);
    alerts[0].state = AlertState::Silenced;
    assert!(h.tick_at(330, &alerts).deliver.is_empty());
    assert!(h.planner.groups().is_empty());
    // Pending alerts never notify.
    alerts[0].state = AlertState::Pending;
    assert!(h.tick_at(400, &alerts).deliver.is_empty());
    assert!(h.tick_at(430, &alerts).deliver.is_empty());
}

#[test]
fn do_not_disturb_holds_back_all_but_critical_and_tells_later() {
    let mut settings = NotificationSettings {
        do_not_disturb: true,
        escalate_after_secs: None,
        ..NotificationSettings::default()
    };
    let mut h = Harness::new(settings.clone());
    let alerts = vec![
        alert("HighLatency", "warning", 1, 0),
        alert("HighErrorRate", "critical", 1, 0),
    ];
    h.tick_at(0, &alerts);
    let due = h.tick_at(30, &alerts);
    assert_eq!(
        summary(&due),
        [(NotificationKind::Firing, "HighErrorRate".into(), 1, 0)]
    );
    assert_eq!(due.held_back.len(), 1);
    assert_eq!(due.held_back[0].reason, Suppression::DoNotDisturb);
    assert_eq!(
        due.held_back[0].notification.group_labels["alertname"],
        "HighLatency"
    );

    settings.do_not_disturb = false;
    h.planner.set_settings(&settings).unwrap();
    let due = h.tick_at(330, &alerts);
    assert_eq!(
        summary(&due),
        [(NotificationKind::Firing, "HighLatency".into(), 1, 0)]
    );

    // Critical through DND can be turned off.
    let mut h = Harness::new(NotificationSettings {
        do_not_disturb: true,
        critical_through_dnd: false,
        escalate_after_secs: None,
        ..NotificationSettings::default()
    });
    h.tick_at(0, &alerts);
    let due = h.tick_at(30, &alerts);
    assert!(due.deliver.is_empty());
    assert_eq!(due.held_back.len(), 2);
}

#[test]
fn quiet_hours_hold_back_in_local_time() {
    let mut h = Harness::new(NotificationSettings {
        quiet_hours: vec![QuietHours {
            start: "09:00".into(),
            end: "09:30".into(),
        }],
        // T0 is 00:00 UTC = 09:00 JST.
        utc_offset_minutes: 9 * 60,
        escalate_after_secs: None,
        ..NotificationSettings::default()
    });
    let alerts = vec![alert("HighLatency", "warning", 1, 0)];
    h.tick_at(0, &alerts);
    let due = h.tick_at(30, &alerts);
    assert!(due.deliver.is_empty());
    assert_eq!(due.held_back[0].reason, Suppression::QuietHours);
    // 09:30 JST: quiet hours are over; the next flush tells.
    let due = h.tick_at(30 + 6 * 300, &alerts);
    assert_eq!(
        summary(&due),
        [(NotificationKind::Firing, "HighLatency".into(), 1, 0)]
    );
}

#[test]
fn a_snoozed_group_is_held_back_until_the_snooze_ends() {
    let mut h = Harness::seed();
    let alerts = vec![
        alert("HighLatency", "warning", 1, 0),
        alert("TargetDown", "critical", 1, 0),
    ];
    h.tick_at(0, &alerts);
    let key = r#"seed:root:{alertname="TargetDown", severity="critical"}"#;
    h.planner
        .snooze(key, h.start + chrono::Duration::minutes(10));
    let due = h.tick_at(30, &alerts);
    assert_eq!(
        summary(&due),
        [(NotificationKind::Firing, "HighLatency".into(), 1, 0)]
    );
    assert_eq!(
        due.held_back[0].reason,
        Suppression::Snoozed,
        "even critical"
    );
    assert_eq!(
        h.planner.groups()[0].snoozed_until,
        Some(h.start + chrono::Duration::minutes(10))
    );
    assert!(h.tick_at(330, &alerts).deliver.is_empty());
    let due = h.tick_at(630, &alerts);
    assert_eq!(
        summary(&due),
        [(NotificationKind::Firing, "TargetDown".into(), 1, 0)]
    );
}

#[test]
fn an_unacknowledged_critical_group_escalates_once_louder() {
    let settings = NotificationSettings {
        escalate_after_secs: Some(15 * 60),
        ..NotificationSettings::default()
    };
    let alerts = vec![
        alert("HighErrorRate", "critical", 1, 0),
        alert("HighLatency", "warning", 1, 0),
    ];
    let mut h = Harness::new(settings.clone());
    h.tick_at(0, &alerts);
    assert_eq!(h.tick_at(30, &alerts).deliver.len(), 2);
    assert_eq!(
        h.planner.next_due(),
        Some(h.start + chrono::Duration::seconds(330)),
        "the next flush comes before the escalation"
    );
    assert!(h.tick_at(30 + 900 - 1, &alerts).deliver.is_empty());
    let due = h.tick_at(30 + 900, &alerts);
    assert_eq!(
        summary(&due),
        [(NotificationKind::Escalation, "HighErrorRate".into(), 1, 0)]
    );
    assert!(due.deliver[0].louder);
    assert!(
        h.tick_at(30 + 1800, &alerts).deliver.is_empty(),
        "only once"
    );

    // Acknowledged in time: no escalation.
    let mut h = Harness::new(settings);
    h.tick_at(0, &alerts);
    h.tick_at(30, &alerts);
    assert!(
        h.planner
            .acknowledge(r#"seed:root:{alertname="HighErrorRate", severity="critical"}"#)
    );
    assert!(!h.planner.acknowledge("no such group"));
    assert!(h.tick_at(30 + 900, &alerts).deliver.is_empty());
    assert!(h.planner.groups().iter().any(|g| g.acknowledged));
}

fn health(id: &str, since: DateTime<Utc>, last_success: Option<DateTime<Utc>>) -> SourceHealth {
    SourceHealth {
        source: SourceRef::new(id, SourceKind::Alertmanager),
        watching_since: since,
        last_success,
        last_known_at: last_success,
        unreachable_since: Some(since),
        last_error: Some(HinomiError::new(
            ErrorCode::Unreachable,
            "Cannot reach http://127.0.0.1:19093/api/v2/alerts.",
        )),
        consecutive_failures: 3,
        alerts: 0,
    }
}

#[test]
fn a_source_unreachable_for_two_poll_intervals_is_a_notification() {
    // Polled every 5s: blind after more than 10s without an answer.
    let mut h = Harness::seed();
    let start = h.start;
    let down = [health("am-1", start, Some(start))];
    assert!(h.tick_with_sources(10, &[], &down).deliver.is_empty());
    let due = h.tick_with_sources(11, &[], &down);
    assert_eq!(due.deliver.len(), 1);
    let notice = &due.deliver[0];
    assert_eq!(notice.kind, NotificationKind::SourceUnreachable);
    assert_eq!(notice.datasource_id.as_deref(), Some("am-1"));
    assert_eq!(notice.group_key, "source:am-1");
    assert_eq!(notice.worst_severity, Severity::Critical);
    assert!(notice.summary.as_deref().unwrap().contains("Cannot reach"));
    assert!(
        h.tick_with_sources(20, &[], &down).deliver.is_empty(),
        "told once"
    );
    let up = [health(
        "am-1",
        start,
        Some(start + chrono::Duration::seconds(25)),
    )];
    let due = h.tick_with_sources(25, &[], &up);
    assert_eq!(due.deliver[0].kind, NotificationKind::SourceRecovered);
    assert!(h.tick_with_sources(30, &[], &up).deliver.is_empty());
    // A source that never answered counts from when it was first asked.
    let never = [health("am-2", start + chrono::Duration::seconds(30), None)];
    assert!(h.tick_with_sources(40, &[], &never).deliver.is_empty());
    assert_eq!(h.tick_with_sources(41, &[], &never).deliver.len(), 1);
}

#[test]
fn a_blind_notice_held_back_by_dnd_is_told_when_dnd_ends() {
    let mut settings = NotificationSettings {
        do_not_disturb: true,
        critical_through_dnd: false,
        escalate_after_secs: None,
        ..NotificationSettings::default()
    };
    let mut h = Harness::new(settings.clone());
    let down = [health("am-1", h.start, Some(h.start))];
    let due = h.tick_with_sources(11, &[], &down);
    assert!(due.deliver.is_empty());
    assert_eq!(
        due.held_back[0].notification.kind,
        NotificationKind::SourceUnreachable
    );
    settings.do_not_disturb = false;
    h.planner.set_settings(&settings).unwrap();
    assert_eq!(h.tick_with_sources(12, &[], &down).deliver.len(), 1);
}

#[test]
fn a_silent_watchdog_is_a_notification_and_never_a_regular_one() {
    let mut h = Harness::seed();
    let watchdog = |source: &str| {
        let mut alert = Alert::new(
            labels(&[("alertname", "Watchdog"), ("severity", "none")]),
            AlertState::Firing,
            SourceRef::new(source, SourceKind::Alertmanager),
        );
        alert.annotations.insert(
            "summary".into(),
            "アラートパイプラインの生存確認 (Watchdog)".into(),
        );
        alert
    };
    let mut both = watchdog("am-1");
    both.sources
        .push(SourceRef::new("prom", SourceKind::Prometheus));
    for secs in [0, 5, 30, 35] {
        assert!(
            h.tick_at(secs, &[both.clone()]).deliver.is_empty(),
            "at {secs}s"
        );
    }
    // am-1 stops receiving it while Prometheus still has it.
    let only_prometheus = {
        let mut alert = watchdog("prom");
        alert.sources = vec![SourceRef::new("prom", SourceKind::Prometheus)];
        alert
    };
    assert!(
        h.tick_at(45, std::slice::from_ref(&only_prometheus))
            .deliver
            .is_empty(),
        "10s is not > 2 polls"
    );
    let due = h.tick_at(46, std::slice::from_ref(&only_prometheus));
    assert_eq!(due.deliver.len(), 1);
    let notice = &due.deliver[0];
    assert_eq!(notice.kind, NotificationKind::WatchdogSilent);
    assert_eq!(notice.datasource_id.as_deref(), Some("am-1"));
    assert_eq!(notice.worst_severity, Severity::Critical);
    assert_eq!(
        notice.summary.as_deref(),
        Some("アラートパイプラインの生存確認 (Watchdog)")
    );
    assert!(
        h.tick_at(50, &[only_prometheus]).deliver.is_empty(),
        "told once"
    );
    let due = h.tick_at(55, &[both]);
    assert_eq!(due.deliver.len(), 1);
    assert_eq!(due.deliver[0].kind, NotificationKind::WatchdogBack);

    // The name is a setting.
    let mut h = Harness::new(NotificationSettings {
        watchdog_alertname: "DeadMansSwitch".into(),
        escalate_after_secs: None,
        ..NotificationSettings::default()
    });
    h.tick_at(0, &[watchdog("am-1")]);
    let due = h.tick_at(30, &[watchdog("am-1")]);
    assert_eq!(
        summary(&due),
        [(NotificationKind::Firing, "Watchdog".into(), 1, 0)]
    );
}

/// A second planner on the same clock, as after a restart, given the first one's memory
/// through JSON (what the history database stores).
pub(super) fn restarted(h: &Harness, settings: NotificationSettings) -> NotificationPlanner {
    let saved = serde_json::to_string(&h.planner.memory()).unwrap();
    let mut planner = NotificationPlanner::new(&settings, Arc::new(h.clock.clone())).unwrap();
    planner.restore(serde_json::from_str(&saved).unwrap());
    planner
}

#[test]
fn after_a_restart_told_groups_stay_quiet_and_snoozes_hold() {
    let mut h = Harness::seed();
    let alerts = storm();
    h.tick_at(0, &alerts);
    assert_eq!(h.tick_at(30, &alerts).deliver.len(), 5);
    assert!(h.planner.take_changed());
    let latency = r#"seed:root:{alertname="HighLatency", severity="warning"}"#;
    h.planner
        .snooze(latency, h.start + chrono::Duration::hours(1));
    assert!(h.planner.take_changed(), "a snooze is worth saving");
    assert!(!h.planner.take_changed(), "only once");

    h.clock.advance(std::time::Duration::from_secs(60));
    let mut planner = restarted(
        &h,
        NotificationSettings {
            escalate_after_secs: None,
            ..NotificationSettings::default()
        },
    );
    assert_eq!(planner.snoozes().len(), 1);
    for _ in 0..20 {
        h.clock.advance(std::time::Duration::from_secs(30));
        let outcome = planner.tick(&alerts, &[]);
        assert!(outcome.deliver.is_empty(), "{:#?}", outcome.deliver);
    }
    // A new alert in the snoozed group is held back; one in another group is told.
    let mut more = alerts.clone();
    more.push(alert("HighLatency", "warning", 5000, 700));
    more.push(alert("HighErrorRate", "critical", 5001, 700));
    h.clock.advance(std::time::Duration::from_secs(300));
    let outcome = planner.tick(&more, &[]);
    let told: Vec<(NotificationKind, String)> = outcome
        .deliver
        .iter()
        .map(|n| (n.kind, n.group_labels["alertname"].clone()))
        .collect();
    assert_eq!(told, [(NotificationKind::Changed, "HighErrorRate".into())]);
    assert_eq!(outcome.held_back.len(), 1);
    assert_eq!(outcome.held_back[0].reason, Suppression::Snoozed);
}

#[test]
fn without_memory_a_restart_would_tell_every_group_again() {
    // The control for the test above: the same alerts, a planner that remembers nothing.
    let mut h = Harness::seed();
    let alerts = storm();
    h.tick_at(0, &alerts);
    assert_eq!(h.tick_at(30, &alerts).deliver.len(), 5);
    let mut fresh =
        NotificationPlanner::new(&NotificationSettings::default(), Arc::new(h.clock.clone()))
            .unwrap();
    fresh.tick(&alerts, &[]);
    h.clock.advance(std::time::Duration::from_secs(30));
    assert_eq!(fresh.tick(&alerts, &[]).deliver.len(), 5);
}

#[test]
fn a_restart_keeps_acknowledgement_and_other_grouping_starts_over() {
    let mut h = Harness::new(NotificationSettings::default());
    let alerts = vec![alert("HighErrorRate", "critical", 1, 0)];
    h.tick_at(0, &alerts);
    assert_eq!(h.tick_at(30, &alerts).deliver.len(), 1);
    assert!(
        h.planner
            .acknowledge(r#"seed:root:{alertname="HighErrorRate", severity="critical"}"#)
    );
    let mut planner = restarted(&h, NotificationSettings::default());
    // Escalation (15 min) would come at 30s + 15min without the acknowledgement.
    for _ in 0..40 {
        h.clock.advance(std::time::Duration::from_secs(30));
        assert!(planner.tick(&alerts, &[]).deliver.is_empty());
    }
    let regrouped = restarted(
        &h,
        NotificationSettings {
            group_by: vec!["alertname".into()],
            ..NotificationSettings::default()
        },
    );
    assert!(regrouped.groups().is_empty());
}

// A settings file edited by hand with a quiet-hours time that is no time used to stop the app
// from starting (setup returned the planner's error).
#[test]
fn settings_that_cannot_be_used_give_the_default_planner_and_say_why() {
    let start = DateTime::parse_from_rfc3339(T0).unwrap().to_utc();
    let clock = FakeClock::at(start);
    let broken = NotificationSettings {
        quiet_hours: vec![QuietHours {
            start: "25:00".into(),
            end: "07:00".into(),
        }],
        poll_interval_secs: 2,
        ..NotificationSettings::default()
    };
    let (planner, notice) = NotificationPlanner::new_or_default(&broken, Arc::new(clock.clone()));
    let notice = notice.expect("the reason is given");
    assert_eq!(notice.code, ErrorCode::InvalidConfig);
    assert!(notice.message.contains("\"25:00\""), "{}", notice.message);
    assert!(
        notice.message.contains("defaults apply"),
        "{}",
        notice.message
    );
    // The defaults notify as the seed's route does: five groups at group_wait.
    let mut h = Harness {
        clock,
        planner,
        start,
    };
    assert!(h.tick_at(0, &storm()).deliver.is_empty());
    assert_eq!(h.tick_at(30, &storm()).deliver.len(), 5);

    let (_, none) = NotificationPlanner::new_or_default(
        &NotificationSettings::default(),
        Arc::new(FakeClock::at(start)),
    );
    assert!(none.is_none(), "valid settings: no notice");
}
