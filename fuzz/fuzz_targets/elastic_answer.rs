//! An Elasticsearch / OpenSearch `_search` answer judged as a page of hits (hits flattened for
//! display, totals, failed shards), or an error document. The first byte picks the status.
#![no_main]

use hinomi_logs::elastic::search::decode::search_page;
use libfuzzer_sys::fuzz_target;

const STATUSES: [u16; 6] = [200, 400, 401, 404, 429, 500];

fuzz_target!(|data: &[u8]| {
    let [status, body @ ..] = data else {
        return;
    };
    let _ = search_page(STATUSES[usize::from(*status) % STATUSES.len()], body);
});
