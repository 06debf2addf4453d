//! Reading an HNM1 frame ([`crate::downsample::encode_frame`]) back into series.
//!
//! The UI reads frames as `Float64Array` views; Rust reads them back when a panel's current
//! answer is kept as incident evidence, so the snapshot is exactly what was on screen without
//! asking Prometheus again (or the UI shipping the numbers back).

use crate::downsample::FRAME_MAGIC;
use crate::query::Series;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct HeaderSeries {
    labels: BTreeMap<String, String>,
    points: usize,
}

#[derive(Deserialize)]
struct Header {
    series: Vec<HeaderSeries>,
    /// Set when the series share one time grid, sent once before their values.
    #[serde(default)]
    grid_points: Option<usize>,
}

/// The series of a frame, or `None` when the bytes are not a whole HNM1 frame.
pub fn decode_frame(frame: &[u8]) -> Option<Vec<Series>> {
    if frame.len() < 8 || &frame[..4] != FRAME_MAGIC {
        return None;
    }
    let len = u32::from_le_bytes(frame[4..8].try_into().ok()?) as usize;
    let header: Header = serde_json::from_slice(frame.get(8..8 + len)?).ok()?;
    let mut at = (8 + len).div_ceil(8) * 8;
    let mut column = |points: usize| -> Option<Vec<f64>> {
        let bytes = frame.get(at..at.checked_add(points.checked_mul(8)?)?)?;
        at += bytes.len();
        Some(
            bytes
                .chunks_exact(8)
                .map(|b| f64::from_le_bytes(b.try_into().unwrap_or_default()))
                .collect(),
        )
    };
    let Some(grid_points) = header.grid_points else {
        return header
            .series
            .into_iter()
            .map(|s| {
                Some(Series {
                    timestamps: column(s.points)?,
                    values: column(s.points)?,
                    labels: s.labels,
                })
            })
            .collect();
    };
    let grid = column(grid_points)?;
    header
        .series
        .into_iter()
        .map(|s| {
            let values = column(grid_points)?;
            // The grid's NaN fillers were gaps in the chart, as a NaN sample is: left out.
            let (timestamps, values) = grid
                .iter()
                .zip(values)
                .filter(|(_, v)| !v.is_nan())
                .map(|(t, v)| (*t, v))
                .unzip();
            Some(Series {
                timestamps,
                values,
                labels: s.labels,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::downsample::encode_frame;

    #[test]
    fn a_frame_reads_back_as_the_series_it_was_made_of() {
        let series = vec![
            Series {
                labels: [("job".to_owned(), "api".to_owned())].into(),
                timestamps: vec![1.0, 2.0, 3.0],
                values: vec![0.5, f64::NAN, 2.5],
            },
            Series {
                labels: BTreeMap::new(),
                timestamps: vec![1.0],
                values: vec![7.0],
            },
        ];
        let decoded = decode_frame(&encode_frame(&series, 0.0, 4.0, 100, 10)).unwrap();
        assert_eq!(decoded.len(), 2);
        assert_eq!(decoded[0].labels, series[0].labels);
        assert_eq!(decoded[0].timestamps, vec![1.0, 2.0, 3.0]);
        assert_eq!(decoded[0].values[0], 0.5);
        assert!(decoded[0].values[1].is_nan());
        assert_eq!(decoded[1].values, vec![7.0]);
    }

    #[test]
    fn series_on_a_shared_grid_read_back_without_the_gap_fillers() {
        let series = vec![
            Series {
                labels: [("i".to_owned(), "0".to_owned())].into(),
                timestamps: vec![10.0, 20.0, 30.0],
                values: vec![1.0, 2.0, 3.0],
            },
            Series {
                labels: [("i".to_owned(), "1".to_owned())].into(),
                timestamps: vec![10.0, 30.0],
                values: vec![4.0, 6.0],
            },
        ];
        let frame = encode_frame(&series, 0.0, 40.0, 100, 10);
        let decoded = decode_frame(&frame).unwrap();
        assert_eq!(decoded, series);
        assert!(decode_frame(&frame[..frame.len() - 8]).is_none());
    }

    #[test]
    fn truncated_or_foreign_bytes_are_refused() {
        let series = vec![Series {
            labels: BTreeMap::new(),
            timestamps: vec![1.0, 2.0],
            values: vec![3.0, 4.0],
        }];
        let frame = encode_frame(&series, 0.0, 3.0, 100, 10);
        assert!(decode_frame(&frame[..frame.len() - 1]).is_none());
        assert!(decode_frame(b"HNP1\0\0\0\0").is_none());
        assert!(decode_frame(&[]).is_none());
    }
}
