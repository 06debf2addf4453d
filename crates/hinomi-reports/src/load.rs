//! Reading everything a report needs out of the incident store.

use crate::error::ReportError;
use crate::model::ReportInput;
use hinomi_incidents::{IncidentStore, TimelineOrder, TimelineQuery};

/// Pages through the whole timeline (an incident may have tens of thousands of entries).
pub fn load(store: &IncidentStore, incident_id: &str) -> Result<ReportInput, ReportError> {
    let incident = store.get_incident(incident_id)?;
    let mut timeline = Vec::new();
    let mut after = None;
    loop {
        let page = store.timeline_page(&TimelineQuery {
            incident_id: incident_id.to_string(),
            order: TimelineOrder::OldestFirst,
            after,
            limit: 1000,
        })?;
        timeline.extend(page.entries);
        match page.next_cursor {
            Some(cursor) => after = Some(cursor),
            None => break,
        }
    }
    Ok(ReportInput {
        incident,
        timeline,
        evidence: store.list_evidence(incident_id)?,
        postmortem: store.get_postmortem(incident_id)?,
    })
}
