"""Settings: environment, .env, validation messages, and the command line's exit status 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError, StorageSettings, load_settings

ALL_VARIABLES = (
    "DISCORD_TOKEN",
    "DATABASE_PATH",
    "DEV_GUILD_ID",
    "LOG_LEVEL",
    "DISCORD_API_URL",
    "DISCORD_GATEWAY_URL",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ALL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's checkout


def test_defaults_with_only_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "abc.def")
    settings = load_settings()
    assert settings.discord_token.get_secret_value() == "abc.def"
    assert settings.database_path == Path("data/nexus.db")
    assert settings.dev_guild_id is None
    assert settings.log_level == "INFO"
    assert settings.discord_api_url == "https://discord.com/api/v10"
    assert settings.discord_gateway_url == "wss://gateway.discord.gg/"


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DISCORD_TOKEN=from-file\nDEV_GUILD_ID=42\nLOG_LEVEL=debug\n", encoding="utf-8")
    settings = load_settings()
    assert settings.discord_token.get_secret_value() == "from-file"
    assert settings.dev_guild_id == 42
    assert settings.log_level == "DEBUG"


def test_token_is_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "super-secret-token")
    settings = load_settings()
    assert "super-secret-token" not in repr(settings)
    assert "super-secret-token" not in str(settings.model_dump())


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("LOG_LEVEL", "loud", "LOG_LEVEL is invalid"),
        ("DEV_GUILD_ID", "not-a-number", "DEV_GUILD_ID is invalid"),
        ("DEV_GUILD_ID", "-5", "DEV_GUILD_ID is invalid"),
        ("DISCORD_API_URL", "ftp://example", "DISCORD_API_URL is invalid"),
        ("DISCORD_GATEWAY_URL", "http://example", "DISCORD_GATEWAY_URL is invalid"),
    ],
)
def test_invalid_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "t")
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].startswith(expected)
    assert value not in caught.value.problems[0] or variable == "LOG_LEVEL"


def test_missing_token_and_bad_level_are_both_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "nope")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    problems = caught.value.problems
    assert len(problems) == 2
    assert any(problem.startswith("DISCORD_TOKEN is required") for problem in problems)
    assert any(problem.startswith("LOG_LEVEL is invalid") for problem in problems)


def test_blank_dev_guild_means_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "t")
    monkeypatch.setenv("DEV_GUILD_ID", "")
    assert load_settings().dev_guild_id is None


def test_database_commands_need_no_token() -> None:
    assert load_settings(StorageSettings).database_path == Path("data/nexus.db")
    assert issubclass(Settings, StorageSettings)


def _run_cli(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    base = {key: value for key, value in os.environ.items() if key not in ALL_VARIABLES}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_cli_without_token_exits_2_with_one_line(tmp_path: Path) -> None:
    result = _run_cli(tmp_path, {})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "DISCORD_TOKEN" in lines[0]
    assert "Traceback" not in result.stderr


def test_cli_with_bad_log_level_exits_2(tmp_path: Path) -> None:
    result = _run_cli(tmp_path, {"DISCORD_TOKEN": "t", "LOG_LEVEL": "chatty"})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "nexus-bot: LOG_LEVEL is invalid: must be one of CRITICAL, ERROR, WARNING, INFO, DEBUG"
    ]
