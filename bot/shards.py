"""Which of Discord's shards a process holds (SHARD_COUNT, SHARD_IDS), in words."""

from __future__ import annotations

from bot.settings import Settings


def describe_shards(settings: Settings) -> str:
    """For the startup log and `doctor`."""
    if settings.shard_count is None:
        return "every shard (one process)"
    ids = settings.shard_ids or tuple(range(settings.shard_count))
    return f"shard(s) {','.join(map(str, ids))} of {settings.shard_count}"
