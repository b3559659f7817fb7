"""`/concept`: the backend knowledge base. Discord I/O only (parse, check, render); store and pure modules do the rest.

Curated concepts come from data/concepts.toml (loaded in `cog_load`: invalid content stops the start). Moderators add
community concepts per guild, edit any concept (a curated one gets a per-guild override; the file never changes) and
remove them: a community concept is deleted, a curated one is hidden in that guild. `/concept remove` on a hidden
concept offers Unhide, and `/concept edit` on it brings it back with the edited text.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import moderator_only
from bot.content import CONCEPT_NAME_MAX_LENGTH, Category, Content, load_default_content
from bot.errors import ConflictError, InvalidInputError, NotFoundError
from bot.ui import NO_MENTIONS, Page, mention_only, send_paginated
from cogs.concepts.catalogue import Catalogue, Entry, Origin, UnknownConceptError
from cogs.concepts.drafts import ConceptDraft
from cogs.concepts.fts import QUERY_MAX_LENGTH
from cogs.concepts.matching import SEARCH_LIMIT, autocomplete, choice_label, fuzzy_search, promote_exact, resolve
from cogs.concepts.store import ConceptStore
from cogs.concepts.views import (
    COG_NAME,
    ConceptButton,
    ConceptModal,
    FullTextButton,
    RemoveView,
    concept_message,
    concept_view,
    list_embed,
    list_pages,
    modal_defaults,
    safe_text,
    search_embed,
)

if TYPE_CHECKING:
    from bot.app import NexusBot

log = logging.getLogger(__name__)

LIST_KIND = "concepts"
NAME_INPUT_MAX_LENGTH = 100
WRITE_COOLDOWN_RATE = 5
WRITE_COOLDOWN_SECONDS = 60.0
CATEGORY_CHOICES = [app_commands.Choice(name=category.label, value=category.value) for category in Category]


def _member_key(interaction: discord.Interaction[Any]) -> tuple[int | None, int]:
    return interaction.guild_id, interaction.user.id


def _check_name_length(name: str) -> None:
    if len(name) > NAME_INPUT_MAX_LENGTH:
        raise InvalidInputError(
            f"That name is {len(name):,} characters long; concept names are at most {CONCEPT_NAME_MAX_LENGTH}. "
            "Pick one from the list as you type."
        )


def _did_you_mean(entries: list[Entry]) -> str:
    return ", ".join(f"**{discord.utils.escape_markdown(entry.name)}**" for entry in entries)


@app_commands.guild_only()
class Concepts(commands.GroupCog, name=COG_NAME, group_name="concept", group_description="The backend knowledge base"):
    """Show, search and list concepts; moderators add, edit and remove them."""

    store: ConceptStore

    def __init__(self, bot: NexusBot, content: Content | None = None) -> None:
        self.bot = bot
        self._content = content
        super().__init__()

    async def cog_load(self) -> None:
        """Load and index the curated concepts (a ContentError stops the start), register buttons and the listing."""
        content = self._content if self._content is not None else load_default_content()
        self.store = ConceptStore(self.bot.db, content.concepts)
        await self.store.sync_curated()
        self.bot.add_dynamic_items(ConceptButton, FullTextButton)
        self.bot.register_page_source(LIST_KIND, self._render_list_page)

    async def cog_unload(self) -> None:
        """Stop answering this cog's buttons."""
        self.bot.remove_dynamic_items(ConceptButton, FullTextButton)

    # --- Shared --------------------------------------------------------------------------------------------------

    async def _catalogue(self, interaction: discord.Interaction[Any]) -> Catalogue:
        return await self.store.catalogue(interaction.guild_id or 0)

    async def _choices(
        self, interaction: discord.Interaction[Any], current: str, *, include_hidden: bool
    ) -> list[app_commands.Choice[str]]:
        try:
            catalogue = await self._catalogue(interaction)
            matches = autocomplete(current[:NAME_INPUT_MAX_LENGTH], catalogue, include_hidden=include_hidden)
            return [app_commands.Choice(name=choice_label(match), value=match.entry.slug) for match in matches]
        except Exception:  # an autocomplete failure must not break typing; the log keeps the traceback
            log.exception("Concept autocomplete failed for %r", current[:NAME_INPUT_MAX_LENGTH])
            return []

    async def _moderator_target(self, interaction: discord.Interaction[Any], name: str) -> Entry:
        """The concept a moderator named exactly (hidden ones included); no typo guessing before a change."""
        _check_name_length(name)
        catalogue = await self._catalogue(interaction)
        result = resolve(name, catalogue, include_hidden=True, allow_typos=False)
        if result.entry is not None:
            return result.entry
        message = f"No concept named “{safe_text(name)}”."
        if result.suggestions:
            message += f" Did you mean {_did_you_mean(list(result.suggestions))}?"
        raise NotFoundError(message + " Pick one from the list as you type.")

    # --- show ----------------------------------------------------------------------------------------------------

    @app_commands.command(name="show", description="Show a backend concept: summary, key points, example, resources")
    @app_commands.describe(name="The concept's name or an alias", for_member="Point this member to the concept")
    @app_commands.rename(for_member="for")
    async def show(
        self, interaction: discord.Interaction[Any], name: str, for_member: discord.Member | None = None
    ) -> None:
        """Post the concept publicly (mentioning only `for`), or say which names come close."""
        _check_name_length(name)
        catalogue = await self._catalogue(interaction)
        result = resolve(name, catalogue)
        if result.entry is None:
            message = f"No concept named “{safe_text(name)}”."
            if result.suggestions:
                message += f" Did you mean {_did_you_mean(list(result.suggestions))}?"
            else:
                message += " Try `/concept search` with a word from it, or browse with `/concept list`."
            kwargs: dict[str, Any] = {}
            if view := concept_view(list(result.suggestions)):
                kwargs["view"] = view
            await interaction.response.send_message(message, ephemeral=True, allowed_mentions=NO_MENTIONS, **kwargs)
            return
        message_kwargs = concept_message(result.entry, catalogue)
        if for_member is not None:
            await interaction.response.send_message(
                f"{for_member.mention}, have a look at this:",
                allowed_mentions=mention_only(for_member),
                **message_kwargs,
            )
        else:
            await interaction.response.send_message(allowed_mentions=NO_MENTIONS, **message_kwargs)

    @show.autocomplete("name")
    async def _show_names(self, interaction: discord.Interaction[Any], current: str) -> list[app_commands.Choice[str]]:
        return await self._choices(interaction, current, include_hidden=False)

    # --- search --------------------------------------------------------------------------------------------------

    @app_commands.command(name="search", description="Search the concepts' names, summaries and details")
    @app_commands.describe(query="Words to look for, e.g. “slow queries” or “cache”")
    async def search(self, interaction: discord.Interaction[Any], query: str) -> None:
        """Up to 10 ranked matches with their summaries, and buttons that open them."""
        text = query.strip()
        if not text:
            raise InvalidInputError("Type a word or two to search for, e.g. `/concept search caching`.")
        if len(text) > QUERY_MAX_LENGTH:
            raise InvalidInputError(
                f"That search is {len(text):,} characters long; keep it to {QUERY_MAX_LENGTH} "
                "(a few keywords work best)."
            )
        catalogue = await self._catalogue(interaction)
        hits = await self.store.search(interaction.guild_id or 0, text, SEARCH_LIMIT)
        found = [entry for entry in (catalogue.get(hit.slug) for hit in hits) if entry is not None]
        if found:
            found = promote_exact(text, found, catalogue, SEARCH_LIMIT)
        fuzzy = not found
        if fuzzy:
            found = fuzzy_search(text, catalogue, SEARCH_LIMIT)
        if not found:
            await interaction.response.send_message(
                f"No concept matches “{safe_text(text)}”. "
                "Try fewer or different words, or browse with `/concept list`.",
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        kwargs: dict[str, Any] = {"embed": search_embed(text, found, fuzzy=fuzzy)}
        if view := concept_view(found):
            kwargs["view"] = view
        await interaction.response.send_message(ephemeral=True, allowed_mentions=NO_MENTIONS, **kwargs)

    # --- list ----------------------------------------------------------------------------------------------------

    @app_commands.command(name="list", description="Every concept, by category")
    @app_commands.describe(category="Only this category")
    @app_commands.choices(category=CATEGORY_CHOICES)
    async def list_concepts(
        self, interaction: discord.Interaction[Any], category: app_commands.Choice[str] | None = None
    ) -> None:
        """A paginated listing (its buttons keep working after a restart)."""
        await send_paginated(interaction, LIST_KIND, {"category": category.value if category else None}, ephemeral=True)

    async def _render_list_page(self, bot: NexusBot, guild_id: int, payload: dict[str, Any], page: int) -> Page:
        catalogue = await self.store.catalogue(guild_id)
        value = payload.get("category")
        category = Category(value) if value in {item.value for item in Category} else None
        entries = catalogue.in_category(category)
        pages = list_pages(entries) or [[]]
        page = min(max(page, 0), len(pages) - 1)
        return Page(list_embed(pages[page], category, page, len(pages), len(entries)), len(pages))

    # --- add / edit / remove (moderators) ------------------------------------------------------------------------

    @app_commands.command(name="add", description="Add a concept to this server's knowledge base (moderators)")
    @app_commands.default_permissions(manage_guild=True)
    @moderator_only()
    @app_commands.checks.cooldown(WRITE_COOLDOWN_RATE, WRITE_COOLDOWN_SECONDS, key=_member_key)
    async def add(self, interaction: discord.Interaction[Any]) -> None:
        """Open the form; the concept is saved when it is submitted and valid."""
        await interaction.response.send_modal(ConceptModal("Add a concept", self._save_new))

    async def _save_new(self, interaction: discord.Interaction[Any], draft: ConceptDraft) -> None:
        assert interaction.guild_id is not None
        entry = await self.store.add(
            interaction.guild_id, draft, author_id=interaction.user.id, now=self.bot.clock.now()
        )
        catalogue = await self.store.catalogue(interaction.guild_id)
        await interaction.response.send_message(
            f"Added **{discord.utils.escape_markdown(entry.name)}**. Members can open it with `/concept show`.",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
            **concept_message(entry, catalogue),
        )

    @app_commands.command(name="edit", description="Edit a concept's text in this server (moderators)")
    @app_commands.describe(name="The concept to edit")
    @app_commands.default_permissions(manage_guild=True)
    @moderator_only()
    @app_commands.checks.cooldown(WRITE_COOLDOWN_RATE, WRITE_COOLDOWN_SECONDS, key=_member_key)
    async def edit(self, interaction: discord.Interaction[Any], name: str) -> None:
        """Open the form pre-filled with the concept's current text."""
        entry = await self._moderator_target(interaction, name)
        slug = entry.slug

        async def save(submitted: discord.Interaction[Any], draft: ConceptDraft) -> None:
            await self._save_edit(submitted, slug, draft)

        await interaction.response.send_modal(ConceptModal(f"Edit: {entry.name}", save, **modal_defaults(entry)))

    async def _save_edit(self, interaction: discord.Interaction[Any], slug: str, draft: ConceptDraft) -> None:
        assert interaction.guild_id is not None
        before = (await self.store.catalogue(interaction.guild_id)).get(slug, include_hidden=True)
        try:
            entry = await self.store.edit(
                interaction.guild_id, slug, draft, editor_id=interaction.user.id, now=self.bot.clock.now()
            )
        except UnknownConceptError:
            raise NotFoundError("That concept was removed meanwhile; nothing was saved.") from None
        catalogue = await self.store.catalogue(interaction.guild_id)
        note = " It was hidden in this server and is visible again." if before is not None and before.hidden else ""
        await interaction.response.send_message(
            f"Saved **{discord.utils.escape_markdown(entry.name)}**.{note}",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
            **concept_message(entry, catalogue),
        )

    @app_commands.command(name="remove", description="Delete a community concept, or hide a curated one (moderators)")
    @app_commands.describe(name="The concept to remove")
    @app_commands.default_permissions(manage_guild=True)
    @moderator_only()
    @app_commands.checks.cooldown(WRITE_COOLDOWN_RATE, WRITE_COOLDOWN_SECONDS, key=_member_key)
    async def remove(self, interaction: discord.Interaction[Any], name: str) -> None:
        """Ask what to do with the concept: delete, hide, restore or unhide, as fits it."""
        entry = await self._moderator_target(interaction, name)
        shown = f"**{discord.utils.escape_markdown(entry.name)}**"
        if not entry.is_curated:
            prompt = f"Delete the community concept {shown}? This can't be undone."
        elif entry.hidden:
            prompt = f"{shown} is a curated concept hidden in this server. Bring it back?"
        else:
            prompt = (
                f"{shown} is a curated concept: it can't be deleted, but it can be hidden in this server "
                "(no longer shown, searched, listed or suggested). You can bring it back later with this command."
            )
            if entry.origin is Origin.EDITED:
                prompt += " You can also drop this server's edits and restore the curated text."
        slug = entry.slug

        async def act(pressed: discord.Interaction[Any], action: str) -> str:
            return await self._remove_action(pressed, slug, action)

        view = RemoveView(interaction.user.id, entry, act)
        await interaction.response.send_message(prompt, view=view, ephemeral=True, allowed_mentions=NO_MENTIONS)
        view.message = await interaction.original_response()

    async def _remove_action(self, interaction: discord.Interaction[Any], slug: str, action: str) -> str:
        assert interaction.guild_id is not None
        guild_id, moderator, now = interaction.guild_id, interaction.user.id, self.bot.clock.now()
        try:
            if action == "delete":
                entry = await self.store.delete(guild_id, slug)
                return f"Deleted **{discord.utils.escape_markdown(entry.name)}**."
            if action in ("hide", "unhide"):
                entry = await self.store.set_hidden(guild_id, slug, action == "hide", moderator_id=moderator, now=now)
                name = discord.utils.escape_markdown(entry.name)
                if action == "hide":
                    return f"**{name}** is hidden in this server. `/concept remove {entry.slug}` brings it back."
                return f"**{name}** is visible again."
            if action == "restore":
                entry = await self.store.restore_curated(guild_id, slug)
                return f"**{discord.utils.escape_markdown(entry.name)}** reads as curated again, and is visible."
        except UnknownConceptError:
            raise NotFoundError("That concept changed meanwhile; run `/concept remove` again.") from None
        raise ConflictError("Unknown choice.")

    @edit.autocomplete("name")
    @remove.autocomplete("name")
    async def _moderator_names(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return await self._choices(interaction, current, include_hidden=True)
