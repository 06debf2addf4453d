//! A Grafana dashboard file imported (any schema version), exported, and imported again: the
//! export of an import must always read back.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(imported) = hinomi_dashboards::import_dashboard(text, "fuzz.json") else {
        return;
    };
    let exported = hinomi_dashboards::export_json(&imported.dashboard).expect("export");
    if let Err(err) = hinomi_dashboards::import_dashboard(&exported, "again.json") {
        panic!("an exported dashboard does not import again: {err}\n{exported}");
    }
});
