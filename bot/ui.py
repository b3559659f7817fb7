"""Shared Discord UI: mention safety, truncation, error-reporting bases, a confirm view and a restart-proof paginator.

The paginator keeps each listing's query in the `page_state` table and encodes only the state id and the page in
the buttons' custom ids, so the buttons keep working after a restart. A feature registers a *page source* (an async
function that renders page N of its listing) under a kind name, then calls `send_paginated`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import discord

from bot.errors import NotFoundError, report_error

if TYPE_CHECKING:
    from bot.app import NexusBot

log = logging.getLogger(__name__)

MESSAGE_LIMIT = 2000
EMBED_TITLE_LIMIT = 256
EMBED_DESCRIPTION_LIMIT = 4096
EMBED_FIELD_NAME_LIMIT = 256
EMBED_FIELD_VALUE_LIMIT = 1024
EMBED_FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
BUTTON_LABEL_LIMIT = 80
PAGE_STATE_RETENTION = timedelta(days=30)
ELLIPSIS = "…"

NO_MENTIONS = discord.AllowedMentions.none()


def mention_only(*users: discord.abc.Snowflake) -> discord.AllowedMentions:
    """Allowed mentions that ping exactly `users`: never @everyone, @here or a role, whatever the text says."""
    return discord.AllowedMentions(everyone=False, roles=False, users=list(users), replied_user=False)


def truncate(text: str, limit: int, pointer: str = "") -> str:
    """Cut `text` to at most `limit` characters, ending with an ellipsis and `pointer` (e.g. where to read the rest)."""
    if len(text) <= limit:
        return text
    tail = ELLIPSIS + (f"\n{pointer}" if pointer else "")
    if len(tail) >= limit:
        return text[: max(limit - 1, 0)] + ELLIPSIS
    return text[: limit - len(tail)].rstrip() + tail


def one_line(text: str, limit: int) -> str:
    """Collapse whitespace to single spaces and truncate: for list rows and button labels."""
    return truncate(re.sub(r"\s+", " ", text).strip(), limit)


def code_block(text: str, language: str = "", limit: int = EMBED_FIELD_VALUE_LIMIT) -> str:
    """A fenced code block that stays within `limit` and cannot be broken out of by backticks inside."""
    body = text.replace("```", "`\u200b``")
    overhead = len(language) + 8
    return f"```{language}\n{truncate(body, limit - overhead)}\n```"


def fit_embed(embed: discord.Embed) -> discord.Embed:
    """Trim an embed's fields from the end until the whole embed is within Discord's 6,000-character total."""
    while len(embed) > EMBED_TOTAL_LIMIT and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    if len(embed) > EMBED_TOTAL_LIMIT and embed.description:
        embed.description = truncate(
            embed.description, max(len(embed.description) - (len(embed) - EMBED_TOTAL_LIMIT), 1)
        )
    return embed


class NexusView(discord.ui.View):
    """A view whose errors reach the member as plain answers, like app-command errors."""

    async def on_error(
        self, interaction: discord.Interaction[Any], error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        """Report through the bot's single error path."""
        await report_error(interaction, error)


class NexusModal(discord.ui.Modal):
    """A modal whose errors reach the member as plain answers."""

    async def on_error(self, interaction: discord.Interaction[Any], error: Exception, /) -> None:  # type: ignore[override]
        """Report through the bot's single error path."""
        await report_error(interaction, error)


class ConfirmView(NexusView):
    """Confirm / Cancel for one member; `result` is True, False, or None when it timed out."""

    def __init__(self, owner_id: int, *, confirm_label: str = "Confirm", timeout: float = 60) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.result: bool | None = None
        self.answer: discord.Interaction[Any] | None = None
        self.confirm.label = confirm_label

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        """Only the member who asked may answer."""
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message("This confirmation isn't yours.", ephemeral=True)
            return False
        return True

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction[Any], button: discord.ui.Button[Any]) -> None:
        """Record yes and stop."""
        self.result, self.answer = True, interaction
        self.stop()

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction[Any], button: discord.ui.Button[Any]) -> None:
        """Record no and stop."""
        self.result, self.answer = False, interaction
        self.stop()


# Pagination.


@dataclass
class Page:
    """One rendered page of a listing."""

    embed: discord.Embed
    page_count: int


PageSource = Callable[["NexusBot", int, dict[str, Any], int], Awaitable[Page]]
"""render(bot, guild_id, payload, page_index) -> Page; page_index is clamped by the caller."""


def page_view(state_id: int, page: int, page_count: int) -> discord.ui.View | None:
    """Previous / position / Next buttons, or None when everything fits on one page."""
    if page_count <= 1:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(PageButton(state_id, page - 1, "◀ Previous", disabled=page <= 0))
    view.add_item(
        discord.ui.Button(label=f"{page + 1} / {page_count}", disabled=True, custom_id=f"nx:pgpos:{state_id}", row=0)
    )
    view.add_item(PageButton(state_id, page + 1, "Next ▶", disabled=page >= page_count - 1))
    # PageButton (a registered dynamic item) answers the clicks, so nothing needs this view once sent: stopped,
    # discord.py does not keep it in memory (forever for a public message, 15 minutes for an ephemeral one).
    view.stop()
    return view


class PageButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"nx:pg:(?P<state>\d+):(?P<page>-?\d+)"):
    """A page button; its custom id holds the listing's state id and the page it leads to."""

    def __init__(self, state_id: int, page: int, label: str = "Page", *, disabled: bool = False) -> None:
        self.state_id, self.page = state_id, page
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"nx:pg:{state_id}:{page}",
                disabled=disabled,
                row=0,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> PageButton:
        """Rebuild the button from its custom id (also after a restart)."""
        return cls(int(match["state"]), int(match["page"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Render the requested page in place."""
        try:
            bot: NexusBot = interaction.client
            page, view = await render_page(bot, self.state_id, self.page, interaction.guild_id)
            await interaction.response.edit_message(embed=page.embed, view=view, allowed_mentions=NO_MENTIONS)
        except Exception as error:  # dynamic items have no on_error of their own
            await report_error(interaction, error)


async def render_page(
    bot: NexusBot, state_id: int, page: int, guild_id: int | None
) -> tuple[Page, discord.ui.View | None]:
    """Load a listing's state and render one page of it (clamped to the pages that exist)."""
    state = await bot.core.page_state(state_id)
    if state is None or state.guild_id != guild_id:
        raise NotFoundError("This listing has expired. Run the command again.")
    source = bot.page_sources.get(state.kind)
    if source is None:
        raise NotFoundError("This listing is no longer available. Run the command again.")
    rendered = await source(bot, state.guild_id, state.payload, max(page, 0))
    if page >= rendered.page_count > 0:
        page = rendered.page_count - 1
        rendered = await source(bot, state.guild_id, state.payload, page)
    return rendered, page_view(state_id, max(page, 0), rendered.page_count)


async def send_paginated(
    interaction: discord.Interaction[Any], kind: str, payload: dict[str, Any], *, ephemeral: bool = False
) -> None:
    """Send page 1 of a listing registered under `kind`, with page buttons when there is more than one page."""
    bot: NexusBot = interaction.client
    if interaction.guild_id is None:
        raise NotFoundError("This works inside a server only.")
    state_id = await bot.core.save_page_state(interaction.guild_id, kind, payload, bot.clock.now())
    page, view = await render_page(bot, state_id, 0, interaction.guild_id)
    kwargs: dict[str, Any] = {"embed": page.embed, "ephemeral": ephemeral, "allowed_mentions": NO_MENTIONS}
    if view is not None:
        kwargs["view"] = view
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)
