"""Leaderboard queries: ranked by lessons completed, then who got there first, then
fewer attempts. Both walk the `learners_leaderboard` index (migration 0002)."""

from __future__ import annotations

from bot.store.connection import Connection
from bot.store.records import LeaderboardRow, LeaderboardSlice

_PAGE = """
SELECT user_id, display_name, completed_count, attempts_to_complete, last_completed_at,
       current_lesson_id, last_active_at
FROM learners
WHERE scope = ? AND completed_count > 0
ORDER BY completed_count DESC, last_completed_at, attempts_to_complete, id
LIMIT ? OFFSET ?
"""

_TOTAL = "SELECT COUNT(*) FROM learners WHERE scope = ? AND completed_count > 0"

_ME = """
SELECT id, completed_count, last_completed_at, attempts_to_complete
FROM learners WHERE scope = ? AND user_id = ?
"""

# Learners strictly ahead: more lessons, or as many and ahead on the tie-breakers. Split in
# two so each half is a range on the index (the first column is sorted descending).
_AHEAD = """
SELECT
    (SELECT COUNT(*) FROM learners WHERE scope = :scope AND completed_count > :done)
  + (SELECT COUNT(*) FROM learners
     WHERE scope = :scope AND completed_count = :done
       AND (last_completed_at, attempts_to_complete, id) < (:last, :attempts, :id))
"""


async def page(conn: Connection, scope: str, offset: int, limit: int) -> LeaderboardSlice:
    offset, limit = max(0, offset), max(0, limit)
    total_row = await conn.fetchone(_TOTAL, (scope,))
    rows = await conn.fetchall(_PAGE, (scope, limit, offset))
    return LeaderboardSlice(
        total=int(total_row[0]),
        rows=[
            LeaderboardRow(
                rank=offset + i + 1,
                user_id=user_id,
                display_name=name,
                completed=done,
                attempts=attempts,
                last_completed_at=last,
                current_lesson_id=current,
                last_active_at=active,
            )
            for i, (user_id, name, done, attempts, last, current, active) in enumerate(rows)
        ],
    )


async def rank_of(conn: Connection, scope: str, user_id: str) -> int | None:
    me = await conn.fetchone(_ME, (scope, user_id))
    if me is None or me[1] == 0:
        return None
    learner_id, done, last, attempts = me
    ahead = await conn.fetchone(
        _AHEAD, {"scope": scope, "done": done, "last": last, "attempts": attempts, "id": learner_id}
    )
    return int(ahead[0]) + 1
