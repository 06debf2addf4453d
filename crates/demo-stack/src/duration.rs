//! Durations written the way Prometheus and Alertmanager configs write them.
//!
//! Their parser takes `ms`, `s`, `m`, `h`, ...; we pick the largest unit that divides evenly
//! so the spec's values render as the spec writes them (`5m`, `4h`, not `300s`).

use std::time::Duration;

pub(crate) fn prometheus_duration(duration: Duration) -> String {
    let millis = duration.as_millis();
    if millis == 0 {
        return "0s".to_owned();
    }
    const UNITS: [(u128, &str); 4] = [(3_600_000, "h"), (60_000, "m"), (1_000, "s"), (1, "ms")];
    UNITS
        .into_iter()
        .find(|(size, _)| millis.is_multiple_of(*size))
        .map(|(size, unit)| format!("{}{unit}", millis / size))
        .unwrap_or_else(|| format!("{millis}ms"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_largest_even_unit() {
        let cases = [
            (Duration::from_secs(15), "15s"),
            (Duration::from_secs(30), "30s"),
            (Duration::from_secs(300), "5m"),
            (Duration::from_secs(4 * 3600), "4h"),
            (Duration::from_secs(90), "90s"),
            (Duration::from_millis(1500), "1500ms"),
            (Duration::ZERO, "0s"),
        ];
        for (duration, expected) in cases {
            assert_eq!(prometheus_duration(duration), expected);
        }
    }
}
