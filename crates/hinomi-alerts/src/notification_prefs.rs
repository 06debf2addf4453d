//! The `[alert_notifications]` section of settings.toml: when the desktop is left alone. The
//! alerts crate owns it (types, defaults, validation); `hinomi-settings` composes it into the
//! file, and [`crate::round::notification_settings`] turns it into the planner's settings.

use crate::error::AlertsError;
use hinomi_core::settings::DatasourceProblem;
use serde::{Deserialize, Serialize};
use specta::Type;

/// When the desktop should be left alone, and how insistent critical alerts are. The grouping
/// and timing (group_by, group_wait, ...) follow the Alertmanager route and are not set here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(default, deny_unknown_fields)]
pub struct AlertNotificationPrefs {
    pub do_not_disturb: bool,
    /// Critical alerts and "monitoring is blind" still notify during do-not-disturb and quiet
    /// hours.
    pub critical_through_dnd: bool,
    /// Local times like `22:00`; both set means quiet hours are on (may cross midnight).
    pub quiet_hours_start: Option<String>,
    pub quiet_hours_end: Option<String>,
    /// A critical group nobody acknowledged this many minutes after its first notification
    /// notifies again, louder; 0 turns escalation off.
    pub escalate_after_minutes: u32,
}

impl Default for AlertNotificationPrefs {
    fn default() -> Self {
        Self {
            do_not_disturb: false,
            critical_through_dnd: true,
            quiet_hours_start: None,
            quiet_hours_end: None,
            escalate_after_minutes: 15,
        }
    }
}

impl AlertNotificationPrefs {
    /// What is wrong, for the Settings view; empty when the preferences are usable.
    pub fn problems(&self) -> Vec<DatasourceProblem> {
        let mut problems = Vec::new();
        for (field, value) in [
            (
                "alert_notifications.quiet_hours_start",
                &self.quiet_hours_start,
            ),
            ("alert_notifications.quiet_hours_end", &self.quiet_hours_end),
        ] {
            if let Some(text) = value
                && chrono::NaiveTime::parse_from_str(text.trim(), "%H:%M").is_err()
            {
                problems.push(DatasourceProblem {
                    datasource_id: String::new(),
                    field: field.into(),
                    error: AlertsError::NotATime {
                        text: text.clone(),
                        in_quiet_hours: false,
                    }
                    .into(),
                });
            }
        }
        if self.escalate_after_minutes > 24 * 60 {
            problems.push(DatasourceProblem {
                datasource_id: String::new(),
                field: "alert_notifications.escalate_after_minutes".into(),
                error: AlertsError::EscalationTooLate {
                    minutes: self.escalate_after_minutes,
                }
                .into(),
            });
        }
        problems
    }
}
