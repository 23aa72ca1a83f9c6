"""Which bot reply answers which submission message, for a few minutes.

An edit to a submission within the window is re-graded into the same reply. Kept in memory:
after a restart an edit simply is not re-graded, which costs nothing but a re-post.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

EDIT_WINDOW_S = 5 * 60.0
CAPACITY = 5_000


class ReplyIndex:
    def __init__(
        self,
        window_s: float = EDIT_WINDOW_S,
        capacity: int = CAPACITY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.window_s = window_s
        self.capacity = capacity
        self._clock = clock
        self._replies: OrderedDict[int, tuple[int, float]] = OrderedDict()

    def remember(self, message_id: int, reply_id: int) -> None:
        self._replies[message_id] = (reply_id, self._clock())
        self._replies.move_to_end(message_id)
        while len(self._replies) > self.capacity:
            self._replies.popitem(last=False)

    def reply_to(self, message_id: int) -> int | None:
        """The reply's id while the submission is still editable, else None."""
        entry = self._replies.get(message_id)
        if entry is None:
            return None
        reply_id, at = entry
        if self._clock() - at > self.window_s:
            del self._replies[message_id]
            return None
        return reply_id
