//! Response-target countdowns over the stored incidents, and raising each warning once.

use super::IncidentStore;
use super::reading::load_incidents;
use super::tables::notified_thresholds;
use crate::error::Result;
use crate::model::countdown::{
    ResponseCountdown, ThresholdCrossing, countdown, thresholds_reached,
};
use crate::model::severity::ResponseTargets;

impl IncidentStore {
    /// A countdown for every open incident, newest first.
    pub fn countdowns(&self, targets: &ResponseTargets) -> Result<Vec<ResponseCountdown>> {
        let now = self.now();
        self.read(|tx| {
            Ok(load_incidents(tx, true)?
                .iter()
                .map(|incident| countdown(incident, targets, now))
                .collect())
        })
    }

    /// The warnings to raise now: incidents whose running clock has passed 80% or 100% of the
    /// target since the last call. Each (incident, severity, threshold) is returned once ever,
    /// across restarts. If several thresholds were passed at once (the laptop slept), only the
    /// highest is returned; the lower ones are marked as raised too, since they are stale.
    pub fn take_threshold_crossings(
        &self,
        targets: &ResponseTargets,
    ) -> Result<Vec<ThresholdCrossing>> {
        self.write(|tx, now| {
            let mut crossings = Vec::new();
            for incident in load_incidents(tx, true)? {
                let clock = countdown(&incident, targets, now);
                if !clock.is_running() {
                    continue;
                }
                let raised = notified_thresholds::list(tx, &incident.id, incident.severity)?;
                let reached = thresholds_reached(clock.fraction_used, &raised);
                for percent in &reached {
                    notified_thresholds::insert(
                        tx,
                        &incident.id,
                        incident.severity,
                        *percent,
                        now,
                    )?;
                }
                if let Some(highest) = reached.last() {
                    crossings.push(ThresholdCrossing {
                        incident_id: incident.id.clone(),
                        title: incident.title.clone(),
                        severity: incident.severity,
                        threshold_percent: *highest,
                        deadline: clock.deadline,
                        remaining_seconds: clock.remaining_seconds,
                    });
                }
            }
            Ok(crossings)
        })
    }
}
