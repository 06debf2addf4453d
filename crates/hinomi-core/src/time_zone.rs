//! The time-zone setting of sources whose times may lack a zone (local log files): one reading
//! for the settings check and the index, so both accept the same words.

use crate::texts::user_lang::say;
use jiff::tz::{Offset, TimeZone};

/// This computer's zone (`TZ`, else `/etc/localtime`); UTC when it cannot be told.
pub fn machine() -> TimeZone {
    TimeZone::try_system().unwrap_or(TimeZone::UTC)
}

/// `""` is this computer's zone; otherwise `UTC`, an offset (`+09:00`, `-0430`, `+9`) or an
/// IANA name (`Asia/Tokyo`) from the system's time-zone database.
pub fn from_setting(setting: &str) -> Result<TimeZone, String> {
    let setting = setting.trim();
    if setting.is_empty() {
        return Ok(machine());
    }
    if let Some(seconds) = parse_offset(setting) {
        return Offset::from_seconds(seconds)
            .map(TimeZone::fixed)
            .map_err(|err| {
                say(
                    format!("The offset {setting} is out of range: {err}"),
                    format!("オフセット {setting} は範囲外です: {err}"),
                )
            });
    }
    TimeZone::get(setting).map_err(|_| {
        say(
            format!(
                "\"{setting}\" is not a time zone: use UTC, an offset such as +09:00, or a name \
                 such as Asia/Tokyo (empty means this computer's zone)."
            ),
            format!(
                "「{setting}」はタイムゾーンではありません。UTC、+09:00 のようなオフセット、\
                 または Asia/Tokyo のような名前を指定してください（空欄はこのコンピューターのタイムゾーンです）。"
            ),
        )
    })
}

/// A zone's name for people and cache keys: `Europe/Berlin`, `UTC`, `+09:00`.
pub fn name(zone: &TimeZone) -> String {
    if let Some(name) = zone.iana_name() {
        return name.to_owned();
    }
    match zone.to_fixed_offset() {
        Ok(offset) => offset.to_string(),
        // A zone from a TZ string or file without a name: its rules stand for it.
        Err(_) => format!("{zone:?}"),
    }
}

/// `Z`, `+09:00`, `-0430`, `+9`: seconds east of UTC, up to ±18:00 as in Java's `ZoneOffset`.
fn parse_offset(text: &str) -> Option<i32> {
    if text.eq_ignore_ascii_case("z") {
        return Some(0);
    }
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let (hours, minutes) = match rest.split_once(':') {
        Some(parts) => parts,
        None if rest.len() == 4 => rest.split_at(2),
        None => (rest, "0"),
    };
    let two_digits =
        |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !two_digits(hours) || !two_digits(minutes) {
        return None;
    }
    let (hours, minutes): (i32, i32) = (hours.parse().ok()?, minutes.parse().ok()?);
    (hours <= 18 && minutes < 60).then_some(sign * (hours * 3600 + minutes * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_offsets_and_utc() {
        assert_eq!(name(&from_setting("Asia/Tokyo").unwrap()), "Asia/Tokyo");
        assert_eq!(name(&from_setting(" UTC ").unwrap()), "UTC");
        assert_eq!(name(&from_setting("+09:00").unwrap()), "+09");
        assert_eq!(name(&from_setting("-0430").unwrap()), "-04:30");
        assert_eq!(name(&from_setting("+9").unwrap()), "+09");
    }

    #[test]
    fn the_machine_zone_follows_tz() {
        // The empty setting is whatever `machine()` says; both read the same `TZ`.
        assert_eq!(from_setting("").unwrap(), machine());
    }

    #[test]
    fn words_that_are_not_zones_are_refused_with_the_accepted_forms() {
        for bad in ["Mars/Olympus", "+26:00", "+09:75", "9", "JST-ish"] {
            let err = from_setting(bad).unwrap_err();
            assert!(err.contains(bad) && err.contains("+09:00"), "{bad}: {err}");
        }
    }
}
