//! Interval strings as Grafana and Prometheus write them (`15s`, `1m30s`, `500ms`, `>10s`), and
//! Grafana's table of "nice" query steps.

/// Seconds in a Grafana/Prometheus duration. Accepts compound forms (`1h30m`), the units
/// `ms s m h d w y` (and `M` for 30 days, as Grafana's interval strings allow), and the `>`
/// prefix Grafana uses for "at least". A bare number is seconds.
pub fn parse_seconds(text: &str) -> Option<f64> {
    let text = text.trim().trim_start_matches('>').trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(seconds) = text.parse::<f64>() {
        return (seconds >= 0.0).then_some(seconds);
    }
    let mut total = 0.0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if digits == 0 {
            return None;
        }
        let amount: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let unit = match &rest[..unit_len] {
            "ms" => 0.001,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3_600.0,
            "d" => 86_400.0,
            "w" => 604_800.0,
            "M" => 2_592_000.0,
            "y" => 31_536_000.0,
            _ => return None,
        };
        total += amount * unit;
        rest = &rest[unit_len..];
    }
    Some(total)
}

/// Writes seconds as the shortest exact duration PromQL accepts: `1m`, `90s`, `500ms`.
///
/// Grafana's own `secondsToHms` keeps only the largest unit (90 s becomes `1m`), which can make
/// `[$__interval]` shorter than the step; an exact value cannot.
pub fn format_seconds(seconds: f64) -> String {
    let ms = (seconds * 1000.0).round().max(0.0) as u64;
    const UNITS: [(u64, &str); 6] = [
        (31_536_000_000, "y"),
        (604_800_000, "w"),
        (86_400_000, "d"),
        (3_600_000, "h"),
        (60_000, "m"),
        (1_000, "s"),
    ];
    if ms == 0 {
        return "0s".into();
    }
    for (unit_ms, name) in UNITS {
        if ms.is_multiple_of(unit_ms) {
            return format!("{}{name}", ms / unit_ms);
        }
    }
    format!("{ms}ms")
}

/// Grafana's `roundInterval`: snaps a raw step (milliseconds) to a human-friendly one.
pub fn round_interval_ms(interval_ms: f64) -> f64 {
    const STEPS: [(f64, f64); 28] = [
        (15.0, 10.0),
        (35.0, 20.0),
        (75.0, 50.0),
        (150.0, 100.0),
        (350.0, 200.0),
        (750.0, 500.0),
        (1_500.0, 1_000.0),
        (3_500.0, 2_000.0),
        (7_500.0, 5_000.0),
        (12_500.0, 10_000.0),
        (17_500.0, 15_000.0),
        (25_000.0, 20_000.0),
        (45_000.0, 30_000.0),
        (90_000.0, 60_000.0),
        (210_000.0, 120_000.0),
        (450_000.0, 300_000.0),
        (750_000.0, 600_000.0),
        (1_050_000.0, 900_000.0),
        (1_500_000.0, 1_200_000.0),
        (2_700_000.0, 1_800_000.0),
        (5_400_000.0, 3_600_000.0),
        (9_000_000.0, 7_200_000.0),
        (16_200_000.0, 10_800_000.0),
        (32_400_000.0, 21_600_000.0),
        (86_400_000.0, 43_200_000.0),
        (604_800_000.0, 86_400_000.0),
        (1_814_400_000.0, 604_800_000.0),
        (3_628_800_000.0, 2_592_000_000.0),
    ];
    STEPS
        .iter()
        .find(|(below, _)| interval_ms < *below)
        .map_or(31_536_000_000.0, |(_, step)| *step)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_simple_compound_and_prefixed() {
        assert_eq!(parse_seconds("15s"), Some(15.0));
        assert_eq!(parse_seconds("1m30s"), Some(90.0));
        assert_eq!(parse_seconds("500ms"), Some(0.5));
        assert_eq!(parse_seconds(">10s"), Some(10.0));
        assert_eq!(parse_seconds("2h"), Some(7_200.0));
        assert_eq!(parse_seconds("1d"), Some(86_400.0));
        assert_eq!(parse_seconds("30"), Some(30.0));
        assert_eq!(parse_seconds(""), None);
        assert_eq!(parse_seconds("$interval"), None);
        assert_eq!(parse_seconds("5x"), None);
    }

    #[test]
    fn formats_exactly() {
        assert_eq!(format_seconds(60.0), "1m");
        assert_eq!(format_seconds(90.0), "90s");
        assert_eq!(format_seconds(0.5), "500ms");
        assert_eq!(format_seconds(3_600.0), "1h");
        assert_eq!(format_seconds(86_400.0 * 7.0), "1w");
    }

    #[test]
    fn rounds_like_grafana() {
        assert_eq!(round_interval_ms(21_600_000.0 / 1_000.0), 20_000.0);
        assert_eq!(round_interval_ms(86_400_000.0 / 1_000.0), 60_000.0);
        assert_eq!(round_interval_ms(14.0), 10.0);
        assert_eq!(round_interval_ms(5_000_000_000.0), 31_536_000_000.0);
    }
}
