from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Secret, Settings, SettingsError


def test_defaults_need_no_environment() -> None:
    settings = Settings.from_mapping({})
    assert settings.discord_token is None
    assert settings.database_path.name == "tutor.sqlite3"
    assert settings.sandbox_workers >= 1


def test_values_are_parsed() -> None:
    settings = Settings.from_mapping(
        {
            "DISCORD_TOKEN": "abc",
            "DATABASE_PATH": "/tmp/t.db",
            "DEV_GUILD_ID": "42",
            "SANDBOX_WORKERS": "3",
            "SANDBOX_TIMEOUT": "1.5",
            "SUBMISSION_COOLDOWN": "0",
            "LOG_LEVEL": "debug",
            "DISCORD_API_BASE": "http://127.0.0.1:9/api/v10/",
        }
    )
    assert settings.discord_token is not None and settings.discord_token.get() == "abc"
    assert settings.database_path == Path("/tmp/t.db")
    assert settings.dev_guild_id == 42
    assert settings.sandbox_workers == 3
    assert settings.sandbox_timeout_s == 1.5
    assert settings.submission_cooldown_s == 0
    assert settings.log_level == "DEBUG"
    assert settings.discord_api_base == "http://127.0.0.1:9/api/v10"


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"SANDBOX_WORKERS": "many"}, "SANDBOX_WORKERS must be a number"),
        ({"SANDBOX_WORKERS": "0"}, "at least 1"),
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL"),
        ({"SUBMISSION_COOLDOWN": "-1"}, "SUBMISSION_COOLDOWN must be at least 0"),
    ],
)
def test_bad_values_say_which_setting(env: dict[str, str], fragment: str) -> None:
    with pytest.raises(SettingsError, match=fragment):
        Settings.from_mapping(env)


def test_token_never_shows_itself() -> None:
    secret = Secret("super-secret")
    settings = Settings(discord_token=secret)
    assert "super-secret" not in repr(settings)
    assert "super-secret" not in str(secret)


def test_environment_wins_over_env_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("SANDBOX_WORKERS=5\nLOG_LEVEL=WARNING\n")
    monkeypatch.setenv("SANDBOX_WORKERS", "2")
    monkeypatch.delenv("LOG_LEVEL", raising=False)
    settings = Settings.load(env_file)
    assert settings.sandbox_workers == 2
    assert settings.log_level == "WARNING"
