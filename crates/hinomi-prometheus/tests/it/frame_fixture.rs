//! The frame the UI's decoder is checked against (`ui/src/lib/charts/frame.test.ts`): series
//! given as Prometheus's value text in `narrow-frame.json`, encoded here by the real encoder.
//! The checked-in `narrow-frame.bin` must be what the encoder writes today, so the UI's test
//! reads Rust's bytes, not a re-implementation of them.

use hinomi_prometheus::Series;
use hinomi_prometheus::downsample::encode_frame;
use hinomi_prometheus::frame_decode::decode_frame;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Deserialize)]
struct FixtureSeries {
    labels: BTreeMap<String, String>,
    timestamps: Vec<f64>,
    values: Vec<String>,
}

#[derive(Deserialize)]
struct Fixture {
    series: Vec<FixtureSeries>,
}

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/charts/testing")
}

#[test]
fn the_ui_fixture_frame_is_what_the_encoder_writes() {
    let input = std::fs::read_to_string(fixture_dir().join("narrow-frame.json")).unwrap();
    let fixture: Fixture = serde_json::from_str(&input).unwrap();
    let series: Vec<Series> = fixture
        .series
        .into_iter()
        .map(|s| Series {
            labels: s.labels,
            timestamps: s.timestamps,
            values: s.values.iter().map(|v| v.parse().unwrap()).collect(),
        })
        .collect();
    let frame = encode_frame(&series, 0.0, 90.0, 1_000, 100);

    // The bytes read back to the same doubles (NaN where a point is missing or NaN).
    let decoded = decode_frame(&frame).unwrap();
    for (sent, got) in series.iter().zip(&decoded) {
        let sent: Vec<(u64, u64)> = sent
            .timestamps
            .iter()
            .zip(&sent.values)
            .filter(|(_, v)| !v.is_nan())
            .map(|(t, v)| (t.to_bits(), v.to_bits()))
            .collect();
        let got: Vec<(u64, u64)> = got
            .timestamps
            .iter()
            .zip(&got.values)
            .map(|(t, v)| (t.to_bits(), v.to_bits()))
            .collect();
        assert_eq!(sent, got);
    }

    let path = fixture_dir().join("narrow-frame.bin");
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::write(&path, &frame).unwrap();
    }
    let checked_in = std::fs::read(&path).unwrap_or_default();
    assert!(
        checked_in == frame,
        "{} is not what the encoder writes; run `UPDATE_FIXTURES=1 cargo test -p hinomi-prometheus --test it frame_fixture`",
        path.display()
    );
}
