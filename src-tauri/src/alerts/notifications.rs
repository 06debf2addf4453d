//! Desktop notifications: what the planner says to deliver, shown with `notify-rust`.
//!
//! One notification per alert group (not per alert): the summary names the group, its firing
//! count and worst severity, the body is the first alert's summary annotation. Critical groups
//! are sent with critical urgency, which notification servers keep until dismissed. "Open"
//! brings the window to the group; "Acknowledge" does what the board's button does (a short
//! silence, and the group on my open incident); "Create incident"
//! opens the group with the incident dialog. The body is escaped for servers that read markup.

use super::AlertsState;
use super::tray::{self, AlertsFocusGroup};
use crate::commands::incidents::IncidentsState;
use crate::state::lang_of;
use hinomi_alerts::Severity;
use hinomi_alerts::notify::{NotificationKind, PlannedNotification, notification_body};
use hinomi_alerts::runtime::ACKNOWLEDGE_MINUTES;
use hinomi_core::texts::{Lang, Message};
use hinomi_settings::Settings;
use notify_rust::{Hint, Notification, Timeout, Urgency};
use tauri::{AppHandle, Manager};
use tauri_specta::Event;

/// Shows what the planner said is due, each on a thread of its own.
pub fn show_all(app: &AppHandle, deliver: Vec<PlannedNotification>, settings: &Settings) {
    let lang = lang_of(settings);
    for planned in deliver {
        let source_name = planned
            .datasource_id
            .as_deref()
            .and_then(|id| settings.datasource(id))
            .map(|ds| ds.name.as_str());
        let text = Text::of(&planned, lang, source_name);
        let app = app.clone();
        // notify-rust talks D-Bus synchronously, and waiting for a click blocks: a thread each.
        std::thread::spawn(move || show(&app, &planned, &text));
    }
}

struct Text {
    summary: String,
    body: String,
    open: String,
    acknowledge: String,
    incident: String,
}

impl Text {
    /// `source_name` is the datasource a monitoring notice is about, as the settings name it.
    fn of(planned: &PlannedNotification, lang: Lang, source_name: Option<&str>) -> Self {
        let about_source = matches!(
            planned.kind,
            NotificationKind::SourceUnreachable | NotificationKind::SourceRecovered
        );
        // The datasource as the settings name it, else its id.
        let datasource = source_name.or(planned.datasource_id.as_deref());
        let source = datasource.unwrap_or(&planned.group_key);
        let name = match (about_source, datasource) {
            (true, Some(name)) => name.to_owned(),
            // A route grouping by other labels (or none) is named by its group labels, or
            // else by its key (route tree and path).
            _ => match planned.group_labels.get("alertname") {
                Some(alertname) => alertname.clone(),
                None if !planned.group_labels.is_empty() => {
                    hinomi_alerts::alert::format_labels(&planned.group_labels)
                }
                None => planned.group_key.clone(),
            },
        };
        let name = name.as_str();
        let (firing, severity) = (planned.firing_count, planned.worst_severity.as_str());
        let summary = match planned.kind {
            NotificationKind::Resolved => Message::GroupResolved { name },
            NotificationKind::SourceUnreachable => Message::SourceUnreachable { name },
            NotificationKind::SourceRecovered => Message::SourceRecovered { name },
            NotificationKind::WatchdogSilent => Message::WatchdogSilent {
                source,
                alert: name,
            },
            NotificationKind::WatchdogBack => Message::WatchdogBack {
                source,
                alert: name,
            },
            NotificationKind::Escalation => Message::GroupEscalation {
                name,
                firing,
                severity,
            },
            NotificationKind::Firing | NotificationKind::Changed | NotificationKind::Repeat => {
                Message::GroupFiring {
                    name,
                    firing,
                    severity,
                }
            }
        };
        Self {
            summary: summary.text(lang),
            body: planned.summary.clone().unwrap_or_default(),
            open: Message::ActionOpen.text(lang),
            acknowledge: Message::ActionAcknowledge.text(lang),
            incident: Message::ActionCreateIncident.text(lang),
        }
    }
}

/// Good news is never urgent; an escalation always is, whatever the group's severity now.
fn urgency_of(planned: &PlannedNotification) -> Urgency {
    if planned.kind.is_good_news() {
        Urgency::Low
    } else if planned.louder {
        Urgency::Critical
    } else {
        urgency(planned.worst_severity)
    }
}

fn urgency(severity: Severity) -> Urgency {
    match severity {
        Severity::Critical => Urgency::Critical,
        Severity::Warning => Urgency::Normal,
        Severity::Info | Severity::None => Urgency::Low,
    }
}

fn show(app: &AppHandle, planned: &PlannedNotification, text: &Text) {
    let about_group = !matches!(
        planned.kind,
        NotificationKind::SourceUnreachable
            | NotificationKind::SourceRecovered
            | NotificationKind::WatchdogSilent
            | NotificationKind::WatchdogBack
    );
    let urgency = urgency_of(planned);
    let body = notification_body(&text.body, server_reads_markup());
    let mut notification = Notification::new();
    if planned.louder {
        // An escalation: a sound as well, where the notification server plays them.
        notification.hint(Hint::SoundName("alarm-clock-elapsed".into()));
    }
    notification
        .appname("Hinomi")
        .summary(&text.summary)
        .body(&body)
        .icon("dialog-warning")
        .hint(Hint::Category("alert".into()))
        .urgency(urgency)
        .timeout(if urgency == Urgency::Critical {
            Timeout::Never
        } else {
            Timeout::Default
        })
        .action("default", &text.open)
        .action("open", &text.open);
    if about_group && !planned.kind.is_good_news() {
        notification
            .action("acknowledge", &text.acknowledge)
            .action("create-incident", &text.incident);
    }
    let handle = match notification.show() {
        Ok(handle) => handle,
        Err(error) => {
            tracing::warn!(%error, summary = %text.summary, "could not show a notification");
            return;
        }
    };
    let group_key = planned.group_key.clone();
    let group_labels = planned.group_labels.clone();
    handle.wait_for_action(|action| match action {
        "default" | "open" => focus(app, &group_key, "open"),
        "create-incident" => focus(app, &group_key, "create_incident"),
        "acknowledge" => {
            let app = app.clone();
            let group_key = group_key.clone();
            let group_labels = group_labels.clone();
            tauri::async_runtime::spawn(async move {
                // The board's acknowledge, plus this notification's own group.
                let datasources = app
                    .state::<crate::state::SettingsState>()
                    .snapshot()
                    .settings
                    .datasources;
                let incidents = app.state::<IncidentsState>().alert_link();
                let acknowledged = app
                    .state::<AlertsState>()
                    .acknowledge_group(
                        &datasources,
                        &group_labels,
                        Some(&group_key),
                        ACKNOWLEDGE_MINUTES,
                        &incidents,
                    )
                    .await;
                match acknowledged {
                    Ok(Some(_)) => {}
                    Ok(None) => tracing::warn!("no Alertmanager to acknowledge a group on"),
                    Err(error) => {
                        tracing::warn!(%error, "acknowledging from a notification failed");
                    }
                }
            });
        }
        _ => {}
    });
}

/// Whether the notification server reads the body as markup; asked each time, as the desktop's
/// server can be replaced while Hinomi runs. Not knowing, escape anyway: a server that shows
/// markup as text shows `&lt;` at worst, one that reads it never gets a live link or image.
fn server_reads_markup() -> bool {
    match notify_rust::get_capabilities() {
        Ok(capabilities) => capabilities.iter().any(|c| c == "body-markup"),
        Err(error) => {
            tracing::debug!(%error, "notification server capabilities unknown");
            true
        }
    }
}

fn focus(app: &AppHandle, group_key: &str, intent: &str) {
    tray::show_window(app);
    let event = AlertsFocusGroup {
        group_key: group_key.to_owned(),
        intent: intent.to_owned(),
    };
    if let Err(error) = event.emit(app) {
        tracing::debug!(%error, "could not ask the UI to open the group");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use hinomi_alerts::LabelSet;

    fn planned(kind: NotificationKind, severity: Severity) -> PlannedNotification {
        PlannedNotification {
            kind,
            group_key: r#"am:demo-am:root:{alertname="HighErrorRate", severity="critical"}"#.into(),
            group_labels: [
                ("alertname".to_owned(), "HighErrorRate".to_owned()),
                ("severity".to_owned(), "critical".to_owned()),
            ]
            .into(),
            firing_count: 3,
            resolved_count: 0,
            worst_severity: severity,
            summary: Some("高エラー率を検出".into()),
            louder: false,
            datasource_id: None,
            at: Utc::now(),
        }
    }

    #[test]
    fn a_group_notification_names_the_group_count_and_worst_severity() {
        let text = Text::of(
            &planned(NotificationKind::Firing, Severity::Critical),
            Lang::En,
            None,
        );
        assert_eq!(text.summary, "HighErrorRate: 3 firing (critical)");
        assert_eq!(text.body, "高エラー率を検出");
        let ja = Text::of(
            &planned(NotificationKind::Firing, Severity::Critical),
            Lang::Ja,
            None,
        );
        assert_eq!(ja.summary, "HighErrorRate: 3 件発生中 (critical)");
        assert_eq!(ja.open, "開く");
    }

    #[test]
    fn a_group_without_alertname_is_named_by_its_labels_or_its_route() {
        let mut by_instance = planned(NotificationKind::Firing, Severity::Warning);
        by_instance.group_key = r#"am:demo-am:root.0:{instance="host-1"}"#.into();
        by_instance.group_labels = [("instance".to_owned(), "host-1".to_owned())].into();
        assert_eq!(
            Text::of(&by_instance, Lang::En, None).summary,
            r#"{instance="host-1"}: 3 firing (warning)"#
        );
        let mut one_group = by_instance.clone();
        one_group.group_key = "am:demo-am:root.1:{}".into();
        one_group.group_labels = LabelSet::new();
        assert_eq!(
            Text::of(&one_group, Lang::En, None).summary,
            "am:demo-am:root.1:{}: 3 firing (warning)"
        );
    }

    #[test]
    fn a_source_notice_names_the_datasource_as_the_settings_do() {
        let mut notice = planned(NotificationKind::SourceUnreachable, Severity::Critical);
        notice.group_key = "source:demo-alertmanager".into();
        notice.group_labels = LabelSet::new();
        notice.datasource_id = Some("demo-alertmanager".into());
        let named = Text::of(&notice, Lang::En, Some("Demo Alertmanager"));
        assert_eq!(named.summary, "Cannot reach Demo Alertmanager");
        assert_eq!(
            Text::of(&notice, Lang::Ja, None).summary,
            "demo-alertmanager に接続できません"
        );
        notice.kind = NotificationKind::SourceRecovered;
        assert_eq!(
            Text::of(&notice, Lang::En, Some("Demo Alertmanager")).summary,
            "Demo Alertmanager is reachable again"
        );
    }

    #[test]
    fn a_watchdog_notice_names_the_source_and_says_whether_it_stopped_or_came_back() {
        let mut notice = planned(NotificationKind::WatchdogSilent, Severity::Critical);
        notice.group_key = "watchdog:demo-prometheus:0123abcd".into();
        notice.group_labels = [
            ("alertname".to_owned(), "Watchdog".to_owned()),
            ("severity".to_owned(), "none".to_owned()),
        ]
        .into();
        notice.datasource_id = Some("demo-prometheus".into());
        assert_eq!(
            Text::of(&notice, Lang::En, Some("Demo Prometheus")).summary,
            "The alert pipeline is silent: no Watchdog from Demo Prometheus"
        );
        notice.kind = NotificationKind::WatchdogBack;
        notice.firing_count = 0;
        let back = Text::of(&notice, Lang::En, Some("Demo Prometheus"));
        assert_eq!(
            back.summary,
            "The alert pipeline works again: Watchdog from Demo Prometheus is back"
        );
        assert!(
            !back.summary.contains("firing"),
            "not worded as a firing group"
        );
        assert_eq!(
            Text::of(&notice, Lang::Ja, None).summary,
            "アラートの経路が復旧しました: demo-prometheus から Watchdog が再び届いています"
        );
        assert_eq!(urgency_of(&notice), Urgency::Low, "good news");
    }

    #[test]
    fn an_escalation_says_nobody_acknowledged_and_is_critical() {
        let mut escalation = planned(NotificationKind::Escalation, Severity::Warning);
        escalation.louder = true;
        assert_eq!(
            Text::of(&escalation, Lang::En, None).summary,
            "HighErrorRate: still firing, nobody acknowledged (3 firing, warning)"
        );
        assert_eq!(urgency_of(&escalation), Urgency::Critical);
        let firing = planned(NotificationKind::Firing, Severity::Warning);
        assert_eq!(urgency_of(&firing), Urgency::Normal);
        let resolved = planned(NotificationKind::Resolved, Severity::Critical);
        assert_eq!(urgency_of(&resolved), Urgency::Low);
    }

    #[test]
    fn urgency_follows_the_worst_severity() {
        assert_eq!(urgency(Severity::Critical), Urgency::Critical);
        assert_eq!(urgency(Severity::Warning), Urgency::Normal);
        assert_eq!(urgency(Severity::Info), Urgency::Low);
        assert_eq!(urgency(Severity::None), Urgency::Low);
    }
}
