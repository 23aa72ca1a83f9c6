-- 0006: how many learners are on each scope's leaderboard, kept by triggers in step with
-- learners.completed_count, so a page need not count a million index entries. Spread over
-- 16 slots (by learner id) so concurrent first completions rarely touch the same row.
CREATE TABLE board_counts (
    scope    TEXT NOT NULL,
    slot     INTEGER NOT NULL,
    learners INTEGER NOT NULL,
    PRIMARY KEY (scope, slot)
) WITHOUT ROWID;

INSERT INTO board_counts (scope, slot, learners)
    SELECT scope, id % 16, COUNT(*) FROM learners WHERE completed_count > 0 GROUP BY 1, 2;

CREATE TRIGGER board_counts_insert AFTER INSERT ON learners
WHEN NEW.completed_count > 0
BEGIN
    INSERT INTO board_counts (scope, slot, learners) VALUES (NEW.scope, NEW.id % 16, 1)
        ON CONFLICT (scope, slot) DO UPDATE SET learners = learners + 1;
END;

CREATE TRIGGER board_counts_delete AFTER DELETE ON learners
WHEN OLD.completed_count > 0
BEGIN
    UPDATE board_counts SET learners = learners - 1
        WHERE scope = OLD.scope AND slot = OLD.id % 16;
END;

CREATE TRIGGER board_counts_update AFTER UPDATE OF completed_count, scope ON learners
WHEN (OLD.completed_count > 0) <> (NEW.completed_count > 0) OR OLD.scope <> NEW.scope
BEGIN
    UPDATE board_counts SET learners = learners - 1
        WHERE OLD.completed_count > 0 AND scope = OLD.scope AND slot = OLD.id % 16;
    INSERT INTO board_counts (scope, slot, learners)
        SELECT NEW.scope, NEW.id % 16, 1 WHERE NEW.completed_count > 0
        ON CONFLICT (scope, slot) DO UPDATE SET learners = learners + 1;
END;
