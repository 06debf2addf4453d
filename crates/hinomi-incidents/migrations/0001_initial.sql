-- Schema version 1: incidents, their people, status history, timeline, evidence, postmortems
-- and the response-target warnings already raised.
--
-- Times are Unix milliseconds (INTEGER) so they sort and compare without parsing.
-- Ids that leave this laptop in an export (uid, timeline, evidence, action items...) are UUIDs;
-- the human incident id (INC-YYYYMMDD-NNN) is only unique on this laptop.

CREATE TABLE incidents (
    id                 TEXT    PRIMARY KEY,
    uid                TEXT    NOT NULL UNIQUE,
    title              TEXT    NOT NULL,
    description        TEXT    NOT NULL DEFAULT '',
    severity           TEXT    NOT NULL CHECK (severity IN ('P0', 'P1', 'P2', 'P3')),
    status             TEXT    NOT NULL CHECK (status IN ('detected', 'assessed', 'assigned',
                           'investigating', 'mitigated', 'resolved', 'reported', 'closed')),
    commander          TEXT,
    labels_json        TEXT    NOT NULL DEFAULT '{}',
    detected_at_ms     INTEGER NOT NULL,
    acknowledged_at_ms INTEGER,
    created_at_ms      INTEGER NOT NULL,
    -- When the fields above last changed (not when a note was added): imports merge by it.
    updated_at_ms      INTEGER NOT NULL
) STRICT;

CREATE INDEX incidents_by_status ON incidents (status, detected_at_ms);

CREATE TABLE incident_assignees (
    incident_id TEXT    NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    position    INTEGER NOT NULL,
    PRIMARY KEY (incident_id, name)
) STRICT;

CREATE TABLE status_transitions (
    id          TEXT    PRIMARY KEY,
    incident_id TEXT    NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    from_status TEXT,
    to_status   TEXT    NOT NULL,
    at_ms       INTEGER NOT NULL,
    actor       TEXT
) STRICT;

CREATE INDEX status_transitions_by_incident ON status_transitions (incident_id, at_ms);

CREATE TABLE evidence (
    id             TEXT    PRIMARY KEY,
    incident_id    TEXT    NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    kind           TEXT    NOT NULL CHECK (kind IN ('metric', 'logs', 'alert')),
    title          TEXT    NOT NULL,
    captured_at_ms INTEGER NOT NULL,
    pinned_by      TEXT,
    -- The whole snapshot (series, lines or alert) as JSON: evidence is data, not a link.
    data_json      TEXT    NOT NULL
) STRICT;

CREATE INDEX evidence_by_incident ON evidence (incident_id, captured_at_ms);

CREATE TABLE timeline_entries (
    -- Local insertion order: the tie-breaker that makes keyset paging stable.
    seq            INTEGER PRIMARY KEY,
    id             TEXT    NOT NULL UNIQUE,
    incident_id    TEXT    NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    occurred_at_ms INTEGER NOT NULL,
    recorded_at_ms INTEGER NOT NULL,
    author         TEXT,
    kind           TEXT    NOT NULL,
    evidence_id    TEXT    REFERENCES evidence (id) ON DELETE SET NULL,
    event_json     TEXT    NOT NULL
) STRICT;

CREATE INDEX timeline_entries_page ON timeline_entries (incident_id, occurred_at_ms, seq);

CREATE TABLE postmortems (
    incident_id        TEXT    PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE,
    summary            TEXT    NOT NULL DEFAULT '',
    impact             TEXT    NOT NULL DEFAULT '',
    root_cause         TEXT    NOT NULL DEFAULT '',
    timeline_narrative TEXT    NOT NULL DEFAULT '',
    updated_at_ms      INTEGER NOT NULL
) STRICT;

CREATE TABLE action_items (
    id            TEXT    PRIMARY KEY,
    incident_id   TEXT    NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    description   TEXT    NOT NULL,
    owner         TEXT    NOT NULL DEFAULT '',
    due_date      TEXT,
    status        TEXT    NOT NULL CHECK (status IN ('open', 'in_progress', 'done')),
    updated_at_ms INTEGER NOT NULL
) STRICT;

CREATE INDEX action_items_by_incident ON action_items (incident_id, position);

CREATE TABLE monitoring_improvements (
    id            TEXT    PRIMARY KEY,
    incident_id   TEXT    NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    description   TEXT    NOT NULL,
    rule_yaml     TEXT    NOT NULL DEFAULT '',
    updated_at_ms INTEGER NOT NULL
) STRICT;

CREATE INDEX monitoring_improvements_by_incident ON monitoring_improvements (incident_id, position);

-- Per laptop, never exported: which response-target warnings this machine already raised.
-- Keyed by severity too, so raising an incident's severity warns again against the new target.
CREATE TABLE notified_thresholds (
    incident_id    TEXT    NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    severity       TEXT    NOT NULL,
    percent        INTEGER NOT NULL,
    notified_at_ms INTEGER NOT NULL,
    PRIMARY KEY (incident_id, severity, percent)
) STRICT;
