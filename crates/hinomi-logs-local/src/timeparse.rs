//! Each line's time.
//!
//! JSON lines: the configured field, or the first of [`CANDIDATE_FIELDS`] that parses. Values
//! may be the seed's `%Y-%m-%d %H:%M:%S` (optionally with a fraction), RFC 3339 / ISO 8601, or
//! epoch milliseconds (a number or a string of digits). A time without a zone is read in the
//! source's [`LineZone`]: by default this machine's zone, because the seed's API (and most
//! services) write local wall time, and a laptop reading its own logs should place them where
//! they happened. A source fed to Elasticsearch the way Elasticsearch reads the seed's
//! `yyyy-MM-dd HH:mm:ss` format (as UTC) can be set to UTC, and the differential test does so.
//! Plain lines: a leading timestamp in the same formats,
//! optionally in `[...]`, then optionally a level word (`ERROR`, `[WARN]`, `info:`).
//!
//! The seed's format is parsed by hand on the hot path (it is most of the input); anything else
//! goes through chrono.

use crate::document::Leaf;
use chrono::{DateTime, NaiveDate};
use jiff::tz::TimeZone;
use std::sync::atomic::{AtomicU64, Ordering};

/// The zone a time without one is read in.
///
/// Converting a wall time through a zone with daylight saving costs a rule lookup; lines come
/// in time order, so the offset of the last wall-clock hour is remembered (transitions fall on
/// whole hours in every zone in use). The cache is one atomic word so a zone can be shared.
#[derive(Debug)]
pub struct LineZone {
    zone: TimeZone,
    /// `(wall hour since the epoch) << 20 | (offset minutes + 2^19)`; `u64::MAX` when empty.
    last_hour: AtomicU64,
}

const NO_HOUR: u64 = u64::MAX;
const OFFSET_BITS: u32 = 20;
const OFFSET_BIAS: i64 = 1 << 19;
const HOUR_MS: i64 = 3_600_000;

/// For times that must not depend on a source: query-bar dates, which Elasticsearch reads as
/// UTC when no `time_zone` is sent (Hinomi's Elasticsearch client sends none).
pub static UTC: LineZone = LineZone::utc();

impl LineZone {
    pub const fn utc() -> Self {
        Self {
            zone: TimeZone::UTC,
            last_hour: AtomicU64::new(NO_HOUR),
        }
    }

    /// This machine's zone (`TZ`, else `/etc/localtime`); UTC when it cannot be told.
    pub fn machine() -> Self {
        Self::of(hinomi_core::time_zone::machine())
    }

    /// A datasource's `time_zone` setting, as [`hinomi_core::time_zone::from_setting`] reads it.
    pub fn parse(setting: &str) -> Result<Self, String> {
        hinomi_core::time_zone::from_setting(setting).map(Self::of)
    }

    fn of(zone: TimeZone) -> Self {
        Self {
            zone,
            last_hour: AtomicU64::new(NO_HOUR),
        }
    }

    /// The zone's name (`Europe/Berlin`, `UTC`, `+09:00`).
    pub fn name(&self) -> String {
        hinomi_core::time_zone::name(&self.zone)
    }

    /// Epoch milliseconds of a wall time given as if it were UTC. A wall time that occurs
    /// twice (clocks set back) is the earlier; one skipped (clocks set forward) is read with
    /// the offset before the gap, as `date` and Java do.
    pub fn wall_to_utc(&self, wall_ms: i64) -> i64 {
        let hour = wall_ms.div_euclid(HOUR_MS);
        let cached = self.last_hour.load(Ordering::Relaxed);
        if cached != NO_HOUR && (cached >> OFFSET_BITS) as i64 == hour {
            let offset_min = (cached & ((1 << OFFSET_BITS) - 1)) as i64 - OFFSET_BIAS;
            return wall_ms - offset_min * 60_000;
        }
        let Some(offset_s) = self.offset_at_wall(wall_ms) else {
            return wall_ms;
        };
        let offset_min = i64::from(offset_s) / 60;
        // Offsets with seconds (before 1900 in some zones) are not cached: they do not pack.
        if (0..1 << (64 - OFFSET_BITS - 1)).contains(&hour) && offset_s % 60 == 0 {
            let packed = ((hour as u64) << OFFSET_BITS) | (offset_min + OFFSET_BIAS) as u64;
            self.last_hour.store(packed, Ordering::Relaxed);
        }
        wall_ms - i64::from(offset_s) * 1000
    }

    /// The offset in effect at a wall time, or `None` outside jiff's range.
    fn offset_at_wall(&self, wall_ms: i64) -> Option<i32> {
        use jiff::tz::AmbiguousOffset;
        let wall = jiff::Timestamp::from_millisecond(wall_ms).ok()?;
        let civil = jiff::tz::Offset::UTC.to_datetime(wall);
        let offset = match self.zone.to_ambiguous_timestamp(civil).offset() {
            AmbiguousOffset::Unambiguous { offset } => offset,
            AmbiguousOffset::Fold { before, .. } | AmbiguousOffset::Gap { before, .. } => before,
        };
        Some(offset.seconds())
    }
}

impl Clone for LineZone {
    fn clone(&self) -> Self {
        Self::of(self.zone.clone())
    }
}

impl PartialEq for LineZone {
    fn eq(&self, other: &Self) -> bool {
        self.zone == other.zone
    }
}

/// Tried in order when no time field is configured.
pub const CANDIDATE_FIELDS: &[&str] =
    &["@timestamp", "timestamp", "time", "ts", "datetime", "date"];

const LEVELS: &[&str] = &[
    "TRACE", "DEBUG", "INFO", "NOTICE", "WARN", "WARNING", "ERROR", "CRITICAL", "FATAL",
];

/// The time leaf's path and epoch milliseconds.
pub fn find_time(
    leaves: &[(String, Leaf<'_>)],
    field: Option<&str>,
    zone: &LineZone,
) -> Option<(String, i64)> {
    let parse_at = |name: &str| {
        leaves
            .iter()
            .find(|(path, _)| path == name)
            .and_then(|(path, leaf)| leaf_time(leaf, zone).map(|ms| (path.clone(), ms)))
    };
    match field {
        Some(name) => parse_at(name),
        None => CANDIDATE_FIELDS.iter().find_map(|name| parse_at(name)),
    }
}

pub(crate) fn leaf_time(leaf: &Leaf<'_>, zone: &LineZone) -> Option<i64> {
    match leaf {
        Leaf::Str(text) => parse_text(text.trim(), zone),
        Leaf::Int(ms) => Some(*ms),
        Leaf::Float(ms) => Some(*ms as i64),
        Leaf::Bool(_) => None,
    }
}

/// A time value's epoch milliseconds; a wall time without a zone is read in `zone`.
pub fn parse_text(text: &str, zone: &LineZone) -> Option<i64> {
    if let Some((ms, used)) = parse_prefix(text, zone)
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
/// Without `Z` or an offset, the wall time is read in `zone`.
pub fn parse_prefix(text: &str, zone: &LineZone) -> Option<(i64, usize)> {
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
    // Wall time as if UTC until the zone is known.
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
            b'Z' => return Some((ms, at + 1)),
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
                return Some((ms, at));
            }
            _ => {}
        }
    }
    Some((zone.wall_to_utc(ms), at))
}

/// A plain line's leading timestamp and level word.
pub fn leading_time_and_level<'a>(
    text: &'a str,
    zone: &LineZone,
) -> (Option<i64>, Option<&'a str>) {
    let start = text.trim_start();
    let (inner, bracketed) = match start.strip_prefix('[') {
        Some(rest) => (rest, true),
        None => (start, false),
    };
    let Some((ms, used)) = parse_prefix(inner, zone) else {
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
    fn the_seeds_format_read_as_utc() {
        assert_eq!(parse_text("2024-05-01 10:00:00", &UTC), Some(T));
        assert_eq!(parse_text("2024-05-01 10:00:00.25", &UTC), Some(T + 250));
        assert_eq!(parse_text("2024-05-01T10:00:00Z", &UTC), Some(T));
        assert_eq!(parse_text("2024-05-01T19:00:00+09:00", &UTC), Some(T));
        assert_eq!(parse_text("2024-05-01T05:30:00-0430", &UTC), Some(T));
        assert_eq!(
            parse_text("2024-05-01T10:00:00.123456789Z", &UTC),
            Some(T + 123)
        );
        assert_eq!(parse_text("1714557600000", &UTC), Some(T));
        assert_eq!(parse_text("2024-13-01 10:00:00", &UTC), None);
        assert_eq!(parse_text("yesterday", &UTC), None);
        assert_eq!(parse_text("2024-05-01 10:00:00 trailing", &UTC), None);
    }

    #[test]
    fn json_time_from_the_configured_field_or_candidates() {
        let leaves = vec![
            ("timestamp".to_string(), Leaf::Str("2024-05-01 10:00:00")),
            ("ts".to_string(), Leaf::Int(5)),
        ];
        assert_eq!(
            find_time(&leaves, None, &UTC),
            Some(("timestamp".into(), T))
        );
        assert_eq!(find_time(&leaves, Some("ts"), &UTC), Some(("ts".into(), 5)));
        assert_eq!(find_time(&leaves, Some("missing"), &UTC), None);
        let bad = vec![("timestamp".to_string(), Leaf::Str("soon"))];
        assert_eq!(find_time(&bad, None, &UTC), None);
    }

    #[test]
    fn plain_lines_with_a_leading_time_and_level() {
        assert_eq!(
            leading_time_and_level("2024-05-01 10:00:00 ERROR boom", &UTC),
            (Some(T), Some("ERROR"))
        );
        assert_eq!(
            leading_time_and_level("[2024-05-01T10:00:00Z] [warn] x", &UTC),
            (Some(T), Some("WARN"))
        );
        assert_eq!(
            leading_time_and_level("2024-05-01 10:00:00,5 info: x", &UTC),
            (Some(T + 500), Some("INFO"))
        );
        assert_eq!(
            leading_time_and_level("2024-05-01 10:00:00 hello", &UTC),
            (Some(T), None)
        );
        assert_eq!(leading_time_and_level("no time here", &UTC), (None, None));
    }

    #[test]
    fn wall_times_are_read_in_the_sources_zone_and_explicit_zones_win() {
        let tokyo = LineZone::parse("Asia/Tokyo").unwrap();
        assert_eq!(parse_text("2024-05-01 19:00:00", &tokyo), Some(T));
        assert_eq!(parse_text("2024-05-01 19:00:00.5", &tokyo), Some(T + 500));
        // A zone in the text is the truth, whatever the source's zone.
        assert_eq!(parse_text("2024-05-01T10:00:00Z", &tokyo), Some(T));
        assert_eq!(parse_text("2024-05-01T12:00:00+02:00", &tokyo), Some(T));
        assert_eq!(parse_text("1714557600000", &tokyo), Some(T));
        assert_eq!(
            leading_time_and_level("2024-05-01 19:00:00 WARN x", &tokyo),
            (Some(T), Some("WARN"))
        );
        let fixed = LineZone::parse("-04:30").unwrap();
        assert_eq!(parse_text("2024-05-01 05:30:00", &fixed), Some(T));
    }

    #[test]
    fn daylight_saving_changes_mid_file() {
        // Europe/Berlin: 2024-03-31 02:00 CET jumps to 03:00 CEST; 2024-10-27 03:00 CEST falls
        // back to 02:00 CET. Lines in order across both, through the one-hour cache.
        let berlin = LineZone::parse("Europe/Berlin").unwrap();
        let utc = |text: &str| parse_text(text, &UTC).unwrap();
        let at = |text: &str| parse_text(text, &berlin).unwrap();
        assert_eq!(at("2024-03-31 01:59:59"), utc("2024-03-31 00:59:59"));
        // Skipped wall time: read with the offset before the gap, like `date` and Java.
        assert_eq!(at("2024-03-31 02:30:00"), utc("2024-03-31 01:30:00"));
        assert_eq!(at("2024-03-31 03:00:00"), utc("2024-03-31 01:00:00"));
        assert_eq!(at("2024-03-31 03:30:00"), utc("2024-03-31 01:30:00"));
        // Summer, then the repeated hour (the earlier one), then winter.
        assert_eq!(at("2024-07-01 12:00:00"), utc("2024-07-01 10:00:00"));
        assert_eq!(at("2024-10-27 02:30:00"), utc("2024-10-27 00:30:00"));
        assert_eq!(at("2024-10-27 03:00:00"), utc("2024-10-27 02:00:00"));
        assert_eq!(at("2024-12-01 12:00:00"), utc("2024-12-01 11:00:00"));
        // Back to summer within the same cached hour's neighbourhood: the cache is per hour.
        assert_eq!(at("2024-07-01 12:59:59"), utc("2024-07-01 10:59:59"));
    }

    #[test]
    fn a_shared_zone_gives_the_same_answers_from_several_threads() {
        let berlin = std::sync::Arc::new(LineZone::parse("Europe/Berlin").unwrap());
        let hours: Vec<String> = (0..48)
            .map(|h| format!("2024-10-{:02} {:02}:15:00", 26 + h / 24, h % 24))
            .collect();
        let expected: Vec<i64> = hours
            .iter()
            .map(|text| parse_text(text, &LineZone::parse("Europe/Berlin").unwrap()).unwrap())
            .collect();
        std::thread::scope(|scope| {
            for _ in 0..4 {
                let berlin = berlin.clone();
                let (hours, expected) = (&hours, &expected);
                scope.spawn(move || {
                    for _ in 0..50 {
                        for (text, want) in hours.iter().zip(expected) {
                            assert_eq!(parse_text(text, &berlin), Some(*want), "{text}");
                        }
                    }
                });
            }
        });
    }
}
