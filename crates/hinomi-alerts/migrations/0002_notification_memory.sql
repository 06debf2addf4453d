-- What the desktop notification planner must remember over a restart (groups told, what they
-- covered, acknowledgements, snoozes): one JSON document, replaced whole when it changes.
CREATE TABLE notification_memory (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    memory   TEXT NOT NULL, -- JSON, see hinomi_alerts::notify::PlannerMemory
    saved_at TEXT NOT NULL
);
