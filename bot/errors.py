"""The bot's own exceptions, and the one place where every interaction error becomes a plain-language answer.

Each `NexusError` carries the sentence the member will read. Anything else is unexpected: the member gets a short
reference code, and the log gets the traceback with the same code, so a moderator's report leads straight to it.
"""

from __future__ import annotations

import logging
import math
import secrets
from typing import Any

import discord
from discord import app_commands

log = logging.getLogger(__name__)

UNKNOWN_INTERACTION = 10062  # Discord's error code for an interaction that expired or was already answered


class NexusError(Exception):
    """An error whose message is written for the member who caused it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(NexusError):
    """The thing asked for does not exist (in this guild)."""


class InvalidInputError(NexusError):
    """An option or a modal field is outside its limits."""


class NotAllowedError(NexusError):
    """The member may not do this (not the author, not a moderator…)."""


class ConflictError(NexusError):
    """The action clashes with the current state (already queued, already voted…)."""


class NotModeratorError(app_commands.CheckFailure):
    """The member is neither a Manage Server holder nor has the moderator role."""


def reference_code() -> str:
    """A short code that ties a member's report to a log entry."""
    return secrets.token_hex(3).upper()


def _unwrap(error: BaseException) -> BaseException:
    """The error a command or transformer raised, without discord.py's wrappers."""
    while True:
        if isinstance(error, app_commands.CommandInvokeError):
            error = error.original
        elif isinstance(error, app_commands.TransformerError) and isinstance(error.__cause__, NexusError):
            error = error.__cause__
        else:
            return error


def _command_name(interaction: discord.Interaction[Any]) -> str:
    command = interaction.command
    return (
        f"/{command.qualified_name}"
        if command
        else f"component {interaction.data and interaction.data.get('custom_id')}"
    )


def describe(error: BaseException, interaction: discord.Interaction[Any]) -> str:
    """The sentence a member reads for `error`; unexpected errors are logged with a reference code."""
    error = _unwrap(error)
    if isinstance(error, NexusError):
        return error.message
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"You're doing that a lot. Try again in {math.ceil(error.retry_after)} s."
    if isinstance(error, NotModeratorError | app_commands.MissingPermissions):
        return "Only moderators can do that (Manage Server, or the moderator role set with `/nexus config`)."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command works inside a server, not in direct messages."
    if isinstance(error, app_commands.BotMissingPermissions):
        missing = ", ".join(name.replace("_", " ") for name in error.missing_permissions)
        return f"I'm missing permissions here: {missing}. Ask a server admin to grant them."
    if isinstance(error, app_commands.TransformerError):
        return f"`{error.value}` isn't a valid value for that option. Check it and try again."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here."
    if isinstance(error, discord.Forbidden):
        log.warning("Forbidden in %s (guild %s): %s", _command_name(interaction), interaction.guild_id, error.text)
        return "Discord refused me permission to do that here. Ask a server admin to check my permissions."
    code = reference_code()
    log.error(
        "Unexpected error (ref %s) in %s by user %s in guild %s",
        code,
        _command_name(interaction),
        interaction.user.id,
        interaction.guild_id,
        exc_info=error,
    )
    return f"Something went wrong on my side (ref {code}). Please try again; if it keeps happening, tell a moderator."


async def report_error(interaction: discord.Interaction[Any], error: BaseException) -> None:
    """Answer `interaction` ephemerally with the sentence for `error`, whether or not it was answered already."""
    original = _unwrap(error)
    if isinstance(original, discord.NotFound) and original.code == UNKNOWN_INTERACTION:
        # Discord already dropped this interaction (acknowledged too late): nobody is left to answer.
        log.warning("Interaction for %s expired before it was answered", _command_name(interaction))
        return
    message = describe(error, interaction)
    try:
        if interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True, allowed_mentions=discord.AllowedMentions.none())
        else:
            await interaction.response.send_message(
                message, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
            )
    except discord.HTTPException as http_error:
        # The interaction expired or Discord is failing: the log is the only place left to say it.
        log.warning("Could not deliver an error answer for %s: %s", _command_name(interaction), http_error)


class NexusTree(app_commands.CommandTree[Any]):
    """The command tree, with the bot's single error handler for every app command."""

    async def on_error(self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError) -> None:
        """Map every app-command error to a plain ephemeral answer."""
        await report_error(interaction, error)
