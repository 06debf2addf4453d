//! A `query_range` answer: the hand-written scanner must never panic, and wherever both the
//! scanner and the serde decoder answer, they must give the same series (differential).
#![no_main]

use hinomi_prometheus::Series;
use hinomi_prometheus::pairs::scan_matrix;
use hinomi_prometheus::query::{decode_range_body, decode_range_body_generic};
use libfuzzer_sys::fuzz_target;

fn same_number(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

fn same_series(fast: &[Series], serde: &[Series]) -> bool {
    fast.len() == serde.len()
        && fast.iter().zip(serde).all(|(a, b)| {
            a.labels == b.labels
                && a.timestamps.len() == b.timestamps.len()
                && a.values.len() == b.values.len()
                && a.timestamps
                    .iter()
                    .zip(&b.timestamps)
                    .all(|(x, y)| same_number(*x, *y))
                && a.values
                    .iter()
                    .zip(&b.values)
                    .all(|(x, y)| same_number(*x, *y))
        })
}

fuzz_target!(|body: &[u8]| {
    let fast = scan_matrix(body);
    let serde = decode_range_body_generic(body);
    if let (Some(fast), Ok(serde)) = (&fast, &serde) {
        assert!(
            same_series(fast, serde),
            "scanner and serde disagree on {:?}:\nscanner {fast:?}\nserde   {serde:?}",
            String::from_utf8_lossy(body)
        );
    }
    // The public entry point (scanner first, serde as fallback) must not panic either.
    let _ = decode_range_body(body);
});
