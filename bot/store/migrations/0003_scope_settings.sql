-- 0003: settings per community (lesson channels, moderator role, ...) and a log of resets
-- so a moderator's action can be traced later.
CREATE TABLE scope_settings (
    scope      TEXT NOT NULL,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,  -- JSON
    updated_at REAL NOT NULL,
    PRIMARY KEY (scope, key)
) WITHOUT ROWID;

CREATE TABLE resets (
    id        INTEGER PRIMARY KEY,
    scope     TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    lesson_id TEXT,  -- NULL: the whole course
    actor     TEXT NOT NULL,
    reset_at  REAL NOT NULL
);
