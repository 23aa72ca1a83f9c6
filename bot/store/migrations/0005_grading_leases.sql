-- 0005: "one grading per learner at a time" held in the database, so it holds across
-- bot processes (shards) and the terminal on one file, not only inside one process.
-- A lease expires on its own, so a process that died mid-grading blocks nobody for long.
CREATE TABLE grading_leases (
    scope      TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    holder     TEXT NOT NULL,  -- the process (tutor core) grading
    expires_at REAL NOT NULL,
    PRIMARY KEY (scope, user_id)
) WITHOUT ROWID;
