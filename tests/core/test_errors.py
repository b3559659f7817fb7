"""The single error path: every error family becomes one plain sentence; unexpected ones carry a logged reference."""

from __future__ import annotations

import logging
import re
from types import SimpleNamespace
from typing import Any

import discord
import pytest
from discord import app_commands

from bot.errors import (
    ConflictError,
    InvalidInputError,
    NotAllowedError,
    NotFoundError,
    NotModeratorError,
    describe,
    report_error,
)


def fake_interaction() -> Any:
    # describe() reads only these attributes, for its log line.
    return SimpleNamespace(command=None, data={"custom_id": "x"}, user=SimpleNamespace(id=1), guild_id=2)


class FakeCommand:
    name = "show"
    qualified_name = "concept show"


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (NotFoundError("No concept named x."), "No concept named x."),
        (InvalidInputError("Title is too long."), "Title is too long."),
        (NotAllowedError("Only the author can."), "Only the author can."),
        (ConflictError("Already queued."), "Already queued."),
        (app_commands.CommandOnCooldown(app_commands.Cooldown(1, 60), 12.2), "Try again in 13 s."),
        (NotModeratorError("x"), "Only moderators can do that"),
        (app_commands.MissingPermissions(["manage_guild"]), "Only moderators can do that"),
        (app_commands.NoPrivateMessage(), "works inside a server"),
        (app_commands.BotMissingPermissions(["create_private_threads"]), "create private threads"),
        (app_commands.CheckFailure(), "You can't use this command here."),
    ],
)
def test_known_errors_read_plainly(error: Exception, expected: str) -> None:
    assert expected in describe(error, fake_interaction())


def test_wrapped_nexus_error_is_unwrapped() -> None:
    inner = NotFoundError("Challenge #9 doesn't exist.")
    wrapper = app_commands.CommandInvokeError(FakeCommand(), inner)  # type: ignore[arg-type]
    assert describe(wrapper, fake_interaction()) == "Challenge #9 doesn't exist."


def test_forbidden_says_to_check_permissions() -> None:
    response = SimpleNamespace(status=403, reason="Forbidden")
    error = discord.Forbidden(response, {"code": 50013, "message": "Missing Permissions"})  # type: ignore[arg-type]
    assert "permission" in describe(error, fake_interaction())


def test_unexpected_error_has_a_reference_in_answer_and_log(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="bot.errors"):
        answer = describe(ZeroDivisionError("division by zero"), fake_interaction())
    match = re.search(r"ref ([0-9A-F]{6})", answer)
    assert match is not None
    assert match.group(1) in caplog.text
    assert "ZeroDivisionError" in caplog.text  # the traceback is logged
    assert "division by zero" not in answer  # internals never reach the member


async def test_an_expired_interaction_is_a_warning_not_an_error(caplog: pytest.LogCaptureFixture) -> None:
    response = SimpleNamespace(status=404, reason="Not Found")
    expired = discord.NotFound(response, {"code": 10062, "message": "Unknown interaction"})  # type: ignore[arg-type]
    with caplog.at_level(logging.WARNING, logger="bot.errors"):
        await report_error(fake_interaction(), expired)
    assert [record.levelname for record in caplog.records] == ["WARNING"]
    assert "expired" in caplog.text
