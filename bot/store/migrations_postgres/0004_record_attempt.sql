-- 0004: recording an attempt as one server-side call. The same steps, in the same order,
-- as bot/store/attempts.py (which SQLite runs statement by statement): lock the learner
-- and note the activity, insert the attempt, count it, and when it passed complete the
-- lesson once and earn the unlock once. One round trip instead of eight is what lets
-- several bot processes record thousands of submissions a second.
CREATE FUNCTION record_attempt(
    p_scope text, p_user_id text, p_lesson_id text, p_now double precision, p_status text,
    p_passed integer, p_checks text, p_metrics text, p_code text, p_code_truncated integer,
    p_failure integer, p_unlock text,
    OUT new_attempt_id bigint, OUT newly_completed boolean, OUT newly_unlocked boolean
) LANGUAGE plpgsql AS $$
DECLARE
    v_learner bigint;
    v_tries integer;
BEGIN
    UPDATE learners SET last_active_at = p_now
        WHERE scope = p_scope AND user_id = p_user_id RETURNING id INTO v_learner;
    IF v_learner IS NULL THEN
        RAISE EXCEPTION 'no learner % in scope %', p_user_id, p_scope
            USING ERRCODE = 'no_data_found';
    END IF;
    INSERT INTO attempts (learner_id, lesson_id, created_at, status, passed, checks, metrics,
                          code, code_truncated)
        VALUES (v_learner, p_lesson_id, p_now, p_status, p_passed, p_checks, p_metrics, p_code,
                p_code_truncated)
        RETURNING id INTO new_attempt_id;
    INSERT INTO lesson_progress (learner_id, lesson_id, attempts, failures)
        VALUES (v_learner, p_lesson_id, 1, p_failure)
        ON CONFLICT (learner_id, lesson_id) DO UPDATE SET
            attempts = lesson_progress.attempts + 1,
            failures = lesson_progress.failures + excluded.failures;
    newly_completed := false;
    newly_unlocked := false;
    IF p_passed = 1 THEN
        UPDATE lesson_progress SET completed_at = p_now, attempts_to_complete = attempts
            WHERE learner_id = v_learner AND lesson_id = p_lesson_id AND completed_at IS NULL
            RETURNING attempts_to_complete INTO v_tries;
        IF FOUND THEN
            newly_completed := true;
            UPDATE learners SET completed_count = completed_count + 1,
                                last_completed_at = p_now,
                                attempts_to_complete = attempts_to_complete + v_tries
                WHERE id = v_learner;
        END IF;
        IF p_unlock IS NOT NULL THEN
            INSERT INTO lesson_progress (learner_id, lesson_id, unlocked_at)
                VALUES (v_learner, p_unlock, p_now)
                ON CONFLICT (learner_id, lesson_id) DO UPDATE
                    SET unlocked_at = excluded.unlocked_at
                    WHERE lesson_progress.unlocked_at IS NULL;
            newly_unlocked := FOUND;
        END IF;
    END IF;
END;
$$;
