//! Elasticsearch date math in ranges on the time field: `now-1h`, `now/d`,
//! `2024-05-01||+1M/M`, absolute dates in the formats lines carry, epoch milliseconds.
//!
//! Rounding follows Elasticsearch's range rules: `gte` and `lt` round down to the start of the
//! unit, `gt` and `lte` round up to its last millisecond, so `[now/d TO now/d]` is all of today.

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, TimeZone, Timelike, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    Down,
    Up,
}

/// The epoch milliseconds of `text`, rounding a `/unit` as asked.
pub fn resolve(text: &str, now_ms: i64, rounding: Rounding) -> Option<i64> {
    let text = text.trim();
    let (anchor, math) = if let Some(rest) = text.strip_prefix("now") {
        (Utc.timestamp_millis_opt(now_ms).single()?, rest)
    } else if let Some((date, math)) = text.split_once("||") {
        (absolute(date)?, math)
    } else {
        let at = absolute(text)?.timestamp_millis();
        return Some(match rounding {
            Rounding::Down => at,
            Rounding::Up => at + unwritten_precision_ms(text),
        });
    };
    apply(anchor, math, rounding).map(|at| at.timestamp_millis())
}

/// Rounding up fills what the date leaves out, as Elasticsearch's round-up parser does:
/// `2024-05-01` up is the day's last millisecond, `2024-05-01 10:00:00` up is `10:00:00.999`.
fn unwritten_precision_ms(text: &str) -> i64 {
    if text.bytes().all(|b| b.is_ascii_digit()) || text.contains('.') || text.contains(',') {
        0
    } else if text.len() == 10 {
        86_400_000 - 1
    } else {
        999
    }
}

fn absolute(text: &str) -> Option<DateTime<Utc>> {
    if let Some(ms) = crate::timeparse::parse_text(text, &crate::timeparse::UTC) {
        return Utc.timestamp_millis_opt(ms).single();
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
}

fn apply(mut at: DateTime<Utc>, math: &str, rounding: Rounding) -> Option<DateTime<Utc>> {
    let bytes = math.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let op = bytes[i];
        i += 1;
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let amount: i64 = if start == i {
            1
        } else {
            math[start..i].parse().ok()?
        };
        let unit = *bytes.get(i)? as char;
        i += 1;
        at = match op {
            b'+' => shift(at, amount, unit)?,
            b'-' => shift(at, -amount, unit)?,
            b'/' => round(at, unit, rounding)?,
            _ => return None,
        };
    }
    Some(at)
}

fn shift(at: DateTime<Utc>, amount: i64, unit: char) -> Option<DateTime<Utc>> {
    let months = |n: i64| {
        if n >= 0 {
            at.checked_add_months(Months::new(n as u32))
        } else {
            at.checked_sub_months(Months::new((-n) as u32))
        }
    };
    match unit {
        'y' => months(amount * 12),
        'M' => months(amount),
        'w' => Some(at + Duration::weeks(amount)),
        'd' => Some(at + Duration::days(amount)),
        'h' | 'H' => Some(at + Duration::hours(amount)),
        'm' => Some(at + Duration::minutes(amount)),
        's' => Some(at + Duration::seconds(amount)),
        _ => None,
    }
}

fn round(at: DateTime<Utc>, unit: char, rounding: Rounding) -> Option<DateTime<Utc>> {
    let date = at.date_naive();
    let start = match unit {
        'y' => NaiveDate::from_ymd_opt(at.year(), 1, 1)?.and_hms_opt(0, 0, 0)?,
        'M' => NaiveDate::from_ymd_opt(at.year(), at.month(), 1)?.and_hms_opt(0, 0, 0)?,
        'w' => (date - Duration::days(i64::from(at.weekday().num_days_from_monday())))
            .and_hms_opt(0, 0, 0)?,
        'd' => date.and_hms_opt(0, 0, 0)?,
        'h' | 'H' => date.and_hms_opt(at.hour(), 0, 0)?,
        'm' => date.and_hms_opt(at.hour(), at.minute(), 0)?,
        's' => date.and_hms_opt(at.hour(), at.minute(), at.second())?,
        _ => return None,
    }
    .and_utc();
    Some(match rounding {
        Rounding::Down => start,
        Rounding::Up => shift(start, 1, unit)? - Duration::milliseconds(1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_714_557_723_456; // 2024-05-01T10:02:03.456Z

    #[test]
    fn relative_and_rounded() {
        assert_eq!(resolve("now", NOW, Rounding::Down), Some(NOW));
        assert_eq!(
            resolve("now-1h", NOW, Rounding::Down),
            Some(NOW - 3_600_000)
        );
        assert_eq!(resolve("now-15m", NOW, Rounding::Down), Some(NOW - 900_000));
        assert_eq!(
            resolve("now/d", NOW, Rounding::Down),
            Some(1_714_521_600_000)
        );
        assert_eq!(
            resolve("now/d", NOW, Rounding::Up),
            Some(1_714_521_600_000 + 86_400_000 - 1)
        );
        assert_eq!(
            resolve("now-1d/d", NOW, Rounding::Down),
            Some(1_714_521_600_000 - 86_400_000)
        );
        assert_eq!(
            resolve("now/M", NOW, Rounding::Down),
            Some(1_714_521_600_000)
        );
        assert_eq!(
            resolve("now+1M", NOW, Rounding::Down),
            Some(NOW + 31 * 86_400_000)
        );
        assert_eq!(resolve("now-1x", NOW, Rounding::Down), None);
    }

    #[test]
    fn rounding_up_fills_the_unwritten_precision() {
        assert_eq!(
            resolve("2024-05-01 10:00:00", NOW, Rounding::Up),
            Some(1_714_557_600_999)
        );
        assert_eq!(
            resolve("2024-05-01", NOW, Rounding::Up),
            Some(1_714_608_000_000 - 1)
        );
        assert_eq!(
            resolve("2024-05-01 10:00:00.5", NOW, Rounding::Up),
            Some(1_714_557_600_500)
        );
        assert_eq!(
            resolve("1714557600000", NOW, Rounding::Up),
            Some(1_714_557_600_000)
        );
    }

    #[test]
    fn absolute_dates() {
        assert_eq!(
            resolve("2024-05-01 10:00:00", NOW, Rounding::Down),
            Some(1_714_557_600_000)
        );
        assert_eq!(
            resolve("2024-05-01", NOW, Rounding::Down),
            Some(1_714_521_600_000)
        );
        assert_eq!(
            resolve("2024-05-01T10:00:00Z", NOW, Rounding::Down),
            Some(1_714_557_600_000)
        );
        assert_eq!(
            resolve("1714557600000", NOW, Rounding::Down),
            Some(1_714_557_600_000)
        );
        assert_eq!(
            resolve("2024-05-01||+1d", NOW, Rounding::Down),
            Some(1_714_608_000_000)
        );
        assert_eq!(resolve("garbage", NOW, Rounding::Down), None);
    }
}
