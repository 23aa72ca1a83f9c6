-- 0003: how many learners have completed each number of lessons, per scope, kept by a
-- trigger in step with learners.completed_count (SQLite's 0006). The board's size and "how
-- many are ahead on lessons" (rank_of) become sums over a few rows instead of counts over a
-- million index entries. Spread over 64 slots so concurrent completions rarely share a
-- row lock.
CREATE TABLE board_counts (
    scope     text NOT NULL,
    completed integer NOT NULL,
    slot      integer NOT NULL,
    learners  integer NOT NULL,
    PRIMARY KEY (scope, completed, slot)
);

INSERT INTO board_counts (scope, completed, slot, learners)
    SELECT scope, completed_count, id % 64, COUNT(*) FROM learners
    WHERE completed_count > 0 GROUP BY 1, 2, 3;

CREATE FUNCTION board_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.completed_count > 0 THEN
        UPDATE board_counts SET learners = learners - 1
            WHERE scope = OLD.scope AND completed = OLD.completed_count AND slot = OLD.id % 64;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.completed_count > 0 THEN
        INSERT INTO board_counts (scope, completed, slot, learners)
            VALUES (NEW.scope, NEW.completed_count, NEW.id % 64, 1)
            ON CONFLICT (scope, completed, slot)
            DO UPDATE SET learners = board_counts.learners + 1;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER board_counts_insert_delete AFTER INSERT OR DELETE ON learners
    FOR EACH ROW EXECUTE FUNCTION board_counts_follow();
CREATE TRIGGER board_counts_update AFTER UPDATE OF completed_count, scope ON learners
    FOR EACH ROW
    WHEN (OLD.completed_count <> NEW.completed_count OR OLD.scope <> NEW.scope)
    EXECUTE FUNCTION board_counts_follow();
