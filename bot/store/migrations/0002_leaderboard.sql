-- 0002: a per-learner summary kept in step with lesson_progress (in the same transaction
-- as each completion), so the leaderboard is one index walk instead of an aggregate over
-- every learner's lessons.
ALTER TABLE learners ADD COLUMN completed_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE learners ADD COLUMN last_completed_at REAL;
ALTER TABLE learners ADD COLUMN attempts_to_complete INTEGER NOT NULL DEFAULT 0;

UPDATE learners SET
    completed_count = (
        SELECT COUNT(*) FROM lesson_progress AS p
        WHERE p.learner_id = learners.id AND p.completed_at IS NOT NULL
    ),
    last_completed_at = (
        SELECT MAX(p.completed_at) FROM lesson_progress AS p WHERE p.learner_id = learners.id
    ),
    attempts_to_complete = (
        SELECT COALESCE(SUM(p.attempts_to_complete), 0) FROM lesson_progress AS p
        WHERE p.learner_id = learners.id AND p.completed_at IS NOT NULL
    );

-- Ranked by lessons completed, then who got there first, then fewer attempts.
CREATE INDEX learners_leaderboard
    ON learners (scope, completed_count DESC, last_completed_at, attempts_to_complete, id);
