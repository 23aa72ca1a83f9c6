-- 0002: "one grading per learner at a time" across bot processes (SQLite's 0005).
-- A lease expires on its own, so a process that died mid-grading blocks nobody for long.
CREATE TABLE grading_leases (
    scope      text NOT NULL,
    user_id    text NOT NULL,
    holder     text NOT NULL,
    expires_at double precision NOT NULL,
    PRIMARY KEY (scope, user_id)
);
