"""The bot's settings: environment variables or a `.env` file, validated once at start."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, TypeVar

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_API_URL = "https://discord.com/api/v10"
DEFAULT_GATEWAY_URL = "wss://gateway.discord.gg/"
LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


class SettingsError(Exception):
    """Settings are missing or invalid; the message holds one plain line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class StorageSettings(BaseSettings):
    """What the database commands need: no token required to migrate, back up or check."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_path: Path = Path("data/nexus.db")
    log_level: str = "INFO"

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
        return level

    @property
    def log_level_number(self) -> int:
        """The logging module's number for `log_level`."""
        return logging.getLevelNamesMapping()[self.log_level]


class Settings(StorageSettings):
    """Everything the operator can set. Field names map to upper-case environment variables."""

    discord_token: SecretStr = Field(min_length=1)
    dev_guild_id: int | None = Field(default=None, gt=0)
    discord_api_url: str = DEFAULT_API_URL
    discord_gateway_url: str = DEFAULT_GATEWAY_URL

    @field_validator("discord_api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("discord_gateway_url")
    @classmethod
    def _ws_url(cls, value: str) -> str:
        if not value.startswith(("ws://", "wss://")):
            raise ValueError("must start with ws:// or wss://")
        return value

    @field_validator("dev_guild_id", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value


S = TypeVar("S", bound=StorageSettings)


def _describe(error: ValidationError) -> list[str]:
    """Turn pydantic's report into one line per problem, named by environment variable, values never echoed."""
    problems = []
    for item in error.errors():
        variable = "_".join(str(part) for part in item["loc"]).upper() or "settings"
        if item["type"] == "missing":
            problems.append(f"{variable} is required but not set (put it in the environment or in .env)")
        else:
            message = item["msg"].removeprefix("Value error, ")
            problems.append(f"{variable} is invalid: {message}")
    return problems


def load_settings(cls: type[S] = Settings, **overrides: Any) -> S:  # type: ignore[assignment]
    """Read the settings, raising SettingsError with readable lines instead of a traceback."""
    try:
        return cls(**overrides)
    except ValidationError as error:
        raise SettingsError(_describe(error)) from None
