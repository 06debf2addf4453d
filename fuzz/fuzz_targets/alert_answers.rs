//! Answers of the alert sources: Alertmanager v2 (alerts, groups, silences, status with its
//! route tree, error bodies) and Prometheus (`/api/v1/alerts`, `/api/v1/rules`). The first
//! byte picks the decoder, the second the HTTP status of error paths.
#![no_main]

use hinomi_alerts::sources::{alertmanager, prometheus};
use libfuzzer_sys::fuzz_target;

const STATUSES: [u16; 8] = [200, 400, 401, 404, 422, 500, 502, 503];

fuzz_target!(|data: &[u8]| {
    let [pick, status, body @ ..] = data else {
        return;
    };
    let status = STATUSES[usize::from(*status) % STATUSES.len()];
    match pick % 7 {
        0 => drop(alertmanager::decode::alerts(body)),
        1 => drop(alertmanager::decode::groups(body)),
        2 => drop(alertmanager::decode::silences(body)),
        3 => drop(alertmanager::decode::status_routes(body)),
        4 => drop(alertmanager::decode::error(status, body)),
        5 => drop(prometheus::decode::alerts(status, body)),
        _ => drop(prometheus::decode::rules(status, body)),
    }
});
