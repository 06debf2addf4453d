//! What the durability tests of several crates check after a crash (feature `test-support`,
//! dev builds only): the incident store's tests and the reports crate's kill test walk a
//! timeline the same way.

use crate::{IncidentStore, TimelineQuery};
use std::collections::HashSet;

/// Every timeline entry id of `incident`, read page by page as the UI does. Panics when an
/// evidence entry's evidence is missing: the two are written in one transaction, so a crash
/// keeps both or neither.
pub fn timeline_ids(store: &IncidentStore, incident: &str) -> HashSet<String> {
    let mut ids = HashSet::new();
    let mut after = None;
    loop {
        let page = store
            .timeline_page(&TimelineQuery {
                incident_id: incident.to_string(),
                order: Default::default(),
                after,
                limit: 500,
            })
            .unwrap();
        for entry in &page.entries {
            if let Some(evidence) = entry.event.evidence_id() {
                store.get_evidence(evidence).unwrap_or_else(|err| {
                    panic!("entry {} without its evidence {evidence}: {err}", entry.id)
                });
            }
            ids.insert(entry.id.clone());
        }
        match page.next_cursor {
            Some(cursor) => after = Some(cursor),
            None => return ids,
        }
    }
}
