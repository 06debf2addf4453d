//! What the user decides about desktop notifications: the route semantics to apply where no
//! Alertmanager's route tree is known (grouping and the three intervals, the seed's by
//! default), and when to be left alone (do-not-disturb,
//! quiet hours), with critical alerts allowed through if they want.

use crate::error::AlertsError;
use crate::grouping::GroupBy;
use chrono::{DateTime, FixedOffset, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

/// A daily local-time window, `22:00`–`07:00` (may cross midnight; start included, end not).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct QuietHours {
    pub start: String,
    pub end: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(default)]
pub struct NotificationSettings {
    /// Alertmanager-style `group_by`; `["..."]` for one group per alert.
    pub group_by: Vec<String>,
    pub group_wait_secs: u32,
    pub group_interval_secs: u32,
    pub repeat_interval_secs: u32,
    pub send_resolved: bool,
    pub do_not_disturb: bool,
    /// Critical alerts (and "monitoring is blind") still notify during do-not-disturb and
    /// quiet hours.
    pub critical_through_dnd: bool,
    pub quiet_hours: Vec<QuietHours>,
    /// The computer's offset from UTC, which the shell refreshes (it changes with daylight
    /// saving time); quiet hours are local times.
    pub utc_offset_minutes: i32,
    /// A critical group nobody acknowledged this long after its first notification notifies
    /// again, louder. `None` turns escalation off.
    pub escalate_after_secs: Option<u32>,
    /// How often sources are polled: a source unreachable, or a Watchdog unseen, for more than
    /// two of these is itself worth a notification.
    pub poll_interval_secs: u32,
    /// The always-firing dead man's switch alert whose silence means the pipeline is broken.
    pub watchdog_alertname: String,
}

impl Default for NotificationSettings {
    /// The monitoring spec's route: alertname + severity, 30s, 5m, 4h, resolved notices on.
    fn default() -> Self {
        Self {
            group_by: vec!["alertname".into(), "severity".into()],
            group_wait_secs: 30,
            group_interval_secs: 5 * 60,
            repeat_interval_secs: 4 * 3600,
            send_resolved: true,
            do_not_disturb: false,
            critical_through_dnd: true,
            quiet_hours: Vec::new(),
            utc_offset_minutes: 0,
            escalate_after_secs: Some(15 * 60),
            poll_interval_secs: 5,
            watchdog_alertname: "Watchdog".into(),
        }
    }
}

/// Why a due notification was held back. It is not lost: the group stays "changed" and is
/// told at its next flush after the reason is gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Suppression {
    DoNotDisturb,
    QuietHours,
    Snoozed,
}

/// The settings checked and turned into the types the planner computes with.
#[derive(Debug, Clone)]
pub(super) struct Policy {
    pub group_by: GroupBy,
    pub group_wait: chrono::Duration,
    pub group_interval: chrono::Duration,
    pub repeat_interval: chrono::Duration,
    pub send_resolved: bool,
    pub do_not_disturb: bool,
    pub critical_through_dnd: bool,
    quiet_hours: Vec<(NaiveTime, NaiveTime)>,
    offset: FixedOffset,
    pub escalate_after: Option<chrono::Duration>,
    /// Two poll intervals.
    pub blind_after: chrono::Duration,
    pub watchdog_alertname: String,
}

fn secs(value: u32) -> chrono::Duration {
    chrono::Duration::seconds(i64::from(value))
}

impl Policy {
    pub fn new(settings: &NotificationSettings) -> Result<Self, AlertsError> {
        if settings.group_interval_secs == 0 {
            return Err(AlertsError::GroupIntervalZero);
        }
        if settings.poll_interval_secs == 0 {
            return Err(AlertsError::PollIntervalZero);
        }
        let offset = FixedOffset::east_opt(settings.utc_offset_minutes.saturating_mul(60)).ok_or(
            AlertsError::UtcOffsetOutOfRange {
                minutes: settings.utc_offset_minutes,
            },
        )?;
        let quiet_hours = settings
            .quiet_hours
            .iter()
            .map(|hours| Ok((local_time(&hours.start)?, local_time(&hours.end)?)))
            .collect::<Result<_, AlertsError>>()?;
        let group_by = GroupBy::from_names(&settings.group_by);
        Ok(Self {
            group_by,
            group_wait: secs(settings.group_wait_secs),
            group_interval: secs(settings.group_interval_secs),
            repeat_interval: secs(settings.repeat_interval_secs),
            send_resolved: settings.send_resolved,
            do_not_disturb: settings.do_not_disturb,
            critical_through_dnd: settings.critical_through_dnd,
            quiet_hours,
            offset,
            escalate_after: settings.escalate_after_secs.map(secs),
            blind_after: secs(settings.poll_interval_secs.saturating_mul(2)),
            watchdog_alertname: settings.watchdog_alertname.clone(),
        })
    }

    pub fn in_quiet_hours(&self, now: DateTime<Utc>) -> bool {
        let local = now.with_timezone(&self.offset).time();
        self.quiet_hours.iter().any(|&(start, end)| {
            if start <= end {
                start <= local && local < end
            } else {
                local >= start || local < end
            }
        })
    }

    /// Whether a notification of this urgency may be shown now (snoozes are per group and
    /// checked by the planner).
    pub fn gate(&self, now: DateTime<Utc>, critical: bool) -> Option<Suppression> {
        if critical && self.critical_through_dnd {
            return None;
        }
        if self.do_not_disturb {
            return Some(Suppression::DoNotDisturb);
        }
        self.in_quiet_hours(now).then_some(Suppression::QuietHours)
    }
}

fn local_time(text: &str) -> Result<NaiveTime, AlertsError> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M").map_err(|_| AlertsError::NotATime {
        text: text.to_owned(),
        in_quiet_hours: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use hinomi_core::HinomiError;

    #[test]
    fn quiet_hours_cross_midnight_in_local_time() {
        let settings = NotificationSettings {
            quiet_hours: vec![QuietHours {
                start: "22:00".into(),
                end: "07:00".into(),
            }],
            // Japan.
            utc_offset_minutes: 9 * 60,
            ..NotificationSettings::default()
        };
        let policy = Policy::new(&settings).unwrap();
        let utc = |h, m| Utc.with_ymd_and_hms(2026, 3, 21, h, m, 0).unwrap();
        assert!(policy.in_quiet_hours(utc(13, 0)), "22:00 JST");
        assert!(policy.in_quiet_hours(utc(21, 59)), "06:59 JST");
        assert!(!policy.in_quiet_hours(utc(22, 0)), "07:00 JST");
        assert!(!policy.in_quiet_hours(utc(3, 0)), "12:00 JST");
        assert_eq!(
            policy.gate(utc(13, 0), false),
            Some(Suppression::QuietHours)
        );
        assert_eq!(policy.gate(utc(13, 0), true), None);
    }

    #[test]
    fn bad_settings_are_refused_with_the_reason() {
        let bad_time = NotificationSettings {
            quiet_hours: vec![QuietHours {
                start: "25:00".into(),
                end: "07:00".into(),
            }],
            ..NotificationSettings::default()
        };
        let err = HinomiError::from(Policy::new(&bad_time).unwrap_err());
        assert!(err.message.contains("25:00"), "{err:?}");
        let zero = NotificationSettings {
            group_interval_secs: 0,
            ..NotificationSettings::default()
        };
        assert!(Policy::new(&zero).is_err());
    }
}
