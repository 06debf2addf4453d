//! The `[alert_notifications]` table: when the desktop is left alone.

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
