"""Opening what the tutor core stands on, one way for every front end and command.

`open_core(settings)` opens the store (SQLite, or PostgreSQL when DATABASE_URL is set), the
sandbox pool and the course, yields the TutorCore, and closes them in reverse on any exit:
`run` (bot/discord_app/runtime.py) and `local` use it. `grade` and `check-lessons` need
only the sandbox and open it with bot/sandbox_pool.open_sandbox, which imports no store,
lessons or numpy (so `sandbox` and friends start fast). Errors stay what they are (StoreError,
SandboxUnavailable), raised while entering: each front end words them for its own users.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.core import TutorCore
from bot.sandbox_pool import open_sandbox
from bot.settings import Settings
from bot.store import chosen_store, describe
from lessons import load_course


@dataclass(frozen=True)
class StoreLocation:
    url: str | None  # PostgreSQL when set; then `path` is not used
    path: Path  # the SQLite file

    @classmethod
    def of(cls, settings: Settings, db_path: Path | None = None) -> StoreLocation:
        """`db_path` (a --db option) names a SQLite file and wins over DATABASE_URL too."""
        if db_path is not None:
            return cls(None, db_path)
        url = settings.database_url.get_secret_value() if settings.database_url else None
        return cls(url, settings.database_path)

    def describe(self) -> str:
        """For logs: which database, the password left out."""
        return describe(self.url, self.path)


@asynccontextmanager
async def open_core(
    settings: Settings,
    *,
    workers: int | None = None,
    db_path: Path | None = None,
    paced: bool = True,
) -> AsyncIterator[TutorCore]:
    """The tutor core over an open store, sandbox pool and the course; all closed on exit.
    `workers` overrides SANDBOX_WORKERS; `db_path` is a --db SQLite file; `paced`: learners
    wait SUBMISSION_COOLDOWN between submissions (a server's, not the terminal's one learner)."""
    location = StoreLocation.of(settings, db_path)
    async with (
        chosen_store(location.url, location.path) as store,
        open_sandbox(settings, workers=workers) as sandbox,
    ):
        yield TutorCore(
            store,
            sandbox,
            load_course(),
            solution_after_failures=settings.solution_after_failures,
            submission_cooldown_s=settings.submission_cooldown_s if paced else 0.0,
        )
