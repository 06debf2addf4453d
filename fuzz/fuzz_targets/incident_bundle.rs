//! An incident export file as import reads it; what reads must write back and read again.
#![no_main]

use hinomi_incidents::IncidentBundle;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(bundle) = IncidentBundle::from_json(text) else {
        return;
    };
    let written = bundle.to_json().expect("a read bundle writes");
    if let Err(err) = IncidentBundle::from_json(&written) {
        panic!("a written bundle does not read back: {err}\n{written}");
    }
});
