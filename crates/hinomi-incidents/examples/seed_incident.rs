//! Creates an incident detected some minutes ago in an existing store, for the e2e test of the
//! response-target notifications: `seed_incident <store.sqlite> <P0..P3> <minutes ago> <title>`.
//! Prints the new incident's id. The store is the one the running app has open (SQLite WAL).

use hinomi_core::clock::FakeClock;
use hinomi_incidents::{IncidentStore, NewIncident};
use std::collections::BTreeMap;
use std::sync::Arc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, path, severity, minutes_ago, title] = args.as_slice() else {
        return Err("usage: seed_incident <store.sqlite> <P0..P3> <minutes ago> <title>".into());
    };
    let detected = chrono::Utc::now() - chrono::Duration::minutes(minutes_ago.parse()?);
    let store = IncidentStore::open(
        std::path::Path::new(path),
        Arc::new(FakeClock::at(detected)),
    )?;
    let incident = store.create_incident(NewIncident {
        title: title.clone(),
        description: String::new(),
        severity: severity.parse()?,
        commander: None,
        assignees: Vec::new(),
        labels: BTreeMap::new(),
        actor: Some("seed".into()),
    })?;
    println!("{}", incident.id);
    Ok(())
}
