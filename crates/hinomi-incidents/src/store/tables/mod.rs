//! One query module per table. Functions take a `&Connection` (a transaction derefs to one) so
//! the caller decides the transaction; none of them opens its own.

pub mod action_items;
pub mod assignees;
pub mod evidence;
pub mod improvements;
pub mod incidents;
pub mod notified_thresholds;
pub mod postmortems;
pub mod timeline;
pub mod transitions;

use chrono::{DateTime, Utc};
use rusqlite::types::{FromSqlError, Type};

pub fn to_millis(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

pub fn from_millis(column: usize, millis: i64) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::from_timestamp_millis(millis).ok_or(rusqlite::Error::FromSqlConversionFailure(
        column,
        Type::Integer,
        Box::new(FromSqlError::OutOfRange(millis)),
    ))
}

pub fn truncate_to_millis(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(at.timestamp_millis()).unwrap_or(at)
}

/// Reads a column holding one of our enum names (`P1`, `investigating`...).
pub fn parse_column<T>(column: usize, text: &str) -> rusqlite::Result<T>
where
    T: std::str::FromStr<Err = String>,
{
    text.parse().map_err(|message: String| {
        rusqlite::Error::FromSqlConversionFailure(column, Type::Text, message.into())
    })
}

/// Decodes a JSON column; a failure names the column instead of panicking.
pub fn json_column<T: serde::de::DeserializeOwned>(
    column: usize,
    text: &str,
) -> rusqlite::Result<T> {
    serde_json::from_str(text)
        .map_err(|err| rusqlite::Error::FromSqlConversionFailure(column, Type::Text, Box::new(err)))
}

pub fn to_json<T: serde::Serialize>(value: &T) -> rusqlite::Result<String> {
    serde_json::to_string(value)
        .map_err(|err| rusqlite::Error::ToSqlConversionFailure(Box::new(err)))
}
