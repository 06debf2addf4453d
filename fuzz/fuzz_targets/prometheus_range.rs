//! A `query_range` answer: the hand-written scanner must never panic, and wherever both the
//! scanner and the serde decoder answer, they must give the same series (differential). The
//! streaming decode `query_range` runs while the body downloads must give exactly what the
//! whole-body decode gives, series or error, however the body is cut into chunks.
#![no_main]

use hinomi_prometheus::Series;
use hinomi_prometheus::pairs::scan_matrix;
use hinomi_prometheus::query::{decode_range_body, decode_range_body_generic};
use hinomi_prometheus::range_stream::decode_range_chunks;
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

/// Chunk ends for `body`, from its own bytes (so the seeds stay plain answers and the fuzzer
/// steers the cuts through the content): pieces of 1 to 64 bytes.
fn cuts(body: &[u8]) -> Vec<usize> {
    let mut state = body
        .iter()
        .fold(0x9e37_79b9_7f4a_7c15u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    let mut ends = Vec::new();
    let mut at = 0;
    while at < body.len() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        at = (at + 1 + (state % 64) as usize).min(body.len());
        ends.push(at);
    }
    ends
}

fn same_answer(
    a: Result<Vec<Series>, hinomi_prometheus::PrometheusError>,
    b: Result<Vec<Series>, hinomi_prometheus::PrometheusError>,
) -> bool {
    match (a, b) {
        (Ok(a), Ok(b)) => same_series(&a, &b),
        (Err(a), Err(b)) => {
            hinomi_core::HinomiError::from(a) == hinomi_core::HinomiError::from(b)
        }
        _ => false,
    }
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
    let whole = decode_range_body(body);
    let ends = cuts(body);
    let mut from = 0;
    let chunks = ends.iter().map(|&end| {
        let chunk = &body[from..end];
        from = end;
        chunk
    });
    let streamed = decode_range_chunks(chunks);
    assert!(
        same_answer(streamed, whole),
        "chunked decode differs on {:?} cut at {ends:?}",
        String::from_utf8_lossy(body)
    );
});
