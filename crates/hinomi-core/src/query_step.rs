//! The step of a range query on Prometheus's evaluation grid, which is whole milliseconds.
//!
//! The dashboard planner (`$__interval`, the frame's step) and the Prometheus client (the step it
//! sends, the parts it splits a query into) must name the same grid, so both round here: a
//! fraction of a millisecond rounds up (rounding down could pass Prometheus's 11,000 points for a
//! step chosen as range / 11,000), and a step is never below one millisecond.

use std::time::Duration;

/// `step` in whole milliseconds, a fraction of one rounded up; at least 1.
pub fn whole_milliseconds(step: Duration) -> i64 {
    let ms = step.as_nanos().div_ceil(1_000_000);
    i64::try_from(ms).unwrap_or(i64::MAX).max(1)
}

/// A step given in (float) seconds, in whole milliseconds. The seconds are first taken to the
/// nearest nanosecond, so a product such as 0.7 × 1000 that lands a hair off the millisecond it
/// stands for stays that millisecond. Zero, negative or NaN seconds give 1; too many, `i64::MAX`.
pub fn whole_milliseconds_of_seconds(seconds: f64) -> i64 {
    match Duration::try_from_secs_f64(seconds) {
        Ok(step) => whole_milliseconds(step),
        Err(_) if seconds > 0.0 => i64::MAX,
        Err(_) => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_a_fraction_of_a_millisecond_up_and_never_below_one() {
        assert_eq!(whole_milliseconds(Duration::from_secs(15)), 15_000);
        assert_eq!(
            whole_milliseconds(Duration::from_nanos(1_000_999_999)),
            1_001
        );
        assert_eq!(whole_milliseconds(Duration::from_micros(1_000_100)), 1_001);
        assert_eq!(whole_milliseconds(Duration::from_micros(1_000_000)), 1_000);
        assert_eq!(whole_milliseconds(Duration::ZERO), 1);
        assert_eq!(whole_milliseconds(Duration::from_micros(200)), 1);
    }

    #[test]
    fn float_seconds_keep_the_millisecond_they_stand_for() {
        // 0.7 is 0.69999999999999995559…, and 0.1 + 0.2 is 0.30000000000000004.
        assert_eq!(whole_milliseconds_of_seconds(0.7), 700);
        assert_eq!(whole_milliseconds_of_seconds(0.1 + 0.2), 300);
        assert_eq!(whole_milliseconds_of_seconds(1.001), 1_001);
        assert_eq!(
            whole_milliseconds_of_seconds(14.999_999_999_999_998),
            15_000
        );
        // A real fraction still rounds up.
        assert_eq!(whole_milliseconds_of_seconds(0.0301), 31);
        assert_eq!(whole_milliseconds_of_seconds(86_400.000_5), 86_400_001);
    }

    #[test]
    fn seconds_that_are_no_step_give_the_bounds() {
        assert_eq!(whole_milliseconds_of_seconds(0.0), 1);
        assert_eq!(whole_milliseconds_of_seconds(-3.0), 1);
        assert_eq!(whole_milliseconds_of_seconds(f64::NAN), 1);
        assert_eq!(whole_milliseconds_of_seconds(f64::INFINITY), i64::MAX);
        assert_eq!(whole_milliseconds_of_seconds(1e30), i64::MAX);
    }
}
