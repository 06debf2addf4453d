//! Incident ids people can say out loud and file names reports can use.
//!
//! `INC-20261124-003` is the third incident of 24 November 2026 (the date in the store's
//! configured offset, so a team in Tokyo numbers by its own day). Report files are named
//! `INC-20261124-003-high-error-rate`: ASCII only, because report files travel by mail and zip
//! archives, where non-ASCII names are still mangled.

use crate::model::incident::Incident;
use chrono::NaiveDate;

const PREFIX: &str = "INC-";

pub fn format_incident_id(date: NaiveDate, sequence: u32) -> String {
    format!("{PREFIX}{}-{sequence:03}", date.format("%Y%m%d"))
}

/// The `INC-YYYYMMDD-` part shared by all incidents of a day.
pub fn day_prefix(date: NaiveDate) -> String {
    format!("{PREFIX}{}-", date.format("%Y%m%d"))
}

pub fn parse_incident_id(id: &str) -> Option<(NaiveDate, u32)> {
    let rest = id.strip_prefix(PREFIX)?;
    let (date, sequence) = rest.split_once('-')?;
    if date.len() != 8 || !sequence.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let date = NaiveDate::parse_from_str(date, "%Y%m%d").ok()?;
    Some((date, sequence.parse().ok()?))
}

/// `INC-20261124-003` + "HighErrorRate: 高エラー率を検出" → `INC-20261124-003-high-error-rate`.
///
/// Titles with no ASCII words (typical for the seed's Japanese summaries) give just the id:
/// still unique and sortable, and nothing is better than a transliteration guess.
pub fn report_file_stem(incident_id: &str, title: &str) -> String {
    let slug = slugify(title, 48);
    if slug.is_empty() {
        incident_id.to_string()
    } else {
        format!("{incident_id}-{slug}")
    }
}

impl Incident {
    /// The report file stem for this incident: from the title, or, when the title has no ASCII
    /// words (a Japanese summary typed by hand), from the alert name it was created from.
    pub fn report_file_stem(&self) -> String {
        let from_title = report_file_stem(&self.id, &self.title);
        if from_title != self.id {
            return from_title;
        }
        match self.labels.get("alertname") {
            Some(alertname) => report_file_stem(&self.id, alertname),
            None => from_title,
        }
    }
}

/// Lowercase ASCII words joined by `-`; CamelCase is split (`HighErrorRate` → `high-error-rate`)
/// because alert names are CamelCase. Cut at a word boundary to at most `max_len` bytes.
pub fn slugify(text: &str, max_len: usize) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut previous: Option<char> = None;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            let camel_boundary = c.is_ascii_uppercase()
                && previous.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit());
            if camel_boundary && !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            current.push(c.to_ascii_lowercase());
        } else if !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous = Some(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    let mut slug = String::new();
    for word in words {
        let extra = if slug.is_empty() {
            word.len()
        } else {
            word.len() + 1
        };
        if slug.len() + extra > max_len {
            if slug.is_empty() {
                slug.push_str(&word[..max_len.min(word.len())]);
            }
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(&word);
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let id = format_incident_id(date, 3);
        assert_eq!(id, "INC-20261124-003");
        assert_eq!(parse_incident_id(&id), Some((date, 3)));
        assert_eq!(parse_incident_id("INC-20261124-1000"), Some((date, 1000)));
        assert_eq!(parse_incident_id("INC-2026-003"), None);
        assert_eq!(parse_incident_id("BUG-20261124-003"), None);
    }

    #[test]
    fn stems_are_ascii_slugs() {
        assert_eq!(
            report_file_stem("INC-20261124-003", "HighErrorRate: 高エラー率を検出"),
            "INC-20261124-003-high-error-rate"
        );
        assert_eq!(
            report_file_stem("INC-20261124-003", "High error rate on /api/v2 (5xx > 10%)"),
            "INC-20261124-003-high-error-rate-on-api-v2-5xx-10"
        );
    }

    #[test]
    fn japanese_only_titles_fall_back_to_the_id() {
        assert_eq!(
            report_file_stem("INC-20261124-003", "高エラー率を検出"),
            "INC-20261124-003"
        );
    }

    #[test]
    fn long_titles_are_cut_at_a_word() {
        let slug = slugify(&"word ".repeat(40), 48);
        assert!(slug.len() <= 48 && !slug.ends_with('-'), "{slug}");
        assert_eq!(slugify(&"x".repeat(100), 10), "xxxxxxxxxx");
    }
}
