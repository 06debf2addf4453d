-- One row per time an alert was active: from when it started until Hinomi saw it resolve.
-- An alert that fires, resolves and fires again has two rows. Times are RFC 3339 UTC with
-- milliseconds, so they sort as text.
CREATE TABLE alert_episodes (
    id            INTEGER PRIMARY KEY,
    fingerprint   TEXT NOT NULL,
    alertname     TEXT NOT NULL,
    severity      TEXT NOT NULL,
    labels        TEXT NOT NULL, -- JSON object
    annotations   TEXT NOT NULL, -- JSON object
    state         TEXT NOT NULL, -- last state seen: pending, firing, silenced, inhibited
    sources       TEXT NOT NULL, -- JSON array of datasource ids
    started_at    TEXT NOT NULL, -- when the alert became active, as its source said
    first_seen_at TEXT NOT NULL, -- when Hinomi first saw it
    updated_at    TEXT NOT NULL,
    resolved_at   TEXT           -- NULL while still active
);

-- At most one open episode per alert; also the lookup when an alert changes or resolves.
CREATE UNIQUE INDEX alert_episodes_open ON alert_episodes (fingerprint) WHERE resolved_at IS NULL;
CREATE INDEX alert_episodes_by_start ON alert_episodes (started_at);
CREATE INDEX alert_episodes_by_fingerprint ON alert_episodes (fingerprint, started_at);
