//! Lossless narrow value columns for HNM1 frames: a series whose every value is a short decimal
//! (what Prometheus prints for gauges, counts and most recorded values) travels as i32 integers
//! `k` with one per-series `decimals` d, and is read back as `k / 10^d`.
//!
//! Why it is exact: Prometheus sends values as decimal text, which parses to the double nearest
//! it. `k` and `10^d` (d ≤ 9) are exact doubles and IEEE division is correctly rounded, so
//! `k / 10^d` is the double nearest `k·10^-d`, the same double. The encoder does not rely on
//! that argument alone: it keeps a series narrow only when its own division gives back every
//! value bit for bit, the same division the UI (`frame.ts`) and [`crate::frame_decode`] do.
//! Anything else (rates with 17 digits, ±Inf, -0, values past ±2^31 units) stays f64.
//!
//! This is the decimal scheme of ALP (Afroozeh et al., "ALP: Adaptive Lossless floating-Point
//! Compression", SIGMOD 2024) without its bit-packing: halving the bytes is what matters here,
//! because the IPC to the page costs per byte (docs/benchmarks.md, the big query).

/// The most decimals tried. 10^9 is exact in f64, and beyond it few i32 values are left.
pub const MAX_DECIMALS: u8 = 9;

/// The i32 that stands for NaN (a gap on the shared grid, or a NaN sample).
pub const NARROW_GAP: i32 = i32::MIN;

/// 10^d as exact doubles, written out so no `powi` rounding can creep in.
const POWERS_OF_TEN: [f64; MAX_DECIMALS as usize + 1] =
    [1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/// `v` as `k` with `v == k / 10^decimals` bit for bit, when such an i32 `k` (not the gap) exists.
fn scaled(v: f64, decimals: u8) -> Option<i32> {
    let power = POWERS_OF_TEN[usize::from(decimals)];
    let k = (v * power).round();
    // Also refuses ±Inf and NaN, whose comparisons are false.
    if !(k > f64::from(NARROW_GAP) && k <= f64::from(i32::MAX)) {
        return None;
    }
    let k = k as i32;
    (unscale(k, decimals).to_bits() == v.to_bits()).then_some(k)
}

/// The value an encoded `k` stands for: what the UI and the Rust decoder compute.
pub fn unscale(k: i32, decimals: u8) -> f64 {
    if k == NARROW_GAP {
        f64::NAN
    } else {
        f64::from(k) / POWERS_OF_TEN[usize::from(decimals.min(MAX_DECIMALS))]
    }
}

/// The values as i32s and their decimals, or `None` when some value is not a short decimal.
///
/// One pass finds the decimals: each value raises them until it fits. A value that fits with d
/// decimals fits with more too (its `k` gains a factor of ten and the division is the same
/// rational), until `k` outgrows an i32, which the second pass catches.
pub fn narrow(values: &[f64]) -> Option<(u8, Vec<i32>)> {
    let mut decimals = 0u8;
    for &v in values {
        if v.is_nan() {
            continue;
        }
        while scaled(v, decimals).is_none() {
            if decimals == MAX_DECIMALS {
                return None;
            }
            decimals += 1;
        }
    }
    let ints = values
        .iter()
        .map(|&v| {
            if v.is_nan() {
                Some(NARROW_GAP)
            } else {
                scaled(v, decimals)
            }
        })
        .collect::<Option<Vec<i32>>>()?;
    Some((decimals, ints))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(values: &[f64]) -> Option<(u8, Vec<f64>)> {
        let (decimals, ints) = narrow(values)?;
        Some((
            decimals,
            ints.iter().map(|&k| unscale(k, decimals)).collect(),
        ))
    }

    fn same_bits(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
    }

    #[test]
    fn short_decimals_narrow_with_the_fewest_decimals_and_read_back_exactly() {
        let values: Vec<f64> = ["123.456", "0.1", "0.3", "-42", "550", "0.001", "-0.125"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        let (decimals, back) = roundtrip(&values).unwrap();
        assert_eq!(decimals, 3);
        assert!(same_bits(&values, &back), "{values:?} → {back:?}");
        assert_eq!(narrow(&[1.0, 2.0, 3.0]).unwrap().0, 0, "integers need none");
        assert_eq!(narrow(&[]).unwrap(), (0, vec![]));
    }

    #[test]
    fn nan_travels_as_the_gap_marker() {
        let (decimals, ints) = narrow(&[f64::NAN, 2.5, f64::NAN]).unwrap();
        assert_eq!((decimals, ints), (1, vec![NARROW_GAP, 25, NARROW_GAP]));
        assert!(unscale(NARROW_GAP, 1).is_nan());
    }

    #[test]
    fn what_would_lose_bits_stays_wide() {
        // A rate's 17 significant digits, infinities, negative zero, and a value past ±2^31
        // units at every decimal count.
        for values in [
            vec![1.0, 1.0 / 60.0],
            vec![f64::INFINITY],
            vec![f64::NEG_INFINITY, 1.0],
            vec![-0.0],
            vec![3.0e9],
            vec![2_147_483_648.0],
            vec![-2_147_483_648.0],
        ] {
            assert!(narrow(&values).is_none(), "{values:?} must stay f64");
        }
        // The edges that do fit.
        assert!(narrow(&[2_147_483_647.0, -2_147_483_647.0]).is_some());
    }

    #[test]
    fn a_value_that_needs_more_decimals_than_an_i32_holds_at_that_scale_stays_wide() {
        // 1,000,000 fits with 3 decimals (10^9 units), 0.0001 then needs 4: 10^10 overflows.
        assert!(narrow(&[1_000_000.0, 0.0001]).is_none());
        assert!(narrow(&[100_000.0, 0.0001]).is_some());
    }

    #[test]
    fn every_three_decimal_value_in_a_wide_range_reads_back_bit_for_bit() {
        // As the demo's backfill and many exporters print them: k/1000 for 100,000 ks spread
        // over ±2^31, parsed from text exactly as Prometheus's answer is.
        let mut k: i64 = -2_147_483_000;
        while k < 2_147_483_000 {
            let text = format!("{}.{:03}", k / 1000, (k % 1000).abs());
            let text = if k < 0 && k / 1000 == 0 {
                format!("-{text}")
            } else {
                text
            };
            let v: f64 = text.parse().unwrap();
            let (decimals, ints) = narrow(&[v]).unwrap_or_else(|| panic!("{text} stays wide"));
            assert!(decimals <= 3, "{text}");
            assert_eq!(unscale(ints[0], decimals).to_bits(), v.to_bits(), "{text}");
            k += 42_949;
        }
    }
}
