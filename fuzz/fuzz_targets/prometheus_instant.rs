//! A `/api/v1/query` answer (vector, scalar, string, matrix or an error envelope).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    let _ = hinomi_prometheus::query::decode_instant_body(body);
    let _ = hinomi_prometheus::error_position(&String::from_utf8_lossy(body));
});
