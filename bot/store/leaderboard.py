"""Leaderboard queries: ranked by lessons completed, then who got there first, then
fewer attempts. Both walk the `learners_leaderboard` index (migration 0002)."""

from __future__ import annotations

from bot.store.base import StoreBase
from bot.store.records import LeaderboardRow, LeaderboardSlice

_ORDER = "completed_count DESC, last_completed_at, attempts_to_complete, id"
# The same order read from the far end: the index walked backwards, so the last page costs
# what the first does instead of stepping over every learner ahead of it.
_ORDER_FROM_END = "completed_count, last_completed_at DESC, attempts_to_complete DESC, id DESC"

# The page's ids are found in the index alone (every column it orders by is in it), and
# only the page's own rows are read from the table: a page deep in the board steps over
# index entries, not over whole rows.
_PAGE_TEMPLATE = """
SELECT user_id, display_name, completed_count, attempts_to_complete, last_completed_at,
       current_lesson_id, last_active_at
FROM learners
WHERE id IN (SELECT id FROM learners WHERE scope = ? AND completed_count > 0
             ORDER BY {order} LIMIT ? OFFSET ?)
ORDER BY {order}
"""
_PAGE = _PAGE_TEMPLATE.format(order=_ORDER)
_PAGE_FROM_END = _PAGE_TEMPLATE.format(order=_ORDER_FROM_END)

_TOTAL = "SELECT COALESCE(SUM(learners), 0) FROM board_counts WHERE scope = ?"

_ME = """
SELECT id, completed_count, last_completed_at, attempts_to_complete
FROM learners WHERE scope = ? AND user_id = ?
"""

# Learners strictly ahead: more lessons (summed from board_counts), or as many and ahead on
# the tie-breakers (a range on the index, within the one level).
_AHEAD = """
SELECT
    (SELECT COALESCE(SUM(learners), 0) FROM board_counts WHERE scope = ? AND completed > ?)
  + (SELECT COUNT(*) FROM learners
     WHERE scope = ? AND completed_count = ?
       AND (last_completed_at, attempts_to_complete, id) < (?, ?, ?))
"""


class Leaderboard(StoreBase):
    async def leaderboard(self, scope: str, offset: int, limit: int) -> LeaderboardSlice:
        offset, limit = max(0, offset), max(0, limit)
        total_row = await self.conn.fetchone(_TOTAL, (scope,))
        assert total_row is not None
        total = int(total_row[0])
        if offset > total // 2 and offset < total:
            behind = max(0, total - offset - limit)  # learners after this page
            rows = await self.conn.fetchall(
                _PAGE_FROM_END, (scope, min(limit, total - offset), behind)
            )
            rows.reverse()
        else:
            rows = await self.conn.fetchall(_PAGE, (scope, limit, offset))
        return LeaderboardSlice(
            total=total,
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

    async def rank_of(self, scope: str, user_id: str) -> int | None:
        """1-based place on the scope's leaderboard, None when not on it."""
        me = await self.conn.fetchone(_ME, (scope, user_id))
        if me is None or me[1] == 0:
            return None
        learner_id, done, last, attempts = me
        ahead = await self.conn.fetchone(
            _AHEAD, (scope, done, scope, done, last, attempts, learner_id)
        )
        assert ahead is not None
        return int(ahead[0]) + 1
