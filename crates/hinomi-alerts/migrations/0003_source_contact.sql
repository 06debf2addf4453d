-- When each alert source last answered, so that after a restart with the source unreachable the
-- board can say "last known at HH:MM" for the alerts restored from the open episodes, instead of
-- showing them as freshly confirmed.
CREATE TABLE source_contact (
    datasource_id TEXT PRIMARY KEY,
    last_success  TEXT NOT NULL -- RFC 3339, UTC, fixed width
);
