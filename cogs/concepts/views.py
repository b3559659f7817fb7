"""Discord rendering for /concept: the concept embed, its restart-proof buttons, the modal and the remove choices.

Buttons that must survive a restart are :class:`discord.ui.DynamicItem` subclasses whose custom id carries everything
they need (the concept's slug); they find the store through the loaded cog, so they work on any old message.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from bot.checks import ensure_moderator
from bot.content import CONCEPT_NAME_MAX_LENGTH, DETAILS_MAX_LENGTH, SUMMARY_MAX_LENGTH, Category
from bot.errors import ConflictError, NotFoundError, report_error
from bot.ui import (
    BUTTON_LABEL_LIMIT,
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FIELD_VALUE_LIMIT,
    EMBED_TITLE_LIMIT,
    NO_MENTIONS,
    NexusModal,
    NexusView,
    code_block,
    fit_embed,
    one_line,
    truncate,
)
from cogs.concepts.catalogue import Catalogue, ConceptClashError, Entry, Origin
from cogs.concepts.drafts import (
    ALIASES_INPUT_MAX_LENGTH,
    CATEGORY_INPUT_MAX_LENGTH,
    ConceptDraft,
    DraftError,
    category_help,
    parse_draft,
)

if TYPE_CHECKING:
    from cogs.concepts.cog import Concepts

log = logging.getLogger(__name__)

COG_NAME = "Concepts"
CONCEPT_BUTTON_PREFIX = "nx:concept:"
FULL_TEXT_BUTTON_PREFIX = "nx:concept-full:"
DETAILS_PREVIEW_LIMIT = 1000
"""Longer details are cut in the public embed, which then carries a "Read in full" button."""
MAX_LINK_BUTTONS = 10
MODAL_TITLE_LIMIT = 45
COLOURS: dict[Origin, discord.Colour] = {
    Origin.CURATED: discord.Colour.blurple(),
    Origin.EDITED: discord.Colour.blurple(),
    Origin.COMMUNITY: discord.Colour.green(),
}
FOOTERS: dict[Origin, str] = {
    Origin.CURATED: "Curated by the Nexus mentors",
    Origin.EDITED: "Curated by the Nexus mentors · edited by this server's moderators",
    Origin.COMMUNITY: "Added by this server's moderators",
}


def safe_text(text: str, limit: int = 80) -> str:
    """Member text echoed back on one line: markdown shown literally, mentions defused (besides allowed_mentions)."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(one_line(text, limit)))


def concepts_cog(client: discord.Client) -> Concepts:
    """The loaded /concept cog (buttons on old messages find the store through it)."""
    cog = client.get_cog(COG_NAME) if isinstance(client, commands.Bot) else None
    if cog is None:
        raise NotFoundError("Concepts are not available right now. Try again in a minute.")
    return cog  # type: ignore[return-value]


# --- The concept embed -----------------------------------------------------------------------------------------------


def _bullets(points: Sequence[str], limit: int = EMBED_FIELD_VALUE_LIMIT) -> str:
    return truncate("\n".join(f"• {point}" for point in points), limit)


def _links(entry: Entry, limit: int = EMBED_FIELD_VALUE_LIMIT) -> str:
    if entry.curated is None:
        return ""
    lines: list[str] = []
    for resource in entry.curated.resources:
        title = resource.title.replace("[", "(").replace("]", ")")
        line = f"[{title}]({resource.url})"
        if len("\n".join([*lines, line])) > limit:
            break
        lines.append(line)
    return "\n".join(lines)


def details_preview(entry: Entry) -> tuple[str, bool]:
    """The details as the public embed shows them, and whether they were cut."""
    if len(entry.details) <= DETAILS_PREVIEW_LIMIT:
        return entry.details, False
    return truncate(entry.details, DETAILS_PREVIEW_LIMIT, "*(continued: press “Read in full”)*"), True


def concept_embed(entry: Entry) -> tuple[discord.Embed, bool]:
    """The concept as an embed, and whether its details were cut (then offer the full text)."""
    details, cut = details_preview(entry)
    description = truncate(f"**{entry.summary}**\n\n{details}", EMBED_DESCRIPTION_LIMIT)
    embed = discord.Embed(
        title=truncate(entry.name, EMBED_TITLE_LIMIT), description=description, colour=COLOURS[entry.origin]
    )
    embed.add_field(name="Category", value=entry.category.label, inline=True)
    if entry.level is not None:
        embed.add_field(name="Level", value=entry.level.label, inline=True)
    if entry.aliases:
        embed.add_field(name="Also known as", value=truncate(", ".join(entry.aliases), EMBED_FIELD_VALUE_LIMIT))
    curated = entry.curated
    if curated is not None:
        embed.add_field(name="Key points", value=_bullets(curated.key_points), inline=False)
        embed.add_field(name="Example", value=code_block(curated.example, curated.example_language), inline=False)
        if links := _links(entry):
            embed.add_field(name="Official resources", value=links, inline=False)
    embed.set_footer(text=FOOTERS[entry.origin])
    return fit_embed(embed), cut


def full_text_embed(entry: Entry) -> discord.Embed:
    """The whole details text, for the "Read in full" button."""
    return discord.Embed(
        title=truncate(entry.name, EMBED_TITLE_LIMIT),
        description=truncate(f"**{entry.summary}**\n\n{entry.details}", EMBED_DESCRIPTION_LIMIT),
        colour=COLOURS[entry.origin],
    )


def concept_view(entries: Sequence[Entry], *, full_text_of: Entry | None = None) -> discord.ui.View | None:
    """Buttons that open `entries` (and the full text of one concept), or None when there is nothing to press."""
    if not entries and full_text_of is None:
        return None
    view = discord.ui.View(timeout=None)
    if full_text_of is not None:
        view.add_item(FullTextButton(full_text_of.slug))
    for entry in entries[:MAX_LINK_BUTTONS]:
        view.add_item(ConceptButton(entry.slug, entry.name))
    # The registered dynamic items answer the clicks: stopped, the view is not kept in memory after sending (discord.py
    # keeps an ephemeral message's view 15 minutes, and this one is in every answer of /concept show and search).
    view.stop()
    return view


def concept_message(entry: Entry, catalogue: Catalogue) -> dict[str, Any]:
    """The keyword arguments of a message that shows `entry` (embed and buttons); mentions nobody by itself."""
    embed, cut = concept_embed(entry)
    kwargs: dict[str, Any] = {"embed": embed}
    view = concept_view(catalogue.related(entry), full_text_of=entry if cut else None)
    if view is not None:
        kwargs["view"] = view
    return kwargs


# --- Restart-proof buttons -----------------------------------------------------------------------------------------


class ConceptButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=re.escape(CONCEPT_BUTTON_PREFIX) + r"(?P<slug>[a-z0-9-]+)"
):
    """Opens a concept for whoever presses it, ephemerally. Any feature may put `nx:concept:<slug>` on a message."""

    def __init__(self, slug: str, label: str = "Concept") -> None:
        self.slug = slug
        super().__init__(
            discord.ui.Button(
                label=one_line(label, BUTTON_LABEL_LIMIT),
                style=discord.ButtonStyle.secondary,
                custom_id=f"{CONCEPT_BUTTON_PREFIX}{slug}",
                emoji="📘",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ConceptButton:
        """Rebuild the button from its custom id (also after a restart)."""
        return cls(match["slug"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Answer the member who pressed it with the concept, only for them."""
        try:
            store = concepts_cog(interaction.client).store
            catalogue = await store.catalogue(interaction.guild_id or 0)
            entry = catalogue.get(self.slug)
            if entry is None:
                raise NotFoundError("That concept isn't available in this server any more. Try `/concept search`.")
            await interaction.response.send_message(
                **concept_message(entry, catalogue), ephemeral=True, allowed_mentions=NO_MENTIONS
            )
        except Exception as error:  # dynamic items have no on_error of their own
            await report_error(interaction, error)


class FullTextButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=re.escape(FULL_TEXT_BUTTON_PREFIX) + r"(?P<slug>[a-z0-9-]+)",
):
    """Shows a concept's whole details text, ephemerally, when the public embed had to cut it."""

    def __init__(self, slug: str) -> None:
        self.slug = slug
        super().__init__(
            discord.ui.Button(
                label="Read in full", style=discord.ButtonStyle.primary, custom_id=f"{FULL_TEXT_BUTTON_PREFIX}{slug}"
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> FullTextButton:
        """Rebuild the button from its custom id (also after a restart)."""
        return cls(match["slug"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Answer with the full text, only for the member who pressed it."""
        try:
            store = concepts_cog(interaction.client).store
            entry = (await store.catalogue(interaction.guild_id or 0)).get(self.slug)
            if entry is None:
                raise NotFoundError("That concept isn't available in this server any more. Try `/concept search`.")
            await interaction.response.send_message(
                embed=full_text_embed(entry), ephemeral=True, allowed_mentions=NO_MENTIONS
            )
        except Exception as error:  # dynamic items have no on_error of their own
            await report_error(interaction, error)


# --- The add / edit modal --------------------------------------------------------------------------------------------

SubmitHandler = Callable[[discord.Interaction[Any], ConceptDraft], Awaitable[None]]


class ConceptModal(NexusModal):
    """Name, aliases, category, summary and details; `on_draft` receives the checked text."""

    def __init__(
        self,
        title: str,
        on_draft: SubmitHandler,
        *,
        name: str = "",
        aliases: str = "",
        category: str = "",
        summary: str = "",
        details: str = "",
    ) -> None:
        super().__init__(title=truncate(title, MODAL_TITLE_LIMIT), timeout=15 * 60)
        self.on_draft = on_draft
        self.name_input: discord.ui.TextInput[ConceptModal] = discord.ui.TextInput(
            label="Name",
            custom_id="name",
            default=name[:CONCEPT_NAME_MAX_LENGTH] or None,
            max_length=CONCEPT_NAME_MAX_LENGTH,
        )
        self.aliases_input: discord.ui.TextInput[ConceptModal] = discord.ui.TextInput(
            label="Aliases (comma-separated, optional)",
            custom_id="aliases",
            default=aliases[:ALIASES_INPUT_MAX_LENGTH] or None,
            required=False,
            max_length=ALIASES_INPUT_MAX_LENGTH,
            placeholder="e.g. orm, querysets",
        )
        self.category_input: discord.ui.TextInput[ConceptModal] = discord.ui.TextInput(
            label="Category",
            custom_id="category",
            default=category[:CATEGORY_INPUT_MAX_LENGTH] or None,
            max_length=CATEGORY_INPUT_MAX_LENGTH,
            placeholder=truncate(category_help(), 100),
        )
        self.summary_input: discord.ui.TextInput[ConceptModal] = discord.ui.TextInput(
            label="Summary (one line)",
            custom_id="summary",
            default=summary[:SUMMARY_MAX_LENGTH] or None,
            max_length=SUMMARY_MAX_LENGTH,
        )
        self.details_input: discord.ui.TextInput[ConceptModal] = discord.ui.TextInput(
            label="Details",
            custom_id="details",
            style=discord.TextStyle.paragraph,
            default=details[:DETAILS_MAX_LENGTH] or None,
            max_length=DETAILS_MAX_LENGTH,
        )
        for item in (self.name_input, self.aliases_input, self.category_input, self.summary_input, self.details_input):
            self.add_item(item)

    def copy_with_input(self) -> ConceptModal:
        """The same modal, pre-filled with what was typed (to fix a mistake without retyping everything)."""
        return ConceptModal(
            self.title,
            self.on_draft,
            name=self.name_input.value,
            aliases=self.aliases_input.value,
            category=self.category_input.value,
            summary=self.summary_input.value,
            details=self.details_input.value,
        )

    async def on_submit(self, interaction: discord.Interaction[Any], /) -> None:
        """Check the text; on a mistake, say what to fix and offer to reopen the modal with the text kept."""
        await ensure_moderator(interaction)
        try:
            draft = parse_draft(
                self.name_input.value,
                self.aliases_input.value,
                self.category_input.value,
                self.summary_input.value,
                self.details_input.value,
            )
            await self.on_draft(interaction, draft)
        except (DraftError, ConceptClashError) as error:
            header = "That concept wasn't saved:" if isinstance(error, DraftError) else "That concept wasn't saved."
            await interaction.response.send_message(
                f"{header}\n{error}\nPress **Fix and resend** to reopen the form with your text.",
                view=RetryView(interaction.user.id, self.copy_with_input()),
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )


class RetryView(NexusView):
    """One button that reopens a modal with the text the moderator typed."""

    def __init__(self, owner_id: int, modal: ConceptModal) -> None:
        super().__init__(timeout=15 * 60)
        self.owner_id = owner_id
        self.modal = modal

    @discord.ui.button(label="Fix and resend", style=discord.ButtonStyle.primary)
    async def retry(self, interaction: discord.Interaction[Any], button: discord.ui.Button[Any]) -> None:
        """Reopen the form."""
        if interaction.user.id != self.owner_id:
            raise ConflictError("This form isn't yours.")
        await interaction.response.send_modal(self.modal)


def modal_defaults(entry: Entry) -> dict[str, str]:
    """The modal's fields pre-filled with a concept's current text."""
    return {
        "name": entry.name,
        "aliases": ", ".join(entry.aliases),
        "category": entry.category.value,
        "summary": entry.summary,
        "details": entry.details,
    }


# --- Remove -------------------------------------------------------------------------------------------------------

RemoveAction = Callable[[discord.Interaction[Any], str], Awaitable[str]]


class RemoveView(NexusView):
    """The choices `/concept remove` offers for one concept; only the moderator who asked may press them.

    Community concept: Delete. Curated: Hide (and, when edited here, Restore the curated text). Hidden curated: Unhide.
    """

    def __init__(self, owner_id: int, entry: Entry, act: RemoveAction) -> None:
        super().__init__(timeout=120)
        self.owner_id = owner_id
        self.act = act
        self.message: discord.InteractionMessage | None = None
        if entry.origin is Origin.COMMUNITY:
            self._add("delete", "Delete", discord.ButtonStyle.danger)
        elif entry.hidden:
            self._add("unhide", "Unhide", discord.ButtonStyle.success)
            if entry.origin is Origin.EDITED:
                self._add("restore", "Unhide with the curated text", discord.ButtonStyle.secondary)
        else:
            self._add("hide", "Hide in this server", discord.ButtonStyle.danger)
            if entry.origin is Origin.EDITED:
                self._add("restore", "Restore the curated text", discord.ButtonStyle.primary)
        self._add("cancel", "Cancel", discord.ButtonStyle.secondary)

    def _add(self, action: str, label: str, style: discord.ButtonStyle) -> None:
        button: discord.ui.Button[RemoveView] = discord.ui.Button(label=label, style=style)

        async def pressed(interaction: discord.Interaction[Any]) -> None:
            if action == "cancel":
                await interaction.response.edit_message(content="Nothing changed.", view=None)
            else:
                await ensure_moderator(interaction)
                result = await self.act(interaction, action)
                await interaction.response.edit_message(content=result, view=None, allowed_mentions=NO_MENTIONS)
            self.stop()

        button.callback = pressed  # type: ignore[method-assign]
        self.add_item(button)

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        """Only the moderator who ran the command may choose."""
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message("This choice isn't yours.", ephemeral=True)
            return False
        return True

    async def on_timeout(self) -> None:
        """Remove the buttons once nobody can press them any more."""
        if self.message is not None:
            try:
                await self.message.edit(content="Nothing changed (timed out).", view=None)
            except discord.HTTPException:
                log.debug("Could not clear an expired remove prompt")


# --- Listing ---------------------------------------------------------------------------------------------------------

LIST_PAGE_SIZE = 12
LIST_SUMMARY_LIMIT = 90


def list_pages(entries: Sequence[Entry]) -> list[list[Entry]]:
    """`entries` (already in listing order) cut into pages."""
    return [list(entries[start : start + LIST_PAGE_SIZE]) for start in range(0, len(entries), LIST_PAGE_SIZE)]


def list_embed(
    entries: Sequence[Entry], category: Category | None, page: int, page_count: int, total: int
) -> discord.Embed:
    """One page of `/concept list`, grouped by category."""
    title = f"Concepts: {category.label}" if category else "Concepts"
    embed = discord.Embed(title=title, colour=discord.Colour.blurple())
    if not entries:
        embed.description = (
            "No concepts in this category yet." if category else "No concepts here yet."
        ) + " Moderators can add one with `/concept add`."
        return embed
    lines: list[str] = []
    current: Category | None = None
    for entry in entries:
        if entry.category is not current:
            current = entry.category
            lines.append(f"\n__**{current.label}**__" if lines else f"__**{current.label}**__")
        summary = one_line(entry.summary, LIST_SUMMARY_LIMIT)
        lines.append(f"**{discord.utils.escape_markdown(entry.name)}** · {summary}")
    embed.description = truncate("\n".join(lines), EMBED_DESCRIPTION_LIMIT)
    embed.set_footer(
        text=f"Page {page + 1} of {page_count} · {total} concept{'s' if total != 1 else ''}"
        " · open one with /concept show"
    )
    return embed


# --- Search --------------------------------------------------------------------------------------------------------


def search_embed(query: str, entries: Sequence[Entry], *, fuzzy: bool) -> discord.Embed:
    """Ranked search results, each with its one-line summary."""
    embed = discord.Embed(title="Concept search", colour=discord.Colour.blurple())
    lines = [f"Results for “{safe_text(query, 100)}”" + (" (closest names)" if fuzzy else "") + ":"]
    for position, entry in enumerate(entries, start=1):
        lines.append(f"**{position}. {discord.utils.escape_markdown(entry.name)}** · {one_line(entry.summary, 120)}")
    embed.description = truncate("\n".join(lines), EMBED_DESCRIPTION_LIMIT)
    embed.set_footer(text="Press a button, or use /concept show, to open one")
    return embed
