//! Grafana's relative time (`now-6h`, `now/d`, `now-1d/d`) resolved against a given "now", so
//! callers pass their clock and tests pass a fixed instant.

use crate::error::{DashboardError, Result, TimeProblem};
use crate::model::TimeRangeSpec;
use chrono::{
    DateTime, Datelike, Duration, FixedOffset, Months, NaiveDate, NaiveDateTime, TimeZone, Utc,
};
use serde::{Deserialize, Serialize};
use specta::Type;

/// An absolute time range in Unix milliseconds (f64: exact for any real date, and a plain
/// `number` in TypeScript).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Type)]
pub struct TimeWindow {
    pub from_ms: f64,
    pub to_ms: f64,
}

impl TimeWindow {
    pub fn range_ms(&self) -> f64 {
        (self.to_ms - self.from_ms).max(0.0)
    }

    pub fn range_seconds(&self) -> f64 {
        self.range_ms() / 1000.0
    }
}

/// Resolves a dashboard time range. `offset` is the user's time zone, which decides where
/// `now/d` starts; Monday starts a week.
pub fn resolve(
    spec: &TimeRangeSpec,
    now: DateTime<Utc>,
    offset: FixedOffset,
) -> Result<TimeWindow> {
    let from = parse_point(&spec.from, now, offset, false)?;
    let to = parse_point(&spec.to, now, offset, true)?;
    if to < from {
        return Err(DashboardError::InvalidTime {
            text: format!("{} to {}", spec.from, spec.to),
            reason: TimeProblem::EndsBeforeStart,
        });
    }
    Ok(TimeWindow {
        from_ms: from.timestamp_millis() as f64,
        to_ms: to.timestamp_millis() as f64,
    })
}

/// One end of a range. `round_up` makes `/d` mean the end of the day, as it does for `to`.
pub fn parse_point(
    text: &str,
    now: DateTime<Utc>,
    offset: FixedOffset,
    round_up: bool,
) -> Result<DateTime<Utc>> {
    let invalid = |reason: TimeProblem| DashboardError::InvalidTime {
        text: text.to_owned(),
        reason,
    };
    let trimmed = text.trim();
    let (anchor, ops) = if let Some(ops) = trimmed.strip_prefix("now") {
        (now.with_timezone(&offset), ops)
    } else {
        let (absolute, ops) = trimmed.split_once("||").unwrap_or((trimmed, ""));
        (
            parse_absolute(absolute, offset).ok_or_else(|| invalid(TimeProblem::NotNowNorDate))?,
            ops,
        )
    };
    let mut at = anchor;
    let mut rest = ops;
    while let Some(op) = rest.chars().next() {
        rest = &rest[op.len_utf8()..];
        match op {
            '/' => {
                let unit = rest
                    .chars()
                    .next()
                    .ok_or_else(|| invalid(TimeProblem::SlashNeedsUnit))?;
                rest = &rest[unit.len_utf8()..];
                at = round(at, unit, round_up)
                    .ok_or_else(|| invalid(TimeProblem::UnknownUnitAfterSlash))?;
            }
            '+' | '-' => {
                let digits = rest
                    .find(|c: char| !c.is_ascii_digit())
                    .unwrap_or(rest.len());
                // Grafana reads `now-d` as one day.
                let amount: i64 = if digits == 0 {
                    1
                } else {
                    rest[..digits]
                        .parse()
                        .map_err(|_| invalid(TimeProblem::NumberTooLarge))?
                };
                rest = &rest[digits..];
                let unit = rest
                    .chars()
                    .next()
                    .ok_or_else(|| invalid(TimeProblem::MissingUnit))?;
                rest = &rest[unit.len_utf8()..];
                let signed = if op == '-' { -amount } else { amount };
                at = shift(at, signed, unit)
                    .ok_or_else(|| invalid(TimeProblem::UnknownUnitOrOutOfRange))?;
            }
            _ => return Err(invalid(TimeProblem::ExpectedOperator)),
        }
    }
    Ok(at.with_timezone(&Utc))
}

fn parse_absolute(text: &str, offset: FixedOffset) -> Option<DateTime<FixedOffset>> {
    // Grafana's URLs and some dashboards carry epoch milliseconds.
    if let Ok(ms) = text.parse::<i64>() {
        return offset.timestamp_millis_opt(ms).single();
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&offset));
    }
    let naive = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()?
                .and_hms_opt(0, 0, 0)
        })?;
    offset.from_local_datetime(&naive).single()
}

fn shift(at: DateTime<FixedOffset>, amount: i64, unit: char) -> Option<DateTime<FixedOffset>> {
    let months = |n: i64| -> Option<DateTime<FixedOffset>> {
        let m = Months::new(u32::try_from(n.unsigned_abs()).ok()?);
        if n >= 0 {
            at.checked_add_months(m)
        } else {
            at.checked_sub_months(m)
        }
    };
    let seconds =
        |per: i64| at.checked_add_signed(Duration::try_seconds(amount.checked_mul(per)?)?);
    match unit {
        's' => seconds(1),
        'm' => seconds(60),
        'h' => seconds(3_600),
        'd' => seconds(86_400),
        'w' => seconds(604_800),
        'M' => months(amount),
        'y' => months(amount.checked_mul(12)?),
        _ => None,
    }
}

/// Start of the unit containing `at`, or the last millisecond of it when rounding up.
fn round(at: DateTime<FixedOffset>, unit: char, round_up: bool) -> Option<DateTime<FixedOffset>> {
    let tz = at.timezone();
    let date = at.date_naive();
    let midnight = |d: NaiveDate| tz.from_local_datetime(&d.and_hms_opt(0, 0, 0)?).single();
    let (start, next) = match unit {
        's' | 'm' | 'h' => {
            let step = match unit {
                's' => 1,
                'm' => 60,
                _ => 3_600,
            };
            let local = at.naive_local().and_utc().timestamp();
            let start_local = local - local.rem_euclid(step);
            let start = tz
                .from_local_datetime(&DateTime::from_timestamp(start_local, 0)?.naive_utc())
                .single()?;
            (start, start + Duration::seconds(step))
        }
        'd' => {
            let start = midnight(date)?;
            (start, midnight(date.succ_opt()?)?)
        }
        'w' => {
            let monday = date - Duration::days(i64::from(date.weekday().num_days_from_monday()));
            (midnight(monday)?, midnight(monday + Duration::days(7))?)
        }
        'M' => {
            let first = date.with_day(1)?;
            (
                midnight(first)?,
                midnight(first.checked_add_months(Months::new(1))?)?,
            )
        }
        'y' => {
            let first = NaiveDate::from_ymd_opt(date.year(), 1, 1)?;
            (
                midnight(first)?,
                midnight(NaiveDate::from_ymd_opt(date.year() + 1, 1, 1)?)?,
            )
        }
        _ => return None,
    };
    Some(if round_up {
        next - Duration::milliseconds(1)
    } else {
        start
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        // A Wednesday.
        DateTime::parse_from_rfc3339("2026-11-25T13:47:12.345Z")
            .unwrap()
            .to_utc()
    }

    fn at(text: &str, up: bool) -> String {
        parse_point(text, now(), FixedOffset::east_opt(0).unwrap(), up)
            .unwrap()
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    }

    #[test]
    fn relative_offsets() {
        assert_eq!(at("now", false), "2026-11-25T13:47:12.345Z");
        assert_eq!(at("now-6h", false), "2026-11-25T07:47:12.345Z");
        assert_eq!(at("now-d", false), "2026-11-24T13:47:12.345Z");
        assert_eq!(at("now-2M", false), "2026-09-25T13:47:12.345Z");
        assert_eq!(at("now+30m", false), "2026-11-25T14:17:12.345Z");
    }

    #[test]
    fn rounding_down_and_up() {
        assert_eq!(at("now/d", false), "2026-11-25T00:00:00.000Z");
        assert_eq!(at("now/d", true), "2026-11-25T23:59:59.999Z");
        assert_eq!(at("now-1d/d", false), "2026-11-24T00:00:00.000Z");
        assert_eq!(at("now/w", false), "2026-11-23T00:00:00.000Z");
        assert_eq!(at("now/M", true), "2026-11-30T23:59:59.999Z");
        assert_eq!(at("now/y", false), "2026-01-01T00:00:00.000Z");
        assert_eq!(at("now/h", false), "2026-11-25T13:00:00.000Z");
    }

    #[test]
    fn day_boundaries_follow_the_given_time_zone() {
        let tokyo = FixedOffset::east_opt(9 * 3600).unwrap();
        let start = parse_point("now/d", now(), tokyo, false).unwrap();
        // 13:47 UTC is 22:47 in Tokyo; the Tokyo day began at 15:00 UTC the day before.
        assert_eq!(start.to_rfc3339(), "2026-11-24T15:00:00+00:00");
    }

    #[test]
    fn absolute_times() {
        assert_eq!(
            at("2026-01-02T03:04:05Z", false),
            "2026-01-02T03:04:05.000Z"
        );
        assert_eq!(at("1767225600000", false), "2026-01-01T00:00:00.000Z");
        assert_eq!(at("2026-01-02 10:00:00", false), "2026-01-02T10:00:00.000Z");
    }

    #[test]
    fn resolves_a_range_and_rejects_nonsense() {
        let offset = FixedOffset::east_opt(0).unwrap();
        let spec = TimeRangeSpec {
            from: "now-1h".into(),
            to: "now".into(),
        };
        let window = resolve(&spec, now(), offset).unwrap();
        assert_eq!(window.range_ms(), 3_600_000.0);
        for bad in ["yesterday", "now-5q", "now/", "now*2"] {
            assert!(parse_point(bad, now(), offset, false).is_err(), "{bad}");
        }
        let backwards = TimeRangeSpec {
            from: "now".into(),
            to: "now-1h".into(),
        };
        assert!(resolve(&backwards, now(), offset).is_err());
    }
}
