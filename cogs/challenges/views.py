"""The challenge log's modals and restart-proof buttons. They read what the member typed or clicked and hand it to
the cog, which does the work; errors reach the member through the bot's single error path.

Button custom ids carry only numbers (the guild comes from the interaction), so the buttons keep working after a
restart:
- `nx:chl:add:<challenge number>`: "Add solution", opens the solution modal;
- `nx:chl:full:<challenge number>`: "Full text", sends the whole challenge and its solutions as a file;
- `nx:chl:helpful:<solution number>:<s|a>`: "Helpful" on a /challenge show message (s) or a solution answer (a).
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import report_error
from bot.ui import BUTTON_LABEL_LIMIT, NexusModal, one_line
from cogs.challenges.models import Challenge, Solution
from cogs.challenges.render import HELPFUL_EMOJI
from cogs.challenges.validation import (
    DESCRIPTION_MAX_LENGTH,
    SOLUTION_MAX_LENGTH,
    TAGS_FIELD_MAX_LENGTH,
    TITLE_MAX_LENGTH,
)

if TYPE_CHECKING:
    from cogs.challenges.cog import Challenges

COG_NAME = "Challenges"
MODAL_TIMEOUT = 15 * 60  # an interaction token lives 15 minutes; a modal submitted later can't be answered anyway
VIEW_TIMEOUT = 10 * 60  # unused once stopped (see challenge_view); the dynamic items answer the buttons
MAX_HELPFUL_BUTTONS = 5


def challenges_cog(client: discord.Client) -> Challenges:
    """The loaded Challenges cog (buttons outlive the view objects, so they look it up when clicked)."""
    cog = client.get_cog(COG_NAME) if isinstance(client, commands.Bot) else None
    if cog is None:
        raise RuntimeError("the challenges cog is not loaded")
    return cast("Challenges", cog)


class MemberCooldown:
    """At most `rate` uses per `per` seconds per member of a guild, for writes that don't start at a slash command."""

    def __init__(self, rate: int, per: float) -> None:
        self.rate, self.per = rate, per
        self._buckets: dict[tuple[int | None, int], app_commands.Cooldown] = {}

    def hit(self, guild_id: int | None, user_id: int) -> None:
        """Count one use; raises CommandOnCooldown ("try again in N s") when over the rate."""
        now = time.time()
        if len(self._buckets) > 1000:
            self._buckets = {key: bucket for key, bucket in self._buckets.items() if now - bucket._last < self.per}
        bucket = self._buckets.setdefault((guild_id, user_id), app_commands.Cooldown(self.rate, self.per))
        retry_after = bucket.update_rate_limit(now)
        if retry_after:
            raise app_commands.CommandOnCooldown(bucket, retry_after)


# Modals.


class LogModal(NexusModal, title="Log a challenge"):
    """/challenge log: title, what happened, the solution if found, tags."""

    title_field: discord.ui.TextInput[LogModal] = discord.ui.TextInput(
        label="Title",
        placeholder="e.g. Migrations break on staging but not locally",
        max_length=TITLE_MAX_LENGTH,
    )
    what_happened: discord.ui.TextInput[LogModal] = discord.ui.TextInput(
        label="What happened",
        style=discord.TextStyle.paragraph,
        placeholder="What you tried, what you expected, the error message…",
        max_length=DESCRIPTION_MAX_LENGTH,
    )
    solution: discord.ui.TextInput[LogModal] = discord.ui.TextInput(
        label="Solution (optional)",
        style=discord.TextStyle.paragraph,
        placeholder="If you solved it: what fixed it. Leave empty to ask for help.",
        required=False,
        max_length=SOLUTION_MAX_LENGTH,
    )
    tags: discord.ui.TextInput[LogModal] = discord.ui.TextInput(
        label="Tags (optional, comma-separated)",
        placeholder="e.g. django, migrations, ci-cd (at most 5)",
        required=False,
        max_length=TAGS_FIELD_MAX_LENGTH,
    )

    def __init__(self) -> None:
        super().__init__(timeout=MODAL_TIMEOUT)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        """Hand the fields to the cog."""
        await challenges_cog(interaction.client).submit_challenge(
            interaction, self.title_field.value, self.what_happened.value, self.solution.value, self.tags.value
        )


class SolutionModal(NexusModal):
    """/challenge solve and "Add solution": the solution's text."""

    body: discord.ui.TextInput[SolutionModal] = discord.ui.TextInput(
        label="Your solution",
        style=discord.TextStyle.paragraph,
        placeholder="What fixed it: the steps, the code, the docs that helped…",
        max_length=SOLUTION_MAX_LENGTH,
    )

    def __init__(self, challenge: Challenge) -> None:
        super().__init__(title=f"Solution for challenge #{challenge.number}", timeout=MODAL_TIMEOUT)
        self.challenge_number = challenge.number

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        """Hand the text to the cog."""
        await challenges_cog(interaction.client).submit_solution(interaction, self.challenge_number, self.body.value)


class CaptureModal(NexusModal, title="Add this message as a solution"):
    """The "Add as solution" message menu: which challenge, and the message's text (editable)."""

    challenge: discord.ui.TextInput[CaptureModal] = discord.ui.TextInput(
        label="Challenge number", placeholder="e.g. 12", max_length=12
    )
    body: discord.ui.TextInput[CaptureModal] = discord.ui.TextInput(
        label="Solution", style=discord.TextStyle.paragraph, max_length=SOLUTION_MAX_LENGTH
    )

    def __init__(self, message: discord.Message, text: str, default_number: int | None) -> None:
        super().__init__(timeout=MODAL_TIMEOUT)
        self.author_id = message.author.id
        self.channel_id = message.channel.id
        self.message_id = message.id
        self.body.default = text or None
        self.challenge.default = str(default_number) if default_number else None

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        """Hand the fields to the cog."""
        await challenges_cog(interaction.client).submit_capture(
            interaction, self.challenge.value, self.body.value, self.author_id, self.channel_id, self.message_id
        )


# Restart-proof buttons.


class AddSolutionButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"nx:chl:add:(?P<number>\d{1,10})"):
    """Opens the solution modal for its challenge."""

    def __init__(self, number: int) -> None:
        self.number = number
        super().__init__(
            discord.ui.Button(
                label="Add solution", style=discord.ButtonStyle.primary, custom_id=f"nx:chl:add:{number}", row=0
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> AddSolutionButton:
        """Rebuild from the custom id (also after a restart)."""
        return cls(int(match["number"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Open the modal."""
        try:
            await challenges_cog(interaction.client).open_solution_modal(interaction, self.number)
        except Exception as error:  # dynamic items have no on_error of their own
            await report_error(interaction, error)


class FullTextButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"nx:chl:full:(?P<number>\d{1,10})"):
    """Sends the whole challenge and every solution, privately, as a Markdown file."""

    def __init__(self, number: int) -> None:
        self.number = number
        super().__init__(
            discord.ui.Button(
                label="Full text", style=discord.ButtonStyle.secondary, custom_id=f"nx:chl:full:{number}", row=0
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> FullTextButton:
        """Rebuild from the custom id (also after a restart)."""
        return cls(int(match["number"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Send the file."""
        try:
            await challenges_cog(interaction.client).send_full_text(interaction, self.number)
        except Exception as error:  # dynamic items have no on_error of their own
            await report_error(interaction, error)


class HelpfulButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"nx:chl:helpful:(?P<solution>\d{1,10}):(?P<where>[sa])",
):
    """One member's "Helpful" vote on one solution; the label shows the count when the message was last drawn."""

    def __init__(self, solution_number: int, where: str, helpful: int = 0, *, row: int = 1) -> None:
        self.solution_number, self.where = solution_number, where
        label = f"Solution {solution_number}" + (f" ({helpful})" if helpful else "")
        super().__init__(
            discord.ui.Button(
                label=one_line(f"Helpful: {label}", BUTTON_LABEL_LIMIT),
                emoji=HELPFUL_EMOJI,
                style=discord.ButtonStyle.success,
                custom_id=f"nx:chl:helpful:{solution_number}:{where}",
                row=row,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> HelpfulButton:
        """Rebuild from the custom id (also after a restart)."""
        return cls(int(match["solution"]), match["where"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Record the vote."""
        try:
            await challenges_cog(interaction.client).vote_helpful(interaction, self.solution_number, self.where)
        except Exception as error:  # dynamic items have no on_error of their own
            await report_error(interaction, error)


DYNAMIC_ITEMS = (AddSolutionButton, FullTextButton, HelpfulButton)


def _concept_button(concept: tuple[str, str] | None) -> discord.ui.Button[Any] | None:
    """A button opening a related concept (the concepts feature answers `nx:concept:<slug>`)."""
    if concept is None:
        return None
    slug, name = concept
    return discord.ui.Button(
        label=one_line(f"Concept: {name}", BUTTON_LABEL_LIMIT),
        style=discord.ButtonStyle.secondary,
        custom_id=f"nx:concept:{slug}",
        row=0,
    )


def challenge_view(challenge: Challenge, concept: tuple[str, str] | None = None) -> discord.ui.View:
    """Buttons under a "Challenge #N" message: Add solution, Full text (and its concept)."""
    view = discord.ui.View(timeout=VIEW_TIMEOUT)
    view.add_item(AddSolutionButton(challenge.number))
    view.add_item(FullTextButton(challenge.number))
    button = _concept_button(concept)
    if button is not None:
        view.add_item(button)
    # Registered dynamic items answer every button here, so nothing needs the view once sent: stopped, discord.py
    # does not keep it (and a timeout task) in memory for each answer.
    view.stop()
    return view


def show_view(
    challenge: Challenge, solutions: list[Solution], concept: tuple[str, str] | None = None
) -> discord.ui.View:
    """Buttons under /challenge show: Add solution, Full text, concept, and Helpful for each solution shown."""
    view = challenge_view(challenge, concept)
    for solution in solutions[:MAX_HELPFUL_BUTTONS]:
        view.add_item(HelpfulButton(solution.number, "s", solution.helpful, row=1))
    return view


def solution_view(solution: Solution) -> discord.ui.View:
    """Buttons under a new solution: Helpful, and Show the challenge's full text."""
    view = discord.ui.View(timeout=VIEW_TIMEOUT)
    view.add_item(HelpfulButton(solution.number, "a", solution.helpful, row=0))
    view.add_item(FullTextButton(solution.challenge_number))
    view.stop()  # as in challenge_view
    return view
