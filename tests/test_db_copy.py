"""`python -m bot db copy`: a SQLite file with real progress (graded by the real sandbox)
moves into PostgreSQL whole; running it again changes nothing; a target holding other
progress is refused unless --replace."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.core import Learner, TutorCore
from bot.store import NewAttempt, PostgresStore, SqliteStore, Store
from bot.store.copying import TABLES
from lessons import load_course

COURSE = load_course()
LEARNERS = [Learner("guild:1", "ada", "Ada"), Learner("guild:1", "bob", "Bob")]
REPO = Path(__file__).resolve().parent.parent


def db_copy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "--env-file", "", "db", "copy", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )


async def everything(store: Store) -> list[object]:
    """What a learner, a moderator and the leaderboard can see, for comparing databases."""
    seen: list[object] = [await store.leaderboard("guild:1", 0, 50)]
    for learner in LEARNERS:
        seen += [
            await store.get_learner(learner.scope, learner.user_id),
            await store.progress(learner.scope, learner.user_id),
            await store.attempts(learner.scope, learner.user_id, limit=100),
        ]
    seen += [
        await store.audit_log("guild:1", 100),
        await store.scope_settings("guild:1"),
        await store.scope_progress("guild:1"),
        await store.failing_checks("guild:1"),
    ]
    return seen


async def test_copy_moves_real_progress_once_and_refuses_other_progress(
    core: TutorCore, store: SqliteStore, postgres_url: str
) -> None:
    ada, bob = LEARNERS
    first, second = COURSE.lessons[:2]
    await core.submit(ada, first.fixtures[0].code, first.id)  # a failure with its checks
    await core.submit(ada, first.solution, first.id)
    await core.submit(ada, second.solution, second.id)
    await core.hint(bob)
    await core.submit(bob, first.solution, first.id)
    await core.moderation.unlock(bob, str(COURSE.lessons[3].number), actor="mod:1")
    await core.configs.set_solution_policy("guild:1", 5, actor="mod:1")
    await core.moderation.reset("guild:1", "ada", second.id, actor="mod:1")
    path = Path(store.path)

    copied = db_copy("--from", str(path), "--to", postgres_url)
    assert copied.returncode == 0, copied.stderr
    assert "Copied" in copied.stdout and "2 learners" in copied.stdout
    async with SqliteStore(path) as source, PostgresStore(postgres_url) as target:
        assert await everything(target) == await everything(source)
        for table in TABLES:  # the test's database has rows in every table
            count = await source.conn.fetchone(f"SELECT COUNT(*) FROM {table}")
            assert count is not None and count[0] > 0, table

    again = db_copy("--from", str(path), "--to", postgres_url)
    assert again.returncode == 0, again.stderr
    assert "already holds this copy" in again.stdout

    async with PostgresStore(postgres_url) as target:
        # New rows get new ids after the copied ones.
        await target.ensure_learner("guild:1", "cy", "Cy")
        newest = (await target.attempts("guild:1", "ada"))[0]
        result = await target.record_attempt(
            "guild:1", "cy", NewAttempt(first.id, "failed", False, True, "x = 1")
        )
        assert result.attempt_id > newest.id
    refused = db_copy("--from", str(path), "--to", postgres_url)
    assert refused.returncode == 1
    assert "already holds progress" in refused.stderr and "--replace" in refused.stderr
    async with PostgresStore(postgres_url) as target:
        assert await target.get_learner("guild:1", "cy") is not None  # untouched

    replaced = db_copy("--from", str(path), "--to", postgres_url, "--replace")
    assert replaced.returncode == 0, replaced.stderr
    async with SqliteStore(path) as source, PostgresStore(postgres_url) as target:
        assert await everything(target) == await everything(source)
        assert await target.get_learner("guild:1", "cy") is None


def test_copy_refuses_a_missing_file_or_a_non_postgres_target(tmp_path: Path) -> None:
    missing = db_copy("--from", str(tmp_path / "nope.sqlite3"), "--to", "postgresql://x/y")
    assert missing.returncode == 2 and "not a file" in missing.stderr
    (tmp_path / "t.db").write_bytes(b"")
    wrong = db_copy("--from", str(tmp_path / "t.db"), "--to", "sqlite:///t.db")
    assert wrong.returncode == 2 and "postgresql://" in wrong.stderr
