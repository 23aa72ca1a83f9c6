"""Who is learning, and where: progress is kept per person per scope."""

from __future__ import annotations

from dataclasses import dataclass

LOCAL_SCOPE = "local"
DM_SCOPE = "dm"


def guild_scope(guild_id: int | str) -> str:
    return f"guild:{guild_id}"


@dataclass(frozen=True)
class Learner:
    """`scope` is "guild:<id>", "dm" or "local": each community keeps its own progress."""

    scope: str
    user_id: str
    display_name: str
