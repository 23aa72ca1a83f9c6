"""The one settings object, read from the environment and a `.env` file.

The environment wins over `.env`. Every setting is documented in `.env.example`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values


class SettingsError(ValueError):
    """A setting has a value we cannot use; the message says which and why."""


class Secret:
    """A string that never shows itself in logs, reprs or tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)


def default_database_path() -> Path:
    """SQLite file in the user's data directory (XDG), so progress survives reinstalls."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "gradient-tutor" / "tutor.sqlite3"


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


@dataclass(frozen=True)
class Settings:
    discord_token: Secret | None = None
    database_path: Path = field(default_factory=default_database_path)
    dev_guild_id: int | None = None
    sandbox_workers: int = field(default_factory=lambda: max(1, os.cpu_count() or 1))
    sandbox_timeout_s: float = 2.0
    sandbox_memory_mb: int = 256
    solution_after_failures: int = 3
    submission_cooldown_s: float = 3.0  # between one learner's channel submissions
    log_level: str = "INFO"
    discord_api_base: str | None = None
    discord_gateway_url: str | None = None
    database_url: Secret | None = None  # postgresql://...: PostgreSQL instead of SQLite
    shard_count: int | None = None  # with shard_ids: the Discord shards this process holds
    shard_ids: tuple[int, ...] | None = None

    @classmethod
    def load(cls, env_file: str | os.PathLike[str] | None = ".env") -> Settings:
        values: dict[str, str] = {}
        if env_file and Path(env_file).is_file():
            values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
        values.update(os.environ)
        return cls.from_mapping(values)

    @classmethod
    def from_mapping(cls, env: Mapping[str, str]) -> Settings:
        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        def number(name: str, kind: type[int] | type[float], minimum: float) -> int | float | None:
            raw = get(name)
            if raw is None:
                return None
            try:
                value = kind(raw)
            except ValueError:
                raise SettingsError(f"{name} must be a number, got {raw!r}") from None
            if value < minimum:
                raise SettingsError(f"{name} must be at least {minimum}, got {raw!r}")
            return value

        kwargs: dict[str, object] = {}
        token = get("DISCORD_TOKEN")
        if token:
            kwargs["discord_token"] = Secret(token)
        if (path := get("DATABASE_PATH")) is not None:
            kwargs["database_path"] = Path(path).expanduser()
        if (url := get("DATABASE_URL")) is not None:
            if not url.startswith(("postgresql://", "postgres://")):
                raise SettingsError("DATABASE_URL must start with postgresql://")
            kwargs["database_url"] = Secret(url)
        for key, name, kind, minimum in (
            ("dev_guild_id", "DEV_GUILD_ID", int, 1),
            ("sandbox_workers", "SANDBOX_WORKERS", int, 1),
            ("sandbox_timeout_s", "SANDBOX_TIMEOUT", float, 0.1),
            ("sandbox_memory_mb", "SANDBOX_MEMORY_MB", int, 32),
            ("solution_after_failures", "SOLUTION_AFTER_FAILURES", int, 0),
            ("submission_cooldown_s", "SUBMISSION_COOLDOWN", float, 0),
            ("shard_count", "SHARD_COUNT", int, 1),
        ):
            value = number(name, kind, minimum)
            if value is not None:
                kwargs[key] = value
        if (level := get("LOG_LEVEL")) is not None:
            if level.upper() not in LOG_LEVELS:
                raise SettingsError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}")
            kwargs["log_level"] = level.upper()
        for key, name in (
            ("discord_api_base", "DISCORD_API_BASE"),
            ("discord_gateway_url", "DISCORD_GATEWAY_URL"),
        ):
            if (url := get(name)) is not None:
                kwargs[key] = url.rstrip("/")
        if (ids := get("SHARD_IDS")) is not None:
            kwargs["shard_ids"] = parse_shard_ids(ids, kwargs.get("shard_count"))  # type: ignore[arg-type]
        return cls(**kwargs)  # type: ignore[arg-type]


def parse_shard_ids(text: str, count: int | None) -> tuple[int, ...]:
    """`0,1` (SHARD_IDS, --shard-ids): each below the shard count, which must be given."""
    try:
        ids = tuple(sorted({int(part) for part in text.split(",") if part.strip()}))
    except ValueError:
        raise SettingsError(f"SHARD_IDS must be shard numbers like 0,1, got {text!r}") from None
    if count is None:
        raise SettingsError("SHARD_IDS needs SHARD_COUNT: how many shards there are in all")
    if not ids or ids[0] < 0 or ids[-1] >= count:
        raise SettingsError(f"SHARD_IDS must be between 0 and {count - 1}, got {text!r}")
    return ids
