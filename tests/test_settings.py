from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

import bot.settings
from bot.settings import Settings, SettingsError


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
            "SANDBOX_MEMORY_MB": "128",
            "SOLUTION_AFTER_FAILURES": "0",
            "SUBMISSION_COOLDOWN": "0",
            "LOG_LEVEL": "debug",
            "DISCORD_API_BASE": "http://127.0.0.1:9/api/v10/",
            "DISCORD_GATEWAY_URL": " ",  # empty counts as unset
        }
    )
    assert isinstance(settings.discord_token, SecretStr)
    assert settings.discord_token.get_secret_value() == "abc"
    assert settings.database_path == Path("/tmp/t.db")
    assert settings.dev_guild_id == 42
    assert settings.sandbox_workers == 3
    assert settings.sandbox_timeout_s == 1.5
    assert settings.sandbox_memory_mb == 128
    assert settings.solution_after_failures == 0
    assert settings.submission_cooldown_s == 0
    assert settings.log_level == "DEBUG"
    assert settings.discord_api_base == "http://127.0.0.1:9/api/v10"
    assert settings.discord_gateway_url is None


@pytest.mark.parametrize(
    ("env", "line"),
    [
        ({"SANDBOX_WORKERS": "many"}, "SANDBOX_WORKERS must be a whole number, got 'many'"),
        ({"SANDBOX_WORKERS": "0"}, "SANDBOX_WORKERS must be at least 1, got '0'"),
        ({"SANDBOX_TIMEOUT": "soon"}, "SANDBOX_TIMEOUT must be a number, got 'soon'"),
        ({"SANDBOX_MEMORY_MB": "8"}, "SANDBOX_MEMORY_MB must be at least 32, got '8'"),
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL"),
        ({"SUBMISSION_COOLDOWN": "-1"}, "SUBMISSION_COOLDOWN must be at least 0, got '-1'"),
    ],
)
def test_bad_values_say_which_setting(env: dict[str, str], line: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_mapping(env)
    assert str(caught.value).startswith(line)
    assert "\n" not in str(caught.value) and "pydantic" not in str(caught.value)


def test_every_bad_value_gets_its_own_line() -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_mapping({"SANDBOX_WORKERS": "0", "DEV_GUILD_ID": "me", "LOG_LEVEL": "x"})
    lines = str(caught.value).splitlines()
    assert len(lines) == 3
    assert {line.split()[0] for line in lines} == {"SANDBOX_WORKERS", "DEV_GUILD_ID", "LOG_LEVEL"}


def test_token_never_shows_itself() -> None:
    settings = Settings.from_mapping({"DISCORD_TOKEN": "super-secret"})
    assert "super-secret" not in repr(settings)
    assert "super-secret" not in str(settings.discord_token)


def test_environment_wins_over_env_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("SANDBOX_WORKERS=5\nLOG_LEVEL=WARNING\nDISCORD_TOKEN=\n")
    monkeypatch.setenv("SANDBOX_WORKERS", "2")
    monkeypatch.delenv("LOG_LEVEL", raising=False)
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    settings = Settings.load(env_file)
    assert settings.sandbox_workers == 2
    assert settings.log_level == "WARNING"
    assert settings.discord_token is None  # left empty, as in .env.example


def test_a_missing_env_file_is_fine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANDBOX_MEMORY_MB", "64")
    assert Settings.load(tmp_path / "absent.env").sandbox_memory_mb == 64


def test_the_cli_prints_one_line_per_problem_and_no_traceback(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("SANDBOX_TIMEOUT=fast\nDISCORD_TOKEN=tok\nSANDBOX_WORKERS=-3\n")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--env-file", str(env_file), "lessons"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: SANDBOX_WORKERS must be at least 1, got '-3'",
        "error: SANDBOX_TIMEOUT must be a number, got 'fast'",
    ]


def test_the_settings_module_needs_no_type_ignore() -> None:
    assert "type: ignore" not in Path(bot.settings.__file__).read_text(encoding="utf-8")


def test_a_yes_or_no_setting_gets_a_one_line_message_too() -> None:
    """Settings added later (flags, upper bounds) get the same kind of line."""
    from pydantic import Field

    class WithFlag(Settings):
        some_flag: bool = Field(False, validation_alias=bot.settings.env("SOME_FLAG"))
        some_share: float = Field(0.5, le=1, validation_alias=bot.settings.env("SOME_SHARE"))

    assert WithFlag.model_validate({"SOME_FLAG": "yes"}).some_flag is True
    with pytest.raises(ValidationError) as caught:
        WithFlag.model_validate({"SOME_FLAG": "maybe", "SOME_SHARE": "2"})
    lines = bot.settings.describe(caught.value).splitlines()
    assert lines == [
        "SOME_FLAG must be true or false (1 or 0, yes or no), got 'maybe'",
        "SOME_SHARE must be at most 1, got '2'",
    ]


def test_env_example_and_readme_document_every_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    root = Path(bot.settings.__file__).resolve().parent.parent
    example = root / ".env.example"
    readme = (root / "README.md").read_text(encoding="utf-8")
    names = [bot.settings.env_name(field) for field in Settings.model_fields]
    for name in names:
        monkeypatch.delenv(name, raising=False)
        assert f"\n{name}=" in example.read_text(encoding="utf-8"), name
        assert f"`{name}`" in readme, name
    Settings.load(example)  # the example itself is valid as it stands
