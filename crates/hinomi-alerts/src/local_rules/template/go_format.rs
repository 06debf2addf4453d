//! Numbers as Go and Prometheus print them: Go's `%v` and `%g` for a float64, and the
//! template functions `humanize`, `humanize1024`, `humanizeDuration`. Kept apart from the
//! template engine so the engine reads as parsing and evaluating, and these as Go's rules.

fn special(v: f64) -> Option<String> {
    if v.is_nan() {
        Some("NaN".into())
    } else if v.is_infinite() {
        Some(if v > 0.0 { "+Inf" } else { "-Inf" }.into())
    } else {
        None
    }
}

/// Go's `%v` for a float64: shortest digits, exponent form below 1e-4 and from 1e6.
pub fn go_float(v: f64) -> String {
    if let Some(text) = special(v) {
        return text;
    }
    let scientific = format!("{v:e}");
    let (mantissa, exp) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..6).contains(&exp) {
        go_exponent(mantissa, exp)
    } else {
        format!("{v}")
    }
}

fn go_exponent(mantissa: &str, exp: i32) -> String {
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exp.abs())
}

/// Go's `%.<precision>g`.
pub fn go_g(v: f64, precision: usize) -> String {
    if let Some(text) = special(v) {
        return text;
    }
    if v == 0.0 {
        return if v.is_sign_negative() { "-0" } else { "0" }.into();
    }
    let scientific = format!("{:.*e}", precision - 1, v);
    let (mantissa, exp) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_end_matches('0');
    let significant = i32::try_from(digits.len().max(1)).unwrap_or(i32::MAX);
    let decimal_point = exp + 1;
    let mut exponent_from = i32::try_from(precision).unwrap_or(i32::MAX);
    if exponent_from > significant && significant >= decimal_point {
        exponent_from = significant;
    }
    if exp < -4 || exp >= exponent_from {
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        return go_exponent(mantissa, exp);
    }
    let decimals = usize::try_from((significant - decimal_point).max(0)).unwrap_or(0);
    format!("{v:.decimals$}")
}

/// Prometheus's `humanize`: SI prefixes, four significant digits.
pub fn humanize(v: f64) -> String {
    if v == 0.0 || v.is_nan() || v.is_infinite() {
        return go_g(v, 4);
    }
    let mut v = v;
    let mut prefix = "";
    if v.abs() >= 1.0 {
        for p in ["k", "M", "G", "T", "P", "E", "Z", "Y"] {
            if v.abs() < 1000.0 {
                break;
            }
            prefix = p;
            v /= 1000.0;
        }
    } else {
        for p in ["m", "u", "n", "p", "f", "a", "z", "y"] {
            if v.abs() >= 1.0 {
                break;
            }
            prefix = p;
            v *= 1000.0;
        }
    }
    format!("{}{prefix}", go_g(v, 4))
}

pub(super) fn humanize_1024(v: f64) -> String {
    if v.abs() <= 1.0 || v.is_nan() || v.is_infinite() {
        return go_g(v, 4);
    }
    let mut v = v;
    let mut prefix = "";
    for p in ["ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"] {
        if v.abs() < 1024.0 {
            break;
        }
        prefix = p;
        v /= 1024.0;
    }
    format!("{}{prefix}", go_g(v, 4))
}

pub(super) fn humanize_duration(v: f64) -> String {
    if v.is_nan() || v.is_infinite() {
        return go_g(v, 4);
    }
    if v == 0.0 {
        return format!("{}s", go_g(v, 4));
    }
    if v.abs() >= 1.0 {
        let sign = if v < 0.0 { "-" } else { "" };
        let v = v.abs();
        // Whole seconds, as Go's int64 conversion truncates.
        #[allow(clippy::cast_possible_truncation)]
        let total = v as i64;
        let (days, hours, minutes, seconds) = (
            total / 86_400,
            (total / 3600) % 24,
            (total / 60) % 60,
            total % 60,
        );
        return if days != 0 {
            format!("{sign}{days}d {hours}h {minutes}m {seconds}s")
        } else if hours != 0 {
            format!("{sign}{hours}h {minutes}m {seconds}s")
        } else if minutes != 0 {
            format!("{sign}{minutes}m {seconds}s")
        } else {
            format!("{sign}{}s", go_g(v, 4))
        };
    }
    let mut v = v;
    let mut prefix = "";
    for p in ["m", "u", "n", "p", "f", "a", "z", "y"] {
        if v.abs() >= 1.0 {
            break;
        }
        prefix = p;
        v *= 1000.0;
    }
    format!("{}{prefix}s", go_g(v, 4))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_g_formatting() {
        assert_eq!(go_g(1234567.0, 4), "1.235e+06");
        assert_eq!(go_g(100.0, 4), "100");
        assert_eq!(go_g(0.000123456, 4), "0.0001235");
        assert_eq!(go_g(0.0000123, 4), "1.23e-05");
        assert_eq!(go_g(f64::INFINITY, 4), "+Inf");
    }
}
