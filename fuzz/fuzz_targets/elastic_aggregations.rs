//! An Elasticsearch / OpenSearch aggregation answer: the `date_histogram` of the log-volume lane
//! or the `terms` + `filter` of a field's top values, judged as the client judges it, or an error
//! document. The first byte picks the decoder (high bit) and the HTTP status (the rest).
#![no_main]

use hinomi_logs::elastic::search::decode::{histogram, top_values};
use hinomi_logs::model::LogWindow;
use libfuzzer_sys::fuzz_target;

const STATUSES: [u16; 6] = [200, 400, 401, 404, 429, 500];
const HOUR: LogWindow = LogWindow {
    from_ms: 1_714_557_600_000.0,
    to_ms: 1_714_561_200_000.0,
};

fuzz_target!(|data: &[u8]| {
    let [first, body @ ..] = data else {
        return;
    };
    let status = STATUSES[usize::from(first & 0x7f) % STATUSES.len()];
    if first & 0x80 == 0 {
        let _ = histogram(status, body, &HOUR);
    } else {
        let _ = top_values(status, body, "level");
    }
});
