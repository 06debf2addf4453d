//! Adds many notes to one incident of an existing store, for the e2e test that opens and scrolls
//! a 10,000-entry timeline in the real app: `seed_timeline <store.sqlite> <incident id> <count>`.
//! Safe while the app has the store open (SQLite WAL, one short transaction per note).

use hinomi_core::clock::SystemClock;
use hinomi_incidents::IncidentStore;
use std::sync::Arc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, path, incident, count] = args.as_slice() else {
        return Err("usage: seed_timeline <store.sqlite> <incident id> <count>".into());
    };
    let store = IncidentStore::open(std::path::Path::new(path), Arc::new(SystemClock))?;
    let count: u32 = count.parse()?;
    for n in 1..=count {
        store.add_note(
            incident,
            &format!("Seeded note **{n}** of {count}"),
            None,
            Some("seed"),
        )?;
    }
    println!("added {count} notes to {incident}");
    Ok(())
}
