//! Reading an HNM1 frame ([`crate::downsample::encode_frame`]) back into series.
//!
//! The UI reads frames as `Float64Array` views; Rust reads them back when a panel's current
//! answer is kept as incident evidence, so the snapshot is exactly what was on screen without
//! asking Prometheus again (or the UI shipping the numbers back).

use crate::decimal_column;
use crate::downsample::FRAME_MAGIC;
use crate::query::Series;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct HeaderSeries {
    labels: BTreeMap<String, String>,
    points: usize,
    /// Set when the values are i32 decimals ([`crate::decimal_column`]).
    #[serde(default)]
    decimals: Option<u8>,
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
    let mut reader = ColumnReader {
        frame,
        at: (8 + len).div_ceil(8) * 8,
    };
    let Some(grid_points) = header.grid_points else {
        return header
            .series
            .into_iter()
            .map(|s| {
                Some(Series {
                    timestamps: reader.wide(s.points)?,
                    values: reader.values(s.points, s.decimals)?,
                    labels: s.labels,
                })
            })
            .collect();
    };
    let grid = reader.wide(grid_points)?;
    header
        .series
        .into_iter()
        .map(|s| {
            let values = reader.values(grid_points, s.decimals)?;
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

/// Reads the frame's columns in order; `None` past the end.
struct ColumnReader<'a> {
    frame: &'a [u8],
    at: usize,
}

impl ColumnReader<'_> {
    fn take(&mut self, bytes: usize) -> Option<&[u8]> {
        let taken = self.frame.get(self.at..self.at.checked_add(bytes)?)?;
        self.at += bytes.div_ceil(8) * 8;
        Some(taken)
    }

    fn wide(&mut self, points: usize) -> Option<Vec<f64>> {
        let bytes = self.take(points.checked_mul(8)?)?;
        Some(
            bytes
                .chunks_exact(8)
                .map(|b| f64::from_le_bytes(b.try_into().unwrap_or_default()))
                .collect(),
        )
    }

    fn values(&mut self, points: usize, decimals: Option<u8>) -> Option<Vec<f64>> {
        let Some(decimals) = decimals else {
            return self.wide(points);
        };
        if decimals > decimal_column::MAX_DECIMALS {
            return None;
        }
        let bytes = self.take(points.checked_mul(4)?)?;
        Some(
            bytes
                .chunks_exact(4)
                .map(|b| {
                    let k = i32::from_le_bytes(b.try_into().unwrap_or_default());
                    decimal_column::unscale(k, decimals)
                })
                .collect(),
        )
    }
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
            // A rate's digits keep the f64 column, between two narrowed series.
            Series {
                labels: BTreeMap::new(),
                timestamps: vec![1.0, 2.0],
                values: vec![1.0 / 60.0, 0.1],
            },
            Series {
                labels: BTreeMap::new(),
                timestamps: vec![5.0],
                values: vec![123.456],
            },
        ];
        let decoded = decode_frame(&encode_frame(&series, 0.0, 4.0, 100, 10)).unwrap();
        assert_eq!(decoded.len(), 4);
        assert_eq!(decoded[2], series[2]);
        assert_eq!(decoded[3], series[3]);
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
