//! Over 400 lines: M4, the HNM1 encoder (both layouts) and the tests that pin their bytes.
//! Fit series to the pixels that will draw them, and pack them for the UI.
//!
//! A panel 800 px wide cannot show 10,000 points per series; sending them costs IPC, parsing and
//! drawing time for nothing. M4 keeps, for every pixel column, the first, last, minimum and
//! maximum point — exactly what a line chart rasterises — so spikes survive and the chart looks
//! the same as with all points (Jugel et al., "M4: A Visualization-Oriented Time Series Data
//! Aggregation", VLDB 2014).
//!
//! The result travels to the UI as one binary frame (columnar little-endian arrays that
//! JavaScript views as typed arrays without parsing: f64, or i32 decimals when that is exact)
//! instead of JSON numbers.

use crate::decimal_column;
use crate::query::Series;
use serde::Serialize;
use specta::Type;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Reduces `(timestamps, values)` over `[start, end]` to at most 4 points per pixel column.
/// Timestamps must be ascending (Prometheus guarantees it). Points outside the range are kept
/// in the first/last column so lines reach the edges.
pub fn m4(
    timestamps: &[f64],
    values: &[f64],
    start: f64,
    end: f64,
    width: u32,
) -> (Vec<f64>, Vec<f64>) {
    let n = timestamps.len().min(values.len());
    let width = width.max(1) as usize;
    if n <= width * 4 || end <= start {
        return (timestamps[..n].to_vec(), values[..n].to_vec());
    }
    let scale = width as f64 / (end - start);
    let column_of = |t: f64| (((t - start) * scale).floor().max(0.0) as usize).min(width - 1);

    let mut out_t = Vec::with_capacity(width * 4);
    let mut out_v = Vec::with_capacity(width * 4);
    let mut i = 0;
    while i < n {
        let column = column_of(timestamps[i]);
        let first = i;
        let (mut min_i, mut max_i) = (i, i);
        i += 1;
        while i < n && column_of(timestamps[i]) == column {
            // NaN never wins a comparison, so gaps do not become extremes.
            if values[i] < values[min_i] || values[min_i].is_nan() {
                min_i = i;
            }
            if values[i] > values[max_i] || values[max_i].is_nan() {
                max_i = i;
            }
            i += 1;
        }
        let last = i - 1;
        let mut picks = [first, min_i, max_i, last];
        picks.sort_unstable();
        let mut previous = usize::MAX;
        for pick in picks {
            if pick != previous {
                out_t.push(timestamps[pick]);
                out_v.push(values[pick]);
                previous = pick;
            }
        }
    }
    (out_t, out_v)
}

/// A series' (timestamps, values), borrowed when it needed no reduction.
type Columns<'a> = (Cow<'a, [f64]>, Cow<'a, [f64]>);

/// Per-series description in the frame header; the numbers follow as f64 columns. Exported to
/// TypeScript (ui/src/lib/bindings.ts), which `frame.ts` decodes with.
#[derive(Debug, Serialize, Type)]
pub struct SeriesFrameEntry<'a> {
    #[specta(type = BTreeMap<String, String>)]
    labels: &'a BTreeMap<String, String>,
    /// Values in the frame: the grid's length when the frame has one.
    #[specta(type = u32)]
    points: usize,
    /// How many points Prometheus returned before downsampling.
    #[specta(type = u32)]
    source_points: usize,
    /// Set when this series' values are i32s to divide by 10^decimals (i32::MIN for NaN),
    /// padded to 8 bytes; f64s otherwise (`decimal_column`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[specta(optional, type = Option<u8>)]
    decimals: Option<u8>,
}

/// The JSON header of an HNM1 frame (exported to TypeScript too).
#[derive(Debug, Serialize, Type)]
pub struct SeriesFrameHeader<'a> {
    series: Vec<SeriesFrameEntry<'a>>,
    /// Series left out because the panel's limit was reached; the UI says so.
    #[specta(type = u32)]
    truncated_series: usize,
    /// Set when every series sits on one time grid of this many points: the frame then holds
    /// the grid's timestamps once and each series' values on it (NaN where it has no point).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[specta(optional, type = Option<u32>)]
    grid_points: Option<usize>,
}

pub const FRAME_MAGIC: &[u8; 4] = b"HNM1";

/// Downsamples the first `max_series` series to `width` columns and encodes the frame:
/// `"HNM1" | u32 header length | header JSON | zero padding to 8 | data`, little-endian
/// columns, each 8-aligned so it is a typed-array view in JS. The data is, per series, its f64
/// timestamps then its values; or, when the series share one time grid (a range query on a
/// step grid), the grid's f64 timestamps once, then per series its values on the grid
/// (`grid_points` in the header). Values are f64, or i32 decimals padded to 8 bytes when the
/// series' header entry has `decimals` ([`decimal_column`]).
pub fn encode_frame(
    series: &[Series],
    start: f64,
    end: f64,
    width: u32,
    max_series: usize,
) -> Vec<u8> {
    let shown = &series[..series.len().min(max_series)];
    // Series that already fit are borrowed, not copied: most panels need no reduction.
    let reduced: Vec<Columns<'_>> = shown
        .iter()
        .map(|s| {
            let n = s.timestamps.len().min(s.values.len());
            if n <= width.max(1) as usize * 4 {
                (
                    Cow::Borrowed(&s.timestamps[..n]),
                    Cow::Borrowed(&s.values[..n]),
                )
            } else {
                let (t, v) = m4(&s.timestamps, &s.values, start, end, width);
                (Cow::Owned(t), Cow::Owned(v))
            }
        })
        .collect();
    let grid = shared_grid(&reduced);
    // Each series' values as the frame carries them: on the grid when there is one, and as
    // i32 decimals when that loses nothing (`decimal_column`), which halves their bytes.
    let values: Vec<ValueColumn<'_>> = reduced
        .iter()
        .map(|(timestamps, values)| {
            let on_the_grid = match &grid {
                Some(grid) if timestamps[..] != grid[..] => {
                    Cow::Owned(on_grid(grid, timestamps, values))
                }
                _ => Cow::Borrowed(&values[..]),
            };
            match decimal_column::narrow(&on_the_grid) {
                Some((decimals, ints)) => ValueColumn::Narrow { decimals, ints },
                None => ValueColumn::Wide(on_the_grid),
            }
        })
        .collect();
    let header = SeriesFrameHeader {
        series: shown
            .iter()
            .zip(&reduced)
            .zip(&values)
            .map(|((s, (t, _)), column)| SeriesFrameEntry {
                labels: &s.labels,
                points: grid.as_ref().map_or(t.len(), |g| g.len()),
                source_points: s.timestamps.len(),
                decimals: match column {
                    ValueColumn::Narrow { decimals, .. } => Some(*decimals),
                    ValueColumn::Wide(_) => None,
                },
            })
            .collect(),
        truncated_series: series.len() - shown.len(),
        grid_points: grid.as_ref().map(|g| g.len()),
    };
    let header_json = serde_json::to_vec(&header).unwrap_or_else(|_| b"{}".to_vec());
    let data_bytes: usize = grid.as_ref().map_or(0, |g| g.len() * 8)
        + reduced
            .iter()
            .zip(&values)
            .map(|((t, _), column)| {
                let own_timestamps = if grid.is_some() { 0 } else { t.len() * 8 };
                own_timestamps + column.padded_bytes()
            })
            .sum::<usize>();
    let mut frame = Vec::with_capacity(8 + header_json.len() + 8 + data_bytes);
    frame.extend_from_slice(FRAME_MAGIC);
    frame.extend_from_slice(&(header_json.len() as u32).to_le_bytes());
    frame.extend_from_slice(&header_json);
    pad8(&mut frame);
    if let Some(grid) = &grid {
        append_le(&mut frame, grid);
    }
    for ((timestamps, _), column) in reduced.iter().zip(&values) {
        if grid.is_none() {
            append_le(&mut frame, timestamps);
        }
        column.append_to(&mut frame);
    }
    frame
}

/// One series' values in the frame: f64, or i32 with decimals (`decimal_column`), padded so
/// the next column starts 8-aligned.
enum ValueColumn<'a> {
    Wide(Cow<'a, [f64]>),
    Narrow { decimals: u8, ints: Vec<i32> },
}

impl ValueColumn<'_> {
    fn padded_bytes(&self) -> usize {
        match self {
            ValueColumn::Wide(values) => values.len() * 8,
            ValueColumn::Narrow { ints, .. } => (ints.len() * 4).div_ceil(8) * 8,
        }
    }

    fn append_to(&self, frame: &mut Vec<u8>) {
        match self {
            ValueColumn::Wide(values) => append_le(frame, values),
            ValueColumn::Narrow { ints, .. } => {
                if cfg!(target_endian = "little") {
                    frame.extend_from_slice(bytemuck::cast_slice(ints));
                } else {
                    for k in ints {
                        frame.extend_from_slice(&k.to_le_bytes());
                    }
                }
                pad8(frame);
            }
        }
    }
}

/// Zero bytes up to the next multiple of 8, where every column of HNM1 and HNP1 frames starts.
pub fn pad8(frame: &mut Vec<u8>) {
    while !frame.len().is_multiple_of(8) {
        frame.push(0);
    }
}

/// The one time grid every series' timestamps lie on (their union), when sending it once and
/// each series' values on it (NaN-filled) takes less room than each series' own timestamps and
/// values. Range queries on a step grid have one; M4-reduced series usually do not; a lone
/// series gains nothing from it.
fn shared_grid<'a>(series: &'a [Columns<'_>]) -> Option<Cow<'a, [f64]>> {
    if series.len() < 2 {
        return None;
    }
    let first = &series[0].0;
    let ascending = |t: &[f64]| t.windows(2).all(|w| w[0] < w[1]);
    if !series.iter().all(|(t, _)| ascending(t)) {
        return None; // a merge would fold repeated timestamps and lose points
    }
    if series.iter().all(|(t, _)| t[..] == first[..]) {
        return Some(Cow::Borrowed(&first[..]));
    }
    let total: usize = series.iter().map(|(t, _)| t.len()).sum();
    // Grid plus n value columns must stay under the per-series layout's 2 × total numbers.
    let largest_worth_it = (2 * total).saturating_sub(1) / (series.len() + 1);
    let mut grid: Vec<f64> = Vec::new();
    for (timestamps, _) in series {
        grid = merge_sorted(&grid, timestamps);
        if grid.len() > largest_worth_it {
            return None;
        }
    }
    Some(Cow::Owned(grid))
}

/// The ascending union of two ascending, duplicate-free lists.
fn merge_sorted(a: &[f64], b: &[f64]) -> Vec<f64> {
    let mut out = Vec::with_capacity(a.len().max(b.len()));
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] < b[j] {
            out.push(a[i]);
            i += 1;
        } else if b[j] < a[i] {
            out.push(b[j]);
            j += 1;
        } else {
            out.push(a[i]);
            i += 1;
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

/// A series' values placed on `grid` (which holds all its timestamps), NaN elsewhere.
fn on_grid(grid: &[f64], timestamps: &[f64], values: &[f64]) -> Vec<f64> {
    let mut out = vec![f64::NAN; grid.len()];
    let mut at = 0;
    for (t, v) in timestamps.iter().zip(values) {
        while at < grid.len() && grid[at] < *t {
            at += 1;
        }
        if let Some(slot) = out.get_mut(at) {
            *slot = *v;
        }
    }
    out
}

/// Appends f64s as little-endian bytes: one memcpy on little-endian machines.
fn append_le(frame: &mut Vec<u8>, column: &[f64]) {
    if cfg!(target_endian = "little") {
        frame.extend_from_slice(bytemuck::cast_slice(column));
    } else {
        for x in column {
            frame.extend_from_slice(&x.to_le_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_series_pass_through() {
        let (t, v) = m4(&[1.0, 2.0, 3.0], &[5.0, 6.0, 7.0], 0.0, 4.0, 10);
        assert_eq!((t, v), (vec![1.0, 2.0, 3.0], vec![5.0, 6.0, 7.0]));
    }

    #[test]
    fn keeps_first_min_max_last_per_column_and_spikes_survive() {
        // 1,000 points over 10 columns: a flat line with one spike and one dip.
        let t: Vec<f64> = (0..1000).map(f64::from).collect();
        let mut v = vec![1.0; 1000];
        v[437] = 100.0;
        v[812] = -50.0;
        let (rt, rv) = m4(&t, &v, 0.0, 1000.0, 10);
        assert!(rt.len() <= 40, "{}", rt.len());
        assert!(
            rt.windows(2).all(|w| w[0] < w[1]),
            "timestamps stay ascending"
        );
        assert!(rv.contains(&100.0) && rv.contains(&-50.0), "extremes kept");
        assert_eq!(rt.first(), Some(&0.0));
        assert_eq!(rt.last(), Some(&999.0));
        let spike = rt.iter().position(|&x| x == 437.0).unwrap();
        assert_eq!(rv[spike], 100.0);
    }

    #[test]
    fn nan_gaps_do_not_become_extremes() {
        let t: Vec<f64> = (0..100).map(f64::from).collect();
        let mut v: Vec<f64> = (0..100).map(f64::from).collect();
        v[0] = f64::NAN;
        let (_, rv) = m4(&t, &v, 0.0, 100.0, 1);
        // first (NaN), min 1, max 99, last 99 → first/min/max... min must be a number.
        assert!(
            rv.iter().filter(|x| !x.is_nan()).any(|&x| x == 1.0),
            "{rv:?}"
        );
        assert!(rv.contains(&99.0));
    }

    #[test]
    fn frame_layout_is_aligned_and_decodable() {
        let series = vec![
            Series {
                labels: BTreeMap::from([("job".to_string(), "a".to_string())]),
                timestamps: vec![1.0, 2.0],
                values: vec![10.0, 20.0],
            },
            Series {
                labels: BTreeMap::new(),
                timestamps: vec![1.0],
                values: vec![f64::NAN],
            },
            Series {
                labels: BTreeMap::new(),
                timestamps: vec![],
                values: vec![],
            },
        ];
        let frame = encode_frame(&series, 0.0, 3.0, 100, 2);
        assert_eq!(&frame[..4], FRAME_MAGIC);
        let header_len = u32::from_le_bytes(frame[4..8].try_into().unwrap()) as usize;
        let header: serde_json::Value = serde_json::from_slice(&frame[8..8 + header_len]).unwrap();
        assert_eq!(header["truncated_series"], 1);
        assert_eq!(header["series"][0]["points"], 2);
        assert_eq!(header["series"][0]["labels"]["job"], "a");
        let data_start = (8 + header_len).div_ceil(8) * 8;
        let f = |i: usize| {
            f64::from_le_bytes(
                frame[data_start + i * 8..data_start + i * 8 + 8]
                    .try_into()
                    .unwrap(),
            )
        };
        let i32_at = |byte: usize| {
            i32::from_le_bytes(
                frame[data_start + byte..data_start + byte + 4]
                    .try_into()
                    .unwrap(),
            )
        };
        // Series 1: f64 timestamps, then its whole-number values as i32s (no decimals).
        assert_eq!([f(0), f(1)], [1.0, 2.0]);
        assert_eq!(header["series"][0]["decimals"], 0);
        assert_eq!([i32_at(16), i32_at(20)], [10, 20]);
        // Series 2: one timestamp, then its NaN as the gap marker, padded to 8 bytes.
        assert_eq!(f(3), 1.0);
        assert_eq!(i32_at(32), decimal_column::NARROW_GAP);
        assert_eq!(i32_at(36), 0, "zero padding");
        assert_eq!(frame.len(), data_start + 5 * 8);
    }

    #[test]
    fn values_that_are_not_short_decimals_stay_f64() {
        let series = vec![Series {
            labels: BTreeMap::new(),
            timestamps: vec![1.0, 2.0],
            values: vec![1.0 / 3.0, 0.5],
        }];
        let frame = encode_frame(&series, 0.0, 3.0, 100, 10);
        let (header, numbers) = split(&frame);
        assert!(header["series"][0].get("decimals").is_none(), "{header}");
        assert_eq!(numbers, [1.0, 2.0, 1.0 / 3.0, 0.5]);
        let header_len = u32::from_le_bytes(frame[4..8].try_into().unwrap()) as usize;
        assert_eq!(frame.len(), (8 + header_len).div_ceil(8) * 8 + 4 * 8);
    }

    fn on_step_grid(labels: &str, timestamps: &[f64], values: &[f64]) -> Series {
        Series {
            labels: BTreeMap::from([("i".to_string(), labels.to_string())]),
            timestamps: timestamps.to_vec(),
            values: values.to_vec(),
        }
    }

    /// The header and the numbers after it, each column read as its header says (f64, or i32
    /// decimals padded to 8 bytes), written here rather than with `frame_decode` so the layout
    /// is pinned twice.
    fn split(frame: &[u8]) -> (serde_json::Value, Vec<f64>) {
        let header_len = u32::from_le_bytes(frame[4..8].try_into().unwrap()) as usize;
        let header: serde_json::Value = serde_json::from_slice(&frame[8..8 + header_len]).unwrap();
        let mut at = (8 + header_len).div_ceil(8) * 8;
        let mut numbers = Vec::new();
        let wide = |at: &mut usize, n: usize, numbers: &mut Vec<f64>| {
            for _ in 0..n {
                numbers.push(f64::from_le_bytes(frame[*at..*at + 8].try_into().unwrap()));
                *at += 8;
            }
        };
        let grid = header["grid_points"].as_u64().map(|n| n as usize);
        if let Some(points) = grid {
            wide(&mut at, points, &mut numbers);
        }
        for entry in header["series"].as_array().unwrap() {
            let points = entry["points"].as_u64().unwrap() as usize;
            if grid.is_none() {
                wide(&mut at, points, &mut numbers);
            }
            match entry["decimals"].as_u64() {
                None => wide(&mut at, points, &mut numbers),
                Some(decimals) => {
                    for i in 0..points {
                        let b = at + i * 4;
                        let k = i32::from_le_bytes(frame[b..b + 4].try_into().unwrap());
                        numbers.push(decimal_column::unscale(k, decimals as u8));
                    }
                    at += (points * 4).div_ceil(8) * 8;
                }
            }
        }
        assert_eq!(at, frame.len(), "every byte accounted for");
        (header, numbers)
    }

    #[test]
    fn series_on_one_step_grid_send_the_timestamps_once() {
        let series = vec![
            on_step_grid("a", &[15.0, 30.0, 45.0], &[1.0, 2.0, 3.0]),
            on_step_grid("b", &[15.0, 30.0, 45.0], &[4.0, 5.0, 6.0]),
            on_step_grid("c", &[15.0, 30.0, 45.0], &[7.0, 8.0, 9.0]),
        ];
        let frame = encode_frame(&series, 0.0, 60.0, 100, 10);
        let (header, numbers) = split(&frame);
        assert_eq!(header["grid_points"], 3);
        assert_eq!(header["series"][2]["points"], 3);
        // The grid as f64s (24 bytes), each series as three i32s padded to 16 bytes.
        assert_eq!(header["series"][2]["decimals"], 0);
        let header_len = u32::from_le_bytes(frame[4..8].try_into().unwrap()) as usize;
        assert_eq!(frame.len(), (8 + header_len).div_ceil(8) * 8 + 24 + 3 * 16);
        assert_eq!(
            numbers,
            [
                15.0, 30.0, 45.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0
            ]
        );
    }

    #[test]
    fn a_series_with_gaps_gets_nan_on_the_shared_grid() {
        // One series starts late, another ends early: the grid is their union.
        let series = vec![
            on_step_grid("late", &[30.0, 45.0, 60.0], &[2.0, 3.0, 4.0]),
            on_step_grid("early", &[15.0, 30.0, 45.0], &[5.0, 6.0, 7.0]),
            on_step_grid("full", &[15.0, 30.0, 45.0, 60.0], &[1.0, 1.0, 1.0, 1.0]),
        ];
        let (header, numbers) = split(&encode_frame(&series, 0.0, 60.0, 100, 10));
        assert_eq!(header["grid_points"], 4);
        assert_eq!(header["series"][0]["source_points"], 3);
        assert_eq!(numbers[..4], [15.0, 30.0, 45.0, 60.0]);
        assert!(numbers[4].is_nan());
        assert_eq!(numbers[5..8], [2.0, 3.0, 4.0]);
        assert_eq!(numbers[8..11], [5.0, 6.0, 7.0]);
        assert!(numbers[11].is_nan());
        assert_eq!(numbers[12..16], [1.0; 4]);
    }

    #[test]
    fn series_on_different_times_keep_their_own_timestamps() {
        // Nothing shared: a union grid would be mostly NaN, bigger than the series themselves.
        let series = vec![
            on_step_grid("a", &[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0]),
            on_step_grid("b", &[1.5, 2.5, 3.5], &[4.0, 5.0, 6.0]),
        ];
        let (header, numbers) = split(&encode_frame(&series, 0.0, 4.0, 100, 10));
        assert!(header.get("grid_points").is_none(), "{header}");
        assert_eq!(numbers[..6], [1.0, 2.0, 3.0, 1.0, 2.0, 3.0]);
        // A lone series, and repeated timestamps, never take the grid either.
        let lone = encode_frame(&series[..1], 0.0, 4.0, 100, 10);
        assert!(split(&lone).0.get("grid_points").is_none());
        let repeated = vec![
            on_step_grid("a", &[1.0, 1.0], &[1.0, 2.0]),
            on_step_grid("b", &[1.0, 1.0], &[3.0, 4.0]),
        ];
        let frame = encode_frame(&repeated, 0.0, 4.0, 100, 10);
        assert!(split(&frame).0.get("grid_points").is_none());
    }

    #[test]
    fn the_series_limit_caps_what_is_framed_and_counts_the_rest() {
        let series: Vec<Series> = (0..1_500)
            .map(|i| on_step_grid(&i.to_string(), &[15.0, 30.0], &[1.0, 2.0]))
            .collect();
        let (header, numbers) = split(&encode_frame(&series, 0.0, 60.0, 100, 1_000));
        assert_eq!(header["series"].as_array().unwrap().len(), 1_000);
        assert_eq!(header["truncated_series"], 500);
        assert_eq!(
            numbers.len(),
            2 + 1_000 * 2,
            "one grid, then 1,000 value columns"
        );
    }
}
