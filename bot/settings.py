"""The one settings object, read from the environment and a `.env` file (pydantic-settings).

The environment wins over `.env`; an empty value counts as unset. Every setting is
documented in `.env.example`. A bad value becomes a `SettingsError` with one line per
problem, each naming the setting, never a pydantic traceback.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal, get_args

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from sandbox.workers import default_workers


class SettingsError(ValueError):
    """A setting has a value we cannot use; the message says which and why, one line each."""


def default_database_path() -> Path:
    """SQLite file in the user's data directory (XDG), so progress survives reinstalls."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "gradient-tutor" / "tutor.sqlite3"


LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
LOG_LEVELS: tuple[str, ...] = get_args(LogLevel)


def env(name: str) -> AliasChoices:
    """The environment variable a field is read from; the field name works in code too."""
    return AliasChoices(name, name.lower())


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=None,  # `load()` names the file; tests and code get the environment only
        env_file_encoding="utf-8",
        env_ignore_empty=True,  # `.env.example` leaves unused settings empty
        extra="ignore",  # the environment and .env hold much else
        frozen=True,
        str_strip_whitespace=True,
        validate_by_name=True,  # Settings(sandbox_workers=2) in code and tests
    )

    discord_token: SecretStr | None = Field(None, validation_alias=env("DISCORD_TOKEN"))
    database_path: Path = Field(
        default_factory=default_database_path, validation_alias=env("DATABASE_PATH")
    )
    dev_guild_id: int | None = Field(None, ge=1, validation_alias=env("DEV_GUILD_ID"))
    sandbox_workers: int = Field(
        default_factory=default_workers, ge=1, validation_alias=env("SANDBOX_WORKERS")
    )
    sandbox_timeout_s: float = Field(2.0, ge=0.1, validation_alias=env("SANDBOX_TIMEOUT"))
    sandbox_memory_mb: int = Field(256, ge=32, validation_alias=env("SANDBOX_MEMORY_MB"))
    # OS layers `run` and `local` may start without (names, comma- or space-separated).
    sandbox_allow_missing_layers: Annotated[frozenset[str], NoDecode] = Field(
        frozenset(), validation_alias=env("SANDBOX_ALLOW_MISSING_LAYERS")
    )
    solution_after_failures: int = Field(3, ge=0, validation_alias=env("SOLUTION_AFTER_FAILURES"))
    # Seconds between one learner's channel submissions.
    submission_cooldown_s: float = Field(3.0, ge=0, validation_alias=env("SUBMISSION_COOLDOWN"))
    log_level: LogLevel = Field("INFO", validation_alias=env("LOG_LEVEL"))
    discord_api_base: str | None = Field(None, validation_alias=env("DISCORD_API_BASE"))
    discord_gateway_url: str | None = Field(None, validation_alias=env("DISCORD_GATEWAY_URL"))
    # postgresql://...: PostgreSQL instead of the SQLite file, for several bot processes.
    database_url: SecretStr | None = Field(None, validation_alias=env("DATABASE_URL"))
    # With shard_ids: the Discord shards this process holds (None: one process, every shard).
    shard_count: int | None = Field(None, ge=1, validation_alias=env("SHARD_COUNT"))
    shard_ids: Annotated[tuple[int, ...] | None, NoDecode] = Field(
        None, validation_alias=env("SHARD_IDS")
    )

    @field_validator("discord_token", mode="before")
    @classmethod
    def _blank_token_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("sandbox_allow_missing_layers", mode="before")
    @classmethod
    def _layer_names(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        from sandbox.os_layers import LAYER_NAMES

        allowed = frozenset(value.replace(",", " ").lower().split())
        if unknown := sorted(allowed - set(LAYER_NAMES)):
            raise ValueError(
                f"names unknown layers {', '.join(unknown)}; known: {', '.join(LAYER_NAMES)}"
            )
        return allowed

    @field_validator("database_url", mode="after")
    @classmethod
    def _postgres_only(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith(
            ("postgresql://", "postgres://")
        ):
            raise ValueError("must start with postgresql://")
        return value

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _shard_numbers(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        return shard_numbers(value)

    @model_validator(mode="after")
    def _shards_within_the_count(self) -> Settings:
        if self.shard_ids is not None:
            check_shard_ids(self.shard_ids, self.shard_count, ",".join(map(str, self.shard_ids)))
        return self

    @field_validator("database_path", mode="after")
    @classmethod
    def _expand_home(cls, value: Path) -> Path:
        return value.expanduser()

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("discord_api_base", "discord_gateway_url", mode="after")
    @classmethod
    def _no_trailing_slash(cls, value: str | None) -> str | None:
        if value is None:
            return None
        return value.rstrip("/") or None

    @classmethod
    def load(cls, env_file: str | Path | None = ".env") -> Settings:
        """The environment, then `env_file` (if it exists) for what the environment lacks."""
        try:
            return cls(_env_file=env_file)
        except ValidationError as error:
            raise SettingsError(describe(error)) from None

    @classmethod
    def from_mapping(cls, values: Mapping[str, str]) -> Settings:
        """Settings from these environment-style values alone (for tests and tools)."""
        given = {name: value for name, value in values.items() if value.strip()}
        try:
            return cls.model_validate(given)
        except ValidationError as error:
            raise SettingsError(describe(error)) from None


def env_name(field: str) -> str:
    """The environment variable of a field (or of an alias given in an error's location)."""
    info = Settings.model_fields.get(field)
    if info is not None and isinstance(info.validation_alias, AliasChoices):
        return str(info.validation_alias.choices[0])
    return field.upper()


def describe(error: ValidationError) -> str:
    """One line per problem, naming the setting, with the value unless it is secret."""
    return "\n".join(_line(detail) for detail in error.errors())


def _line(detail: ErrorDetails) -> str:
    name = env_name(str(detail["loc"][0])) if detail["loc"] else "a setting"
    secret = name == "DISCORD_TOKEN"
    given = "" if secret else f", got {detail['input']!r}"
    kind, context = detail["type"], detail.get("ctx", {})
    if kind == "int_parsing":
        return f"{name} must be a whole number{given}"
    if kind == "float_parsing":
        return f"{name} must be a number{given}"
    if kind == "bool_parsing":
        return f"{name} must be true or false (1 or 0, yes or no){given}"
    if kind == "greater_than_equal":
        return f"{name} must be at least {context['ge']:g}{given}"
    if kind == "less_than_equal":
        return f"{name} must be at most {context['le']:g}{given}"
    if kind == "value_error":  # our own validators word the problem after the name
        text = str(context["error"])
        return f"{name} {text}" if detail["loc"] else text
    if kind == "literal_error":
        return f"{name} must be one of {', '.join(LOG_LEVELS)}{given}"
    return f"{name}: {detail['msg']}{given}"


def shard_numbers(text: str) -> tuple[int, ...]:
    """`0,1` as sorted shard numbers."""
    try:
        return tuple(sorted({int(part) for part in text.split(",") if part.strip()}))
    except ValueError:
        raise ValueError(f"must be shard numbers like 0,1, got {text!r}") from None


def check_shard_ids(ids: tuple[int, ...], count: int | None, text: str) -> None:
    """Each shard below the shard count, which must be given."""
    if count is None:
        raise ValueError("SHARD_IDS needs SHARD_COUNT: how many shards there are in all")
    if not ids or ids[0] < 0 or ids[-1] >= count:
        raise ValueError(f"SHARD_IDS must be between 0 and {count - 1}, got {text!r}")


def parse_shard_ids(text: str, count: int | None) -> tuple[int, ...]:
    """`0,1` (SHARD_IDS, --shard-ids): each below the shard count, which must be given."""
    try:
        ids = shard_numbers(text)
        check_shard_ids(ids, count, text)
    except ValueError as problem:
        message = str(problem)
        raise SettingsError(message if "SHARD_IDS" in message else f"SHARD_IDS {message}") from None
    return ids
