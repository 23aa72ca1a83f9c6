"""Per-community configuration (one Discord guild = one scope), typed and validated.

Stored as plain JSON settings by the store; read through a small cache because the solution
policy is needed on every lesson view. Every write goes through `ScopeConfigs`, which
drops the cached copy, so one bot process always sees its own changes at once; a cached
copy is also dropped after CACHE_MAX_AGE_S, so a change made by another process on the same
database (another shard) is in force here within that time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.core.errors import SettingRefused
from bot.store import Store


class SettingKey(StrEnum):
    """The per-scope settings. The values are the keys the store keeps."""

    LESSON_CHANNELS = "lesson_channels"  # list of channel ids; empty: every channel
    MODERATOR_ROLE = "moderator_role"  # role id whose members may moderate
    SOLUTION_AFTER_FAILURES = "solution_after_failures"  # int; 0: only after passing
    COMPLETION_ROLE = "completion_role"  # role id given on finishing the course
    ANNOUNCEMENT_CHANNEL = "announcement_channel"  # channel id for course completions
    # Why the bot last failed to give the completion role / to announce (text), until it
    # works again or a moderator changes that setting: so moderators see it, not only the log.
    COMPLETION_ROLE_PROBLEM = "completion_role_problem"
    ANNOUNCEMENT_PROBLEM = "announcement_problem"


# What a setting holds, as JSON: ids are strings, the solution policy an int; None removes it.
SettingValue = str | int | list[str] | None

LESSON_CHANNELS = SettingKey.LESSON_CHANNELS
MODERATOR_ROLE = SettingKey.MODERATOR_ROLE
SOLUTION_AFTER_FAILURES = SettingKey.SOLUTION_AFTER_FAILURES
COMPLETION_ROLE = SettingKey.COMPLETION_ROLE
ANNOUNCEMENT_CHANNEL = SettingKey.ANNOUNCEMENT_CHANNEL
COMPLETION_ROLE_PROBLEM = SettingKey.COMPLETION_ROLE_PROBLEM
ANNOUNCEMENT_PROBLEM = SettingKey.ANNOUNCEMENT_PROBLEM
_ROLE_OR_CHANNEL = frozenset({MODERATOR_ROLE, COMPLETION_ROLE, ANNOUNCEMENT_CHANNEL})
PROBLEM_OF: dict[SettingKey, SettingKey] = {
    COMPLETION_ROLE: COMPLETION_ROLE_PROBLEM,
    ANNOUNCEMENT_CHANNEL: ANNOUNCEMENT_PROBLEM,
}
# Who the audit log names when the bot itself records a delivery problem.
BOT_ACTOR = "the bot"

# The most a moderator may ask learners to fail before a solution opens.
MAX_SOLUTION_AFTER_FAILURES = 50

# Seconds a process trusts its cached copy of a scope's settings: another process's change
# reaches this one within this time (the promise is 5 s), at one read per scope per period.
CACHE_MAX_AGE_S = 2.0


@dataclass(frozen=True)
class ScopeConfig:
    lesson_channels: tuple[str, ...] = ()
    moderator_role: str | None = None
    solution_after_failures: int | None = None  # None: the bot's default
    completion_role: str | None = None
    announcement_channel: str | None = None
    completion_role_problem: str | None = None
    announcement_problem: str | None = None

    @classmethod
    def from_settings(cls, raw: Mapping[str, Any]) -> ScopeConfig:
        """Tolerant: a malformed value (hand-edited database) reads as unset."""
        channels = raw.get(LESSON_CHANNELS)
        after = raw.get(SOLUTION_AFTER_FAILURES)
        return cls(
            lesson_channels=tuple(str(c) for c in channels) if isinstance(channels, list) else (),
            moderator_role=_id(raw.get(MODERATOR_ROLE)),
            solution_after_failures=after
            if isinstance(after, int) and not isinstance(after, bool) and after >= 0
            else None,
            completion_role=_id(raw.get(COMPLETION_ROLE)),
            announcement_channel=_id(raw.get(ANNOUNCEMENT_CHANNEL)),
            completion_role_problem=_text(raw.get(COMPLETION_ROLE_PROBLEM)),
            announcement_problem=_text(raw.get(ANNOUNCEMENT_PROBLEM)),
        )

    def solution_threshold(self, default: int) -> int:
        """Failed attempts before the solution opens (0: only after passing)."""
        return default if self.solution_after_failures is None else self.solution_after_failures

    def is_moderator(self, role_ids: Iterable[int | str], *, manage_guild: bool) -> bool:
        """Members who may manage the server, or who hold the configured moderator role."""
        if manage_guild:
            return True
        return self.moderator_role is not None and self.moderator_role in map(str, role_ids)

    def is_lesson_channel(self, channel_id: int | str, parent_id: int | str | None = None) -> bool:
        """With no lesson channels configured, every channel is one; a thread belongs to its
        parent channel."""
        if not self.lesson_channels:
            return True
        return str(channel_id) in self.lesson_channels or (
            parent_id is not None and str(parent_id) in self.lesson_channels
        )


def describe_solution_policy(after_failures: int) -> str:
    if after_failures == 0:
        return "solutions open only after passing the lesson"
    tries = "attempt" if after_failures == 1 else "attempts"
    return f"solutions open after passing, or after {after_failures} failed {tries}"


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _id(value: Any) -> str | None:
    return str(value) if isinstance(value, int | str) and not isinstance(value, bool) else None


class ScopeConfigs:
    """Reads and writes per-scope configuration; writes are audited when an actor is named."""

    def __init__(self, store: Store, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self._clock = clock
        self._cache: dict[str, tuple[float, ScopeConfig]] = {}  # scope -> (read at, config)

    async def get(self, scope: str) -> ScopeConfig:
        cached = self._cache.get(scope)
        if cached is not None and self._clock() - cached[0] < CACHE_MAX_AGE_S:
            return cached[1]
        read_at = self._clock()
        config = ScopeConfig.from_settings(await self.store.scope_settings(scope))
        self._cache[scope] = (read_at, config)
        return config

    async def raw(self, scope: str) -> dict[str, Any]:
        return await self.store.scope_settings(scope)

    async def set(
        self, scope: str, key: SettingKey, value: SettingValue, *, actor: str | None = None
    ) -> None:
        """None removes the setting. ValueError for a key that is no setting."""
        key = SettingKey(key)
        self._cache.pop(scope, None)
        try:
            await self.store.set_scope_setting(scope, key, value, actor=actor)
        finally:
            self._cache.pop(scope, None)  # a read during the write may have cached the old

    async def add_lesson_channel(self, scope: str, channel_id: int | str, *, actor: str) -> bool:
        """False when it already was one."""
        channels = list((await self.get(scope)).lesson_channels)
        if str(channel_id) in channels:
            return False
        await self.set(scope, LESSON_CHANNELS, [*channels, str(channel_id)], actor=actor)
        return True

    async def remove_lesson_channel(self, scope: str, channel_id: int | str, *, actor: str) -> bool:
        """False when it was not one. Removing the last makes every channel a lesson channel."""
        channels = list((await self.get(scope)).lesson_channels)
        if str(channel_id) not in channels:
            return False
        channels.remove(str(channel_id))
        await self.set(scope, LESSON_CHANNELS, channels or None, actor=actor)
        return True

    async def set_solution_policy(
        self, scope: str, after_failures: int | None, *, actor: str
    ) -> None:
        """None returns to the bot's default; 0 means only after passing."""
        if after_failures is not None and not 0 <= after_failures <= MAX_SOLUTION_AFTER_FAILURES:
            raise ValueError(f"after_failures must be between 0 and {MAX_SOLUTION_AFTER_FAILURES}")
        await self.set(scope, SOLUTION_AFTER_FAILURES, after_failures, actor=actor)

    async def set_role_or_channel(
        self, scope: str, key: SettingKey, object_id: int | str | None, *, actor: str
    ) -> None:
        """The moderator role, completion role or announcement channel; None clears it.
        SettingRefused when one role would be both the moderator and the completion role:
        finishing the course must never make a learner a moderator."""
        if key not in _ROLE_OR_CHANNEL:
            raise ValueError(f"{key!r} is not a role or channel setting")
        value = None if object_id is None else str(object_id)
        config = await self.get(scope)
        if value is not None and key == MODERATOR_ROLE and value == config.completion_role:
            raise SettingRefused(
                "that role is the completion role, so finishing the course would make "
                "learners moderators. Choose another role."
            )
        if value is not None and key == COMPLETION_ROLE and value == config.moderator_role:
            raise SettingRefused(
                "that role is the moderator role, so finishing the course would make "
                "learners moderators. Choose another role."
            )
        await self.set(scope, key, value, actor=actor)
        if key in PROBLEM_OF:  # a changed setting starts with a clean slate
            await self.note_problem(scope, key, None)

    async def note_problem(self, scope: str, key: SettingKey, problem: str | None) -> None:
        """Record why delivering `key` (completion role or announcement channel) failed, or
        None once it works. Written, and audited as the bot, only when it changes."""
        problem_key = PROBLEM_OF[key]
        if getattr(await self.get(scope), problem_key) == problem:
            return
        await self.set(scope, problem_key, problem, actor=None if problem is None else BOT_ACTOR)
