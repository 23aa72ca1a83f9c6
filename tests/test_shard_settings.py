"""DATABASE_URL, SHARD_COUNT and SHARD_IDS: read, checked, and turned into the right bot."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.discord_app.bot import ShardedTutorBot, TutorBot, bot_class
from bot.settings import Settings, SettingsError
from bot.shards import describe_shards

REPO = Path(__file__).resolve().parents[1]


def test_shards_are_read_and_described() -> None:
    settings = Settings.from_mapping({"SHARD_COUNT": "4", "SHARD_IDS": "3, 1"})
    assert (settings.shard_count, settings.shard_ids) == (4, (1, 3))
    assert describe_shards(settings) == "shard(s) 1,3 of 4"
    assert describe_shards(Settings.from_mapping({"SHARD_COUNT": "2"})) == "shard(s) 0,1 of 2"
    assert describe_shards(Settings()) == "every shard (one process)"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SHARD_IDS": "0"}, "SHARD_IDS needs SHARD_COUNT"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "2"}, "between 0 and 1"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "one"}, "shard numbers like 0,1"),
        ({"SHARD_COUNT": "0"}, "SHARD_COUNT must be at least 1"),
        ({"DATABASE_URL": "mysql://x/y"}, "must start with postgresql://"),
    ],
)
def test_bad_values_are_refused_with_the_reason(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_mapping(env)


def test_the_database_url_never_shows_its_password() -> None:
    settings = Settings.from_mapping({"DATABASE_URL": "postgresql://tutor:hunter2@db/tutor"})
    assert settings.database_url is not None
    assert settings.database_url.get_secret_value() == "postgresql://tutor:hunter2@db/tutor"
    assert "hunter2" not in repr(settings)


async def test_shards_choose_an_auto_sharded_bot_that_syncs_only_from_shard_0() -> None:
    assert bot_class(Settings()) is TutorBot
    settings = Settings.from_mapping({"SHARD_COUNT": "4", "SHARD_IDS": "1,2"})
    assert bot_class(settings) is ShardedTutorBot
    bot = ShardedTutorBot(settings=settings, core=None)  # never started: nothing to close
    assert (bot.shard_count, bot.shard_ids) == (4, [1, 2])
    assert not bot.holds_shard_zero
    zero = ShardedTutorBot(settings=Settings.from_mapping({"SHARD_COUNT": "2"}), core=None)
    assert zero.holds_shard_zero and zero.shard_ids == [0, 1]


def test_run_refuses_shard_ids_outside_the_count(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "--env-file",
            str(tmp_path / "none.env"),
            "run",
            "--shard-ids",
            "0,5",
            "--shard-count",
            "4",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert result.returncode == 2
    assert "SHARD_IDS must be between 0 and 3" in result.stderr
