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
    let x = v * power;
    // Rounds to an i32 inside (gap, i32::MAX]; also refuses ±Inf and NaN, whose comparisons
    // are false.
    if !(x > f64::from(NARROW_GAP) + 0.5 && x < f64::from(i32::MAX) + 0.5) {
        return None;
    }
    // Half away from zero by truncating x ± 0.5, as `f64::round` would: that is a libm call on
    // the baseline x86-64 target, paid once per value. Where x is not within a hair of an
    // integer, no k passes the check below, whichever way it rounded.
    let k = (x + 0.5f64.copysign(x)) as i32;
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
/// One pass: each value raises the decimals until it fits, and a raise multiplies the integers
/// already written by the same power of ten. That is exact: a value that is `k / 10^d` bit for
/// bit is `10k / 10^(d+1)` too (the same rational, correctly rounded to the same double), so
/// the integers are those a second pass at the final decimals would compute, and an integer
/// that outgrows an i32 there makes the column wide just as it would. A raise is rare (at most
/// [`MAX_DECIMALS`] per series). With the rounding below, dropping the second pass took the
/// big query's encode from ~20 ms to ~15 ms (docs/benchmarks.md).
pub fn narrow(values: &[f64]) -> Option<(u8, Vec<i32>)> {
    let mut decimals = 0u8;
    let mut ints = Vec::with_capacity(values.len());
    for &v in values {
        if v.is_nan() {
            ints.push(NARROW_GAP);
            continue;
        }
        let k = loop {
            if let Some(k) = scaled(v, decimals) {
                break k;
            }
            if decimals == MAX_DECIMALS {
                return None;
            }
            decimals += 1;
            times_ten(&mut ints)?;
        };
        ints.push(k);
    }
    Some((decimals, ints))
}

/// Every integer but the gap times ten, or `None` when one outgrows an i32. (No product is
/// the gap: `i32::MIN` is not a multiple of ten.)
fn times_ten(ints: &mut [i32]) -> Option<()> {
    for k in ints.iter_mut().filter(|k| **k != NARROW_GAP) {
        *k = k.checked_mul(10)?;
    }
    Some(())
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

    /// The column as two passes compute it: the decimals every value needs, then each value
    /// scaled at them. The one-pass `narrow` must agree with it on every input.
    fn two_pass_reference(values: &[f64]) -> Option<(u8, Vec<i32>)> {
        let mut decimals = 0u8;
        for &v in values.iter().filter(|v| !v.is_nan()) {
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

    #[test]
    fn a_later_value_with_more_decimals_rescales_the_integers_before_it() {
        let values = [1.5, f64::NAN, -2.25, 7.0, 0.125, 3.0];
        let (decimals, ints) = narrow(&values).unwrap();
        assert_eq!(decimals, 3);
        assert_eq!(ints, vec![1500, NARROW_GAP, -2250, 7000, 125, 3000]);
        assert_eq!(narrow(&values), two_pass_reference(&values));
    }

    /// A deterministic pseudo-random sequence (xorshift64), so a failure is reproducible.
    fn xorshift(seed: u64) -> impl FnMut() -> u64 {
        let mut state = seed;
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        }
    }

    #[test]
    fn one_pass_agrees_with_two_passes_on_mixed_columns() {
        // Deterministic pseudo-random columns mixing integers, short decimals of every length,
        // gaps, long rates and values near the i32 edges at each scale, in random order.
        let mut next = xorshift(0x9E37_79B9_7F4A_7C15);
        let mut narrowed = 0;
        for _ in 0..20_000 {
            let len = (next() % 12) as usize;
            let values: Vec<f64> = (0..len)
                .map(|_| {
                    let r = next();
                    let decimals = (r % 11) as i32; // 10: past MAX_DECIMALS
                    let magnitude =
                        [9u64, 999, 99_999, 2_147_483_647, 21_474_836_470][(r >> 8) as usize % 5];
                    let k = (next() % (magnitude + 1)) as f64 * if r & 1 == 0 { 1.0 } else { -1.0 };
                    match (r >> 16) % 16 {
                        0 => f64::NAN,
                        1 => 1.0 / 3.0,
                        _ => format!("{}", k / 10f64.powi(decimals)).parse().unwrap(),
                    }
                })
                .collect();
            let got = narrow(&values);
            assert_eq!(got, two_pass_reference(&values), "{values:?}");
            narrowed += usize::from(got.is_some());
        }
        // Both outcomes are exercised, not only one.
        assert!(
            narrowed > 2_000 && narrowed < 18_000,
            "{narrowed} of 20,000 narrowed"
        );
    }

    #[test]
    fn scaled_rounds_as_f64_round_would() {
        // `scaled` rounds by truncating x ± 0.5 instead of calling `f64::round`. The two differ
        // only just below a half (0.49999999999999994 + 0.5 is 1.0), where no k passes the
        // bit-exact check either way; this pins that they accept the same k everywhere, ties
        // and the i32 edges included.
        fn by_libm(v: f64, decimals: u8) -> Option<i32> {
            let x = v * POWERS_OF_TEN[usize::from(decimals)];
            if !(x > f64::from(NARROW_GAP) + 0.5 && x < f64::from(i32::MAX) + 0.5) {
                return None;
            }
            let k = x.round() as i32;
            (unscale(k, decimals).to_bits() == v.to_bits()).then_some(k)
        }
        let awkward = [
            0.0,
            -0.0,
            0.5,
            -0.5,
            0.499_999_999_999_999_94,
            -0.499_999_999_999_999_94,
            2.5,
            1.0 / 3.0,
            f64::from(i32::MAX),
            f64::from(i32::MAX) + 0.5,
            f64::from(NARROW_GAP),
            f64::from(NARROW_GAP) + 1.0,
            f64::from(NARROW_GAP) + 0.5,
            f64::NAN,
            f64::INFINITY,
            f64::MIN_POSITIVE,
        ];
        let mut next = xorshift(0x2545_F491_4F6C_DD1D);
        // Near-integers at each scale: k/10^d nudged by a few ulps either way.
        let nudged = (0..50_000).map(|_| {
            let r = next();
            let v = ((r >> 20) % 4_294_967_296) as f64 - 2_147_483_648.0;
            let v = v / 10f64.powi((r % 10) as i32);
            let ulps = (r >> 4) % 7;
            f64::from_bits(if r & 8 == 0 {
                v.to_bits() + ulps
            } else {
                v.to_bits().saturating_sub(ulps)
            })
        });
        let mut accepted = 0;
        for v in awkward.into_iter().chain(nudged) {
            for decimals in 0..=MAX_DECIMALS {
                let got = scaled(v, decimals);
                assert_eq!(got, by_libm(v, decimals), "{v:e} at {decimals} decimals");
                accepted += usize::from(got.is_some());
            }
        }
        assert!(
            accepted > 5_000,
            "only {accepted} values were accepted: the test probes too little"
        );
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
