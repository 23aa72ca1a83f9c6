-- 0004: one audit log for every moderator action (resets, unlocks, settings changes),
-- replacing the reset-only log of 0003; and each learner's last activity, kept in step
-- with every attempt so the leaderboard can show it without scanning attempts.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    scope      TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL CHECK (action IN ('reset', 'unlock', 'config')),
    user_id    TEXT,            -- the learner acted on; NULL for settings changes
    lesson_id  TEXT,            -- NULL: the whole course, or not about a lesson
    detail     TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL
);
CREATE INDEX audit_log_by_scope ON audit_log (scope, id);

INSERT INTO audit_log (scope, actor, action, user_id, lesson_id, created_at)
    SELECT scope, actor, 'reset', user_id, lesson_id, reset_at FROM resets ORDER BY id;
DROP TABLE resets;

ALTER TABLE learners ADD COLUMN last_active_at REAL;
UPDATE learners SET last_active_at = (
    SELECT MAX(a.created_at) FROM attempts AS a WHERE a.learner_id = learners.id
);
