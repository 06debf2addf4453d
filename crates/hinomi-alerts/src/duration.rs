//! Prometheus durations (`30s`, `5m`, `1h30m`, `1d`), as written in rule files and Alertmanager
//! routes.
//!
//! Parsed exactly as Prometheus does (units largest first, each at most once, `ms` the smallest)
//! so a rule file Hinomi accepts is one Prometheus accepts, and the error text is the one
//! `promtool` prints.

use std::time::Duration;

const UNITS: [(&str, u64); 7] = [
    ("y", 365 * 24 * 3600 * 1000),
    ("w", 7 * 24 * 3600 * 1000),
    ("d", 24 * 3600 * 1000),
    ("h", 3600 * 1000),
    ("m", 60 * 1000),
    ("s", 1000),
    ("ms", 1),
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid duration string: {0:?}")]
pub struct DurationError(pub String);

pub fn parse_duration(text: &str) -> Result<Duration, DurationError> {
    let invalid = || DurationError(text.to_owned());
    if text == "0" {
        return Ok(Duration::ZERO);
    }
    if text.is_empty() {
        return Err(invalid());
    }
    let mut rest = text;
    let mut next_unit = 0;
    let mut millis: u64 = 0;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(invalid());
        }
        let number: u64 = rest[..digits].parse().map_err(|_| invalid())?;
        rest = &rest[digits..];
        // "ms" must be tried before "m"; units must come in decreasing order, once each.
        let found = UNITS
            .iter()
            .enumerate()
            .skip(next_unit)
            .filter(|(_, (unit, _))| rest.starts_with(unit))
            .max_by_key(|(_, (unit, _))| unit.len());
        let Some((index, (unit, unit_millis))) = found else {
            return Err(invalid());
        };
        rest = &rest[unit.len()..];
        next_unit = index + 1;
        millis = number
            .checked_mul(*unit_millis)
            .and_then(|part| millis.checked_add(part))
            .ok_or_else(invalid)?;
    }
    Ok(Duration::from_millis(millis))
}

/// The shortest Prometheus spelling: `1h30m`, `0s`, `1500ms` → `1s500ms`.
pub fn format_duration(duration: Duration) -> String {
    let mut millis = u64::try_from(duration.as_millis()).unwrap_or(u64::MAX);
    if millis == 0 {
        return "0s".to_owned();
    }
    let mut out = String::new();
    for (unit, unit_millis) in UNITS {
        if millis >= unit_millis {
            out.push_str(&format!("{}{unit}", millis / unit_millis));
            millis %= unit_millis;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_prometheus_parses() {
        let secs = |s| Duration::from_secs(s);
        assert_eq!(parse_duration("30s"), Ok(secs(30)));
        assert_eq!(parse_duration("5m"), Ok(secs(300)));
        assert_eq!(parse_duration("4h"), Ok(secs(4 * 3600)));
        assert_eq!(parse_duration("1h30m"), Ok(secs(5400)));
        assert_eq!(parse_duration("1d"), Ok(secs(86_400)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert_eq!(parse_duration("0s"), Ok(Duration::ZERO));
        assert_eq!(parse_duration("1m500ms"), Ok(Duration::from_millis(60_500)));
        // Moved from the postmortem rule checker when the two rule-file checkers became one.
        for ok in ["5m", "1h30m", "30s", "100ms", "1d", "2w", "1y"] {
            assert!(parse_duration(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn rejects_what_prometheus_rejects() {
        for bad in [
            "", "5", "5x", "m", "1m1h", "1s1s", "-1m", "1.5h", " 5m", "5m ", "30m1h", "5 m", "5mm",
        ] {
            assert_eq!(
                parse_duration(bad),
                Err(DurationError(bad.to_owned())),
                "{bad:?}"
            );
        }
        assert_eq!(
            DurationError("5x".into()).to_string(),
            r#"not a valid duration string: "5x""#
        );
    }

    #[test]
    fn formats_shortest() {
        assert_eq!(format_duration(Duration::from_secs(5400)), "1h30m");
        assert_eq!(format_duration(Duration::ZERO), "0s");
        assert_eq!(format_duration(Duration::from_millis(1500)), "1s500ms");
        assert_eq!(format_duration(Duration::from_secs(4 * 3600)), "4h");
    }
}
