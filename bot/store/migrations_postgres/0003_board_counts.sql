-- 0003: how many learners are on each scope's leaderboard, kept by a trigger in step with
-- learners.completed_count (SQLite's 0006), so a page need not count a million index
-- entries. Spread over 16 slots so concurrent first completions rarely share a row lock.
CREATE TABLE board_counts (
    scope    text NOT NULL,
    slot     integer NOT NULL,
    learners integer NOT NULL,
    PRIMARY KEY (scope, slot)
);

INSERT INTO board_counts (scope, slot, learners)
    SELECT scope, id % 16, COUNT(*) FROM learners WHERE completed_count > 0 GROUP BY 1, 2;

CREATE FUNCTION board_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.completed_count > 0 THEN
        UPDATE board_counts SET learners = learners - 1
            WHERE scope = OLD.scope AND slot = OLD.id % 16;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.completed_count > 0 THEN
        INSERT INTO board_counts (scope, slot, learners) VALUES (NEW.scope, NEW.id % 16, 1)
            ON CONFLICT (scope, slot) DO UPDATE SET learners = board_counts.learners + 1;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER board_counts_insert_delete AFTER INSERT OR DELETE ON learners
    FOR EACH ROW EXECUTE FUNCTION board_counts_follow();
CREATE TRIGGER board_counts_update AFTER UPDATE OF completed_count, scope ON learners
    FOR EACH ROW
    WHEN ((OLD.completed_count > 0) <> (NEW.completed_count > 0) OR OLD.scope <> NEW.scope)
    EXECUTE FUNCTION board_counts_follow();
