//! Each line's time.
//!
//! JSON lines: the configured field, or the first of [`CANDIDATE_FIELDS`] that parses. Values
//! may be the seed's `%Y-%m-%d %H:%M:%S` (optionally with a fraction), RFC 3339 / ISO 8601, or
//! epoch milliseconds (a number or a string of digits). A time without a zone is UTC — what
//! Elasticsearch assumes for the seed's `yyyy-MM-dd HH:mm:ss` date format, so both sources put
//! a line in the same histogram bucket. Plain lines: a leading timestamp in the same formats,
//! optionally in `[...]`, then optionally a level word (`ERROR`, `[WARN]`, `info:`).
//!
//! The seed's format is parsed by hand on the hot path (it is most of the input); anything else
//! goes through chrono.

use crate::document::Leaf;
use chrono::{DateTime, NaiveDate};

/// Tried in order when no time field is configured.
pub const CANDIDATE_FIELDS: &[&str] =
    &["@timestamp", "timestamp", "time", "ts", "datetime", "date"];

const LEVELS: &[&str] = &[
    "TRACE", "DEBUG", "INFO", "NOTICE", "WARN", "WARNING", "ERROR", "CRITICAL", "FATAL",
];

/// The time leaf's path and epoch milliseconds.
pub fn find_time(leaves: &[(String, Leaf<'_>)], field: Option<&str>) -> Option<(String, i64)> {
    let parse_at = |name: &str| {
        leaves
            .iter()
            .find(|(path, _)| path == name)
            .and_then(|(path, leaf)| leaf_time(leaf).map(|ms| (path.clone(), ms)))
    };
    match field {
        Some(name) => parse_at(name),
        None => CANDIDATE_FIELDS.iter().find_map(|name| parse_at(name)),
    }
}

pub(crate) fn leaf_time(leaf: &Leaf<'_>) -> Option<i64> {
    match leaf {
        Leaf::Str(text) => parse_text(text.trim()),
        Leaf::Int(ms) => Some(*ms),
        Leaf::Float(ms) => Some(*ms as i64),
        Leaf::Bool(_) => None,
    }
}

/// A time value's epoch milliseconds.
pub fn parse_text(text: &str) -> Option<i64> {
    if let Some((ms, used)) = parse_prefix(text)
        && used == text.len()
    {
        return Some(ms);
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.timestamp_millis());
    }
    if !text.is_empty() && text.len() <= 15 && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().ok();
    }
    None
}

fn digits(bytes: &[u8], at: usize, n: usize) -> Option<u32> {
    let slice = bytes.get(at..at + n)?;
    slice.iter().try_fold(0u32, |acc, b| {
        b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
    })
}

/// `YYYY-MM-DD[ T]HH:MM:SS[.fff][Z|±HH:MM|±HHMM]` at the start of `text`: (ms, bytes used).
pub fn parse_prefix(text: &str) -> Option<(i64, usize)> {
    let b = text.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !(b[10] == b' ' || b[10] == b'T') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let date =
        NaiveDate::from_ymd_opt(digits(b, 0, 4)? as i32, digits(b, 5, 2)?, digits(b, 8, 2)?)?;
    let time = date.and_hms_opt(digits(b, 11, 2)?, digits(b, 14, 2)?, digits(b, 17, 2)?)?;
    let mut ms = time.and_utc().timestamp_millis();
    let mut at = 19;
    if at < b.len() && (b[at] == b'.' || b[at] == b',') {
        let start = at + 1;
        let mut end = start;
        while end < b.len() && b[end].is_ascii_digit() {
            end += 1;
        }
        if end == start {
            return None;
        }
        let frac = &text[start..end.min(start + 3)];
        let scale = [100, 10, 1][frac.len() - 1];
        ms += i64::from(frac.parse::<u32>().ok()?) * scale;
        at = end;
    }
    if at < b.len() {
        match b[at] {
            b'Z' => at += 1,
            b'+' | b'-' => {
                let hours = digits(b, at + 1, 2)?;
                let (minutes, used) = if b.get(at + 3) == Some(&b':') {
                    (digits(b, at + 4, 2)?, 6)
                } else {
                    (
                        digits(b, at + 3, 2).unwrap_or(0),
                        if digits(b, at + 3, 2).is_some() { 5 } else { 3 },
                    )
                };
                let offset = i64::from(hours * 60 + minutes) * 60_000;
                ms += if b[at] == b'+' { -offset } else { offset };
                at += used;
            }
            _ => {}
        }
    }
    Some((ms, at))
}

/// A plain line's leading timestamp and level word.
pub fn leading_time_and_level(text: &str) -> (Option<i64>, Option<&str>) {
    let start = text.trim_start();
    let (inner, bracketed) = match start.strip_prefix('[') {
        Some(rest) => (rest, true),
        None => (start, false),
    };
    let Some((ms, used)) = parse_prefix(inner) else {
        return (None, None);
    };
    let mut rest = &inner[used..];
    if bracketed {
        match rest.strip_prefix(']') {
            Some(after) => rest = after,
            None => return (Some(ms), None),
        }
    }
    let word = rest
        .trim_start()
        .split(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("")
        .trim_matches(|c| matches!(c, '[' | ']' | ':' | '(' | ')'));
    let level = LEVELS
        .iter()
        .find(|level| level.eq_ignore_ascii_case(word))
        .copied();
    (Some(ms), level)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_714_557_600_000; // 2024-05-01T10:00:00Z

    #[test]
    fn the_seeds_format_is_utc() {
        assert_eq!(parse_text("2024-05-01 10:00:00"), Some(T));
        assert_eq!(parse_text("2024-05-01 10:00:00.25"), Some(T + 250));
        assert_eq!(parse_text("2024-05-01T10:00:00Z"), Some(T));
        assert_eq!(parse_text("2024-05-01T19:00:00+09:00"), Some(T));
        assert_eq!(parse_text("2024-05-01T05:30:00-0430"), Some(T));
        assert_eq!(parse_text("2024-05-01T10:00:00.123456789Z"), Some(T + 123));
        assert_eq!(parse_text("1714557600000"), Some(T));
        assert_eq!(parse_text("2024-13-01 10:00:00"), None);
        assert_eq!(parse_text("yesterday"), None);
        assert_eq!(parse_text("2024-05-01 10:00:00 trailing"), None);
    }

    #[test]
    fn json_time_from_the_configured_field_or_candidates() {
        let leaves = vec![
            ("timestamp".to_string(), Leaf::Str("2024-05-01 10:00:00")),
            ("ts".to_string(), Leaf::Int(5)),
        ];
        assert_eq!(find_time(&leaves, None), Some(("timestamp".into(), T)));
        assert_eq!(find_time(&leaves, Some("ts")), Some(("ts".into(), 5)));
        assert_eq!(find_time(&leaves, Some("missing")), None);
        let bad = vec![("timestamp".to_string(), Leaf::Str("soon"))];
        assert_eq!(find_time(&bad, None), None);
    }

    #[test]
    fn plain_lines_with_a_leading_time_and_level() {
        assert_eq!(
            leading_time_and_level("2024-05-01 10:00:00 ERROR boom"),
            (Some(T), Some("ERROR"))
        );
        assert_eq!(
            leading_time_and_level("[2024-05-01T10:00:00Z] [warn] x"),
            (Some(T), Some("WARN"))
        );
        assert_eq!(
            leading_time_and_level("2024-05-01 10:00:00,5 info: x"),
            (Some(T + 500), Some("INFO"))
        );
        assert_eq!(
            leading_time_and_level("2024-05-01 10:00:00 hello"),
            (Some(T), None)
        );
        assert_eq!(leading_time_and_level("no time here"), (None, None));
    }
}
