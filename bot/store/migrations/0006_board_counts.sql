-- 0006: how many learners have completed each number of lessons, per scope, kept by
-- triggers in step with learners.completed_count. The board's size and "how many are
-- ahead on lessons" (rank_of) become sums over a few rows instead of counts over a million
-- index entries. Spread over 64 slots (by learner id) so concurrent completions rarely
-- touch the same row.
CREATE TABLE board_counts (
    scope     TEXT NOT NULL,
    completed INTEGER NOT NULL,  -- lessons completed (> 0: on the board)
    slot      INTEGER NOT NULL,
    learners  INTEGER NOT NULL,
    PRIMARY KEY (scope, completed, slot)
) WITHOUT ROWID;

INSERT INTO board_counts (scope, completed, slot, learners)
    SELECT scope, completed_count, id % 64, COUNT(*) FROM learners
    WHERE completed_count > 0 GROUP BY 1, 2, 3;

CREATE TRIGGER board_counts_insert AFTER INSERT ON learners
WHEN NEW.completed_count > 0
BEGIN
    INSERT INTO board_counts (scope, completed, slot, learners)
        VALUES (NEW.scope, NEW.completed_count, NEW.id % 64, 1)
        ON CONFLICT (scope, completed, slot) DO UPDATE SET learners = learners + 1;
END;

CREATE TRIGGER board_counts_delete AFTER DELETE ON learners
WHEN OLD.completed_count > 0
BEGIN
    UPDATE board_counts SET learners = learners - 1
        WHERE scope = OLD.scope AND completed = OLD.completed_count AND slot = OLD.id % 64;
END;

CREATE TRIGGER board_counts_update AFTER UPDATE OF completed_count, scope ON learners
WHEN OLD.completed_count <> NEW.completed_count OR OLD.scope <> NEW.scope
BEGIN
    UPDATE board_counts SET learners = learners - 1
        WHERE OLD.completed_count > 0 AND scope = OLD.scope
          AND completed = OLD.completed_count AND slot = OLD.id % 64;
    INSERT INTO board_counts (scope, completed, slot, learners)
        SELECT NEW.scope, NEW.completed_count, NEW.id % 64, 1 WHERE NEW.completed_count > 0
        ON CONFLICT (scope, completed, slot) DO UPDATE SET learners = learners + 1;
END;
