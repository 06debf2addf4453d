//! Queries on the `alert_episodes` table.

use super::AlertEpisode;
use crate::alert::{Alert, AlertState, Severity};
use crate::changes::{AlertChange, ChangeKind};
use crate::ingest::Snapshot;
use chrono::DateTime;
use rusqlite::{Connection, Transaction, params};

const COLUMNS: &str = "fingerprint, alertname, severity, labels, annotations, state, sources, \
                       started_at, first_seen_at, resolved_at";

/// A row as stored; decoded separately so a damaged row is reported, not a panic.
pub(super) struct Row {
    fingerprint: String,
    alertname: String,
    severity: String,
    labels: String,
    annotations: String,
    state: String,
    sources: String,
    started_at: String,
    first_seen_at: String,
    resolved_at: Option<String>,
}

impl Row {
    fn read(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            fingerprint: row.get(0)?,
            alertname: row.get(1)?,
            severity: row.get(2)?,
            labels: row.get(3)?,
            annotations: row.get(4)?,
            state: row.get(5)?,
            sources: row.get(6)?,
            started_at: row.get(7)?,
            first_seen_at: row.get(8)?,
            resolved_at: row.get(9)?,
        })
    }

    pub(super) fn into_episode(self) -> Result<AlertEpisode, String> {
        let time = |text: &str| {
            DateTime::parse_from_rfc3339(text)
                .map(|at| at.to_utc())
                .map_err(|err| format!("{}: time {text:?}: {err}", self.fingerprint))
        };
        let json_err =
            |what: &str, err: serde_json::Error| format!("{}: {what}: {err}", self.fingerprint);
        Ok(AlertEpisode {
            alertname: self.alertname.clone(),
            severity: Severity::parse(&self.severity),
            labels: serde_json::from_str(&self.labels).map_err(|err| json_err("labels", err))?,
            annotations: serde_json::from_str(&self.annotations)
                .map_err(|err| json_err("annotations", err))?,
            state: AlertState::parse(&self.state)
                .ok_or_else(|| format!("{}: unknown state {:?}", self.fingerprint, self.state))?,
            sources: serde_json::from_str(&self.sources).map_err(|err| json_err("sources", err))?,
            started_at: time(&self.started_at)?,
            first_seen_at: time(&self.first_seen_at)?,
            resolved_at: self.resolved_at.as_deref().map(time).transpose()?,
            fingerprint: self.fingerprint,
        })
    }
}

pub(super) fn apply_changes(
    tx: &Transaction<'_>,
    changes: &[AlertChange],
    current: &Snapshot,
    now: &str,
) -> rusqlite::Result<()> {
    let mut update = tx.prepare_cached(
        "UPDATE alert_episodes SET state = ?2, annotations = ?3, sources = ?4, updated_at = ?5 \
         WHERE fingerprint = ?1 AND resolved_at IS NULL",
    )?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO alert_episodes (fingerprint, alertname, severity, labels, annotations, \
         state, sources, started_at, first_seen_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
    )?;
    let mut resolve = tx.prepare_cached(
        "UPDATE alert_episodes SET resolved_at = ?2, updated_at = ?2 \
         WHERE fingerprint = ?1 AND resolved_at IS NULL",
    )?;
    for change in changes {
        if change.kind == ChangeKind::Resolved {
            resolve.execute(params![change.fingerprint, now])?;
            continue;
        }
        let Some(alert) = current.get(&change.fingerprint) else {
            continue;
        };
        let annotations = to_json(&alert.annotations);
        let sources = to_json(&alert.sources);
        let updated = update.execute(params![
            alert.fingerprint,
            alert.state.as_str(),
            annotations,
            sources,
            now
        ])?;
        if updated == 0 {
            insert.execute(params![
                alert.fingerprint,
                alert.alertname(),
                alert.severity.as_str(),
                to_json(&alert.labels),
                annotations,
                alert.state.as_str(),
                sources,
                started_at(alert, now),
                now
            ])?;
        }
    }
    Ok(())
}

fn started_at(alert: &Alert, now: &str) -> String {
    alert
        .active_since
        .map_or_else(|| now.to_owned(), super::timestamp)
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    // Maps of strings and plain enums always serialise.
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

fn query(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> rusqlite::Result<Vec<Row>> {
    let mut statement = conn.prepare_cached(sql)?;
    let rows = statement.query_map(params, Row::read)?;
    rows.collect()
}

pub(super) fn open(conn: &Connection) -> rusqlite::Result<Vec<Row>> {
    query(
        conn,
        &format!("SELECT {COLUMNS} FROM alert_episodes WHERE resolved_at IS NULL ORDER BY id"),
        [],
    )
}

pub(super) fn active_since(
    conn: &Connection,
    since: &str,
    limit: u32,
) -> rusqlite::Result<Vec<Row>> {
    query(
        conn,
        &format!(
            "SELECT {COLUMNS} FROM alert_episodes \
             WHERE resolved_at IS NULL OR resolved_at >= ?1 \
             ORDER BY started_at DESC, id DESC LIMIT ?2"
        ),
        params![since, limit],
    )
}

pub(super) fn of_alert(conn: &Connection, fingerprint: &str) -> rusqlite::Result<Vec<Row>> {
    query(
        conn,
        &format!(
            "SELECT {COLUMNS} FROM alert_episodes WHERE fingerprint = ?1 ORDER BY started_at, id"
        ),
        params![fingerprint],
    )
}

pub(super) fn delete_resolved_before(
    tx: &Transaction<'_>,
    before: &str,
) -> rusqlite::Result<usize> {
    tx.execute(
        "DELETE FROM alert_episodes WHERE resolved_at IS NOT NULL AND resolved_at < ?1",
        params![before],
    )
}
