//! "Monitoring is blind": silence from the monitoring itself is worth a notification.
//!
//! Two signs: a source Hinomi cannot reach for longer than two poll intervals, and a
//! Watchdog-style alert (always firing on purpose) that a source stops reporting for that long.
//! Each is told once when it starts and once when it ends; "told" means delivered, so a notice
//! held back by do-not-disturb is tried again on the next tick instead of being lost.

use super::{NotificationKind, PlannedNotification};
use crate::alert::{Alert, LabelSet, Severity};
use crate::poller::SourceHealth;
use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};

#[derive(Debug)]
struct WatchdogSeen {
    labels: LabelSet,
    summary: Option<String>,
    last_seen: DateTime<Utc>,
    silent_told: bool,
}

#[derive(Debug, Default)]
pub(super) struct PipelineWatch {
    blind_told: HashSet<String>,
    /// By `(datasource id, fingerprint)`: each source's copy of the Watchdog is watched on its
    /// own, so an Alertmanager that stops receiving it is noticed even while Prometheus still
    /// reports it.
    watchdogs: HashMap<(String, String), WatchdogSeen>,
}

pub(super) fn source_key(datasource_id: &str) -> String {
    format!("source:{datasource_id}")
}

fn watchdog_key(datasource_id: &str, fingerprint: &str) -> String {
    format!("watchdog:{datasource_id}:{fingerprint}")
}

impl PipelineWatch {
    pub fn check_sources(
        &mut self,
        now: DateTime<Utc>,
        sources: &[SourceHealth],
        blind_after: chrono::Duration,
    ) -> Vec<PlannedNotification> {
        let mut due = Vec::new();
        for source in sources {
            let id = &source.source.datasource_id;
            let reached = source.last_success.unwrap_or(source.watching_since);
            let blind = now - reached > blind_after;
            let told = self.blind_told.contains(id);
            let kind = match (blind, told) {
                (true, false) => NotificationKind::SourceUnreachable,
                (false, true) => NotificationKind::SourceRecovered,
                _ => continue,
            };
            let summary = if blind {
                source.last_error.as_ref().map(|err| err.message.clone())
            } else {
                None
            };
            due.push(pipeline_notice(
                kind,
                source_key(id),
                LabelSet::new(),
                summary,
                id,
                now,
            ));
        }
        let present: HashSet<&String> = sources.iter().map(|s| &s.source.datasource_id).collect();
        self.blind_told.retain(|id| present.contains(id));
        due
    }

    pub fn check_watchdogs(
        &mut self,
        now: DateTime<Utc>,
        alerts: &[Alert],
        alertname: &str,
        silent_after: chrono::Duration,
    ) -> Vec<PlannedNotification> {
        for alert in alerts.iter().filter(|alert| alert.alertname() == alertname) {
            for source in &alert.sources {
                let seen = self
                    .watchdogs
                    .entry((source.datasource_id.clone(), alert.fingerprint.clone()))
                    .or_insert_with(|| WatchdogSeen {
                        labels: alert.labels.clone(),
                        summary: None,
                        last_seen: now,
                        silent_told: false,
                    });
                seen.last_seen = now;
                seen.summary = alert.annotations.get("summary").cloned();
            }
        }
        let mut due = Vec::new();
        for ((datasource_id, fingerprint), seen) in &self.watchdogs {
            let silent = now - seen.last_seen > silent_after;
            let kind = match (silent, seen.silent_told) {
                (true, false) => NotificationKind::WatchdogSilent,
                (false, true) => NotificationKind::WatchdogBack,
                _ => continue,
            };
            due.push(pipeline_notice(
                kind,
                watchdog_key(datasource_id, fingerprint),
                seen.labels.clone(),
                seen.summary.clone(),
                datasource_id,
                now,
            ));
        }
        due.sort_by(|a, b| a.group_key.cmp(&b.group_key));
        due
    }

    /// Called for each notice that was actually shown.
    pub fn delivered(&mut self, notice: &PlannedNotification) {
        let Some(datasource_id) = &notice.datasource_id else {
            return;
        };
        match notice.kind {
            NotificationKind::SourceUnreachable => {
                self.blind_told.insert(datasource_id.clone());
            }
            NotificationKind::SourceRecovered => {
                self.blind_told.remove(datasource_id);
            }
            NotificationKind::WatchdogSilent | NotificationKind::WatchdogBack => {
                let told = notice.kind == NotificationKind::WatchdogSilent;
                let fingerprint = crate::alert::fingerprint_hex(&notice.group_labels);
                if let Some(seen) = self
                    .watchdogs
                    .get_mut(&(datasource_id.clone(), fingerprint))
                {
                    seen.silent_told = told;
                }
            }
            _ => {}
        }
    }
}

fn pipeline_notice(
    kind: NotificationKind,
    key: String,
    labels: LabelSet,
    summary: Option<String>,
    datasource_id: &str,
    now: DateTime<Utc>,
) -> PlannedNotification {
    let bad_news = matches!(
        kind,
        NotificationKind::SourceUnreachable | NotificationKind::WatchdogSilent
    );
    PlannedNotification {
        kind,
        group_key: key,
        group_labels: labels,
        firing_count: u32::from(bad_news),
        resolved_count: u32::from(!bad_news),
        // Blind monitoring hides every other alert: as urgent as the worst of them.
        worst_severity: if bad_news {
            Severity::Critical
        } else {
            Severity::None
        },
        summary,
        louder: false,
        datasource_id: Some(datasource_id.to_owned()),
        at: now,
    }
}
