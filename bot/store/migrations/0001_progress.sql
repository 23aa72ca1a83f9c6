-- 0001: learners, their progress per lesson, every attempt, and hints/solutions shown.
-- A learner is one person in one scope ("guild:<id>", "dm" or "local"): progress in one
-- community never leaks into another.
CREATE TABLE learners (
    id                INTEGER PRIMARY KEY,
    scope             TEXT NOT NULL,
    user_id           TEXT NOT NULL,
    display_name      TEXT NOT NULL,
    current_lesson_id TEXT,
    created_at        REAL NOT NULL,
    UNIQUE (scope, user_id)
);

-- One row per lesson a learner has touched or earned. Lesson ids are the course's stable
-- ids, not positions, so adding a lesson later never moves or re-locks anything.
-- unlocked_at is NULL when the lesson is open by rule (the first lesson) rather than earned.
CREATE TABLE lesson_progress (
    learner_id           INTEGER NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    lesson_id            TEXT NOT NULL,
    unlocked_at          REAL,
    completed_at         REAL,
    attempts             INTEGER NOT NULL DEFAULT 0,
    failures             INTEGER NOT NULL DEFAULT 0,
    attempts_to_complete INTEGER,
    hints_shown          INTEGER NOT NULL DEFAULT 0,
    solution_shown_at    REAL,
    PRIMARY KEY (learner_id, lesson_id)
) WITHOUT ROWID;

CREATE TABLE attempts (
    id             INTEGER PRIMARY KEY,
    learner_id     INTEGER NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    lesson_id      TEXT NOT NULL,
    created_at     REAL NOT NULL,
    status         TEXT NOT NULL,
    passed         INTEGER NOT NULL CHECK (passed IN (0, 1)),
    checks         TEXT NOT NULL,  -- JSON list of {"name", "passed", "message"}
    metrics        TEXT NOT NULL,  -- JSON object, non-finite floats tagged
    code           TEXT NOT NULL,
    code_truncated INTEGER NOT NULL DEFAULT 0 CHECK (code_truncated IN (0, 1))
);
CREATE INDEX attempts_by_learner_lesson ON attempts (learner_id, lesson_id, id);

CREATE TABLE reveals (
    id         INTEGER PRIMARY KEY,
    learner_id INTEGER NOT NULL REFERENCES learners (id) ON DELETE CASCADE,
    lesson_id  TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('hint', 'solution')),
    tier       INTEGER,
    shown_at   REAL NOT NULL
);
CREATE INDEX reveals_by_learner_lesson ON reveals (learner_id, lesson_id);
