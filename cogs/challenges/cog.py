"""`/challenge`: the challenges & solutions log. Discord I/O only: parse, check, render; the store does the SQL.

Decisions worth knowing:
- Numbers: challenges are #1, #2… per guild; solutions are numbered per guild too ("Solution 7"), which is the number
  `/challenge show` displays and `/challenge accept solution:` takes, so it is unambiguous across challenges.
- A challenge logged with a solution is its author's own fix: that solution is accepted at once (status solved).
- Curated challenges (data/challenges.toml) are planted once per guild (at ready, at guild join, and before any
  command runs in a guild not yet seen), as the guild's first challenges, solved, credited to the programme.
  Only moderators accept solutions of, or delete, a curated challenge.
- "Add as solution" credits the message's author (`author_id`) and records who captured it (`captured_by`) and the
  message it came from.
- "Helpful" is one vote per member per solution, never on one's own; a second click says so (no toggling, so a
  double click can't undo a vote).
- Only a challenge's author is ever pinged (when someone else adds a solution); everything else renders mentions
  with allowed_mentions that ping nobody.
- The leaderboard's "accepted" counts answers to other members' challenges: logging your own fix doesn't score.
- Search ranks by bm25 (titles weigh most, then tags, descriptions, solutions); when a query matches more than
  500 challenges, the newest 500 are ranked and the answer says so (see ChallengeStore._ranked).
- Search and list answer privately (a personal lookup); log, solve, show, accept and the leaderboard are public.
"""

from __future__ import annotations

import asyncio
import io
import logging
import math
from collections.abc import Coroutine, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import is_moderator
from bot.content import load_default_content
from bot.errors import InvalidInputError, NexusError, NotAllowedError, report_error
from bot.ui import NO_MENTIONS, ConfirmView, Page, mention_only, one_line, send_paginated, truncate
from cogs.challenges.fts import build_match_query
from cogs.challenges.models import Challenge, CuratedSeed, Solution, StatusFilter, can_manage
from cogs.challenges.render import (
    challenge_embed,
    full_text,
    leaderboard_embed,
    list_embed,
    safe_title,
    search_embed,
    show_embed,
    solution_embed,
)
from cogs.challenges.store import ChallengeStore
from cogs.challenges.validation import (
    SOLUTION_MAX_LENGTH,
    clean_text,
    parse_number,
    parse_tag_filter,
    validate_challenge,
    validate_query,
    validate_solution,
)
from cogs.challenges.views import (
    COG_NAME,
    DYNAMIC_ITEMS,
    CaptureModal,
    LogModal,
    MemberCooldown,
    SolutionModal,
    challenge_view,
    show_view,
    solution_view,
)

if TYPE_CHECKING:
    from bot.app import NexusBot

log = logging.getLogger(__name__)

PAGE_KIND_SEARCH = "challenge_search"
PAGE_KIND_LIST = "challenge_list"
SEARCH_PAGE_SIZE = 6
LIST_PAGE_SIZE = 10
MAX_NUMBER = 1_000_000_000
LOG_RATE, LOG_PER = 5, 600.0  # five new challenges per ten minutes per member
SOLUTION_RATE, SOLUTION_PER = 10, 600.0  # solve, "Add solution" and "Add as solution" share one allowance
ACCEPT_RATE, ACCEPT_PER = 10, 60.0
DELETE_RATE, DELETE_PER = 5, 60.0
CONFIRM_TIMEOUT = 60.0
AFTER_ANSWER_GRACE = 10.0  # seconds a shutdown waits for posts that follow an answer
STATUS_CHOICES = [
    app_commands.Choice(name="open", value="open"),
    app_commands.Choice(name="solved", value="solved"),
    app_commands.Choice(name="all", value="all"),
]

Number = app_commands.Range[int, 1, MAX_NUMBER]


def _member_key(interaction: discord.Interaction[Any]) -> tuple[int | None, int]:
    return (interaction.guild_id, interaction.user.id)


def curated_from_content() -> tuple[list[CuratedSeed], dict[str, str]]:
    """The curated challenges of data/challenges.toml, and the names of the concepts they link to."""
    content = load_default_content()
    seeds = [
        CuratedSeed(item.slug, item.title, item.description, item.solution, tuple(item.tags), item.concept)
        for item in content.challenges
    ]
    return seeds, {concept.slug: concept.name for concept in content.concepts}


def _guild_id(interaction: discord.Interaction[Any]) -> int:
    if interaction.guild_id is None:
        raise InvalidInputError("The challenge log works inside a server, not in direct messages.")
    return interaction.guild_id


@app_commands.guild_only()
class Challenges(
    commands.GroupCog,
    name=COG_NAME,
    group_name="challenge",
    group_description="Technical challenges and their solutions",
):
    """Log challenges, add and accept solutions, search them, and thank the members whose answers helped."""

    def __init__(
        self,
        bot: NexusBot,
        *,
        seeds: Sequence[CuratedSeed] | None = None,
        concept_names: Mapping[str, str] | None = None,
    ) -> None:
        self.bot = bot
        self.store = ChallengeStore(bot.db)
        if seeds is None:
            loaded_seeds, loaded_names = curated_from_content()
            seeds, concept_names = loaded_seeds, {**loaded_names, **(concept_names or {})}
        self.seeds = tuple(seeds)
        self.concept_names = dict(concept_names or {})
        self._concepts = {seed.slug: seed.concept for seed in self.seeds if seed.concept}
        self._seeded: set[int] = set()
        self._after_answers: set[asyncio.Task[None]] = set()
        self.solution_cooldown = MemberCooldown(SOLUTION_RATE, SOLUTION_PER)
        self.capture_menu = app_commands.ContextMenu(
            name="Add as solution",
            callback=self.capture_message,
            allowed_contexts=app_commands.AppCommandContext(guild=True, dm_channel=False, private_channel=False),
        )
        super().__init__()

    async def cog_load(self) -> None:
        """Register the message menu, the listings and the restart-proof buttons."""
        self.bot.tree.add_command(self.capture_menu)
        self.bot.register_page_source(PAGE_KIND_SEARCH, self.render_search_page)
        self.bot.register_page_source(PAGE_KIND_LIST, self.render_list_page)
        self.bot.add_dynamic_items(*DYNAMIC_ITEMS)

    async def cog_unload(self) -> None:
        """Let work that follows an answer finish (the bot closes the database after this), then undo cog_load."""
        if self._after_answers:
            await asyncio.wait(set(self._after_answers), timeout=AFTER_ANSWER_GRACE)
        self.bot.tree.remove_command(self.capture_menu.name, type=self.capture_menu.type)
        self.bot.page_sources.pop(PAGE_KIND_SEARCH, None)
        self.bot.page_sources.pop(PAGE_KIND_LIST, None)
        self.bot.remove_dynamic_items(*DYNAMIC_ITEMS)

    # Curated challenges.

    async def ensure_seeded(self, guild_id: int) -> None:
        """Plant the curated challenges in this guild once (cheap after the first call)."""
        if guild_id in self._seeded:
            return
        present = await self.store.curated_slugs(guild_id)
        if any(seed.slug not in present for seed in self.seeds):
            await self.store.seed_curated(guild_id, self.seeds, self.bot.clock.now())
        self._seeded.add(guild_id)

    @property
    def seeded_guilds(self) -> frozenset[int]:
        """The guilds known to have the curated challenges (since this start)."""
        return frozenset(self._seeded)

    async def _guild(self, interaction: discord.Interaction[Any]) -> int:
        guild_id = _guild_id(interaction)
        await self.ensure_seeded(guild_id)
        return guild_id

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """Plant the curated challenges in every guild the bot is in (tracked: a shutdown lets it finish)."""
        self._after_answer(self._seed_every_guild())

    async def _seed_every_guild(self) -> None:
        for guild in self.bot.guilds:
            try:
                await self.ensure_seeded(guild.id)
            except Exception:
                log.exception("Could not plant the curated challenges in guild %s", guild.id)

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        """Plant the curated challenges in a guild the bot just joined."""
        await self.ensure_seeded(guild.id)

    def concept_for(self, challenge: Challenge) -> tuple[str, str] | None:
        """(slug, name) of the concept a curated challenge links to."""
        slug = self._concepts.get(challenge.curated_slug or "")
        if slug is None:
            return None
        return slug, self.concept_names.get(slug, slug)

    # /challenge log.

    @app_commands.command(name="log", description="Log a technical challenge you hit, and its solution if you found it")
    @app_commands.checks.cooldown(LOG_RATE, LOG_PER, key=_member_key)
    async def log_command(self, interaction: discord.Interaction[Any]) -> None:
        """Open the challenge modal."""
        await self._guild(interaction)
        await interaction.response.send_modal(LogModal())

    async def submit_challenge(
        self, interaction: discord.Interaction[Any], title: str, description: str, solution: str, tags: str
    ) -> None:
        """Store a submitted challenge, answer "Challenge #N" with similar ones, post it in the challenge channel."""
        data = validate_challenge(title, description, solution, tags)
        guild_id = await self._guild(interaction)
        challenge, accepted = await self.store.create_challenge(
            guild_id, interaction.user.id, data, self.bot.clock.now(), channel_id=interaction.channel_id
        )
        log.info("Challenge #%s logged in guild %s by %s", challenge.number, guild_id, interaction.user.id)
        similar = await self.store.similar(guild_id, challenge)
        embed = challenge_embed(challenge, accepted=accepted, similar=similar)
        callback = await interaction.response.send_message(
            embed=embed, view=challenge_view(challenge), allowed_mentions=NO_MENTIONS
        )
        message = callback.resource
        message_id = message.id if isinstance(message, discord.InteractionMessage) else None
        self._after_answer(self._after_logging(interaction, guild_id, challenge, accepted, message_id))

    def _after_answer(self, work: Coroutine[Any, Any, None]) -> None:
        """Run what follows an answer as a tracked task: a shutdown lets it finish before the database closes."""
        task = asyncio.create_task(work)
        self._after_answers.add(task)
        task.add_done_callback(self._after_answers.discard)

    async def _after_logging(
        self,
        interaction: discord.Interaction[Any],
        guild_id: int,
        challenge: Challenge,
        accepted: Solution | None,
        message_id: int | None,
    ) -> None:
        try:
            if message_id is not None and interaction.channel_id is not None:
                await self.store.set_message(guild_id, challenge.number, interaction.channel_id, message_id)
            await self._post_to_challenge_channel(interaction, guild_id, challenge, accepted)
        except Exception as error:
            await report_error(interaction, error)

    async def _post_to_challenge_channel(
        self, interaction: discord.Interaction[Any], guild_id: int, challenge: Challenge, accepted: Solution | None
    ) -> None:
        settings = await self.bot.guild_settings.get(guild_id)
        channel_id = settings.challenge_channel_id
        if channel_id is None or channel_id == interaction.channel_id:
            return
        channel = interaction.guild.get_channel_or_thread(channel_id) if interaction.guild else None
        problem = None
        if not isinstance(channel, discord.abc.Messageable):
            problem = "the challenge channel set with `/nexus config` no longer exists"
        else:
            try:
                await channel.send(
                    embed=challenge_embed(challenge, accepted=accepted),
                    view=challenge_view(challenge),
                    allowed_mentions=NO_MENTIONS,
                )
                return
            except discord.Forbidden as error:
                log.warning("Not allowed to post challenge #%s in channel %s: %s", challenge.number, channel_id, error)
                problem = f"Discord refused me posting in <#{channel_id}> (check my permissions there)"
            except discord.HTTPException as error:
                log.warning("Could not post challenge #%s in channel %s: %s", challenge.number, channel_id, error)
                problem = f"Discord failed to deliver the post to <#{channel_id}> (HTTP {error.status}); it may be down"
        await interaction.followup.send(
            f"Your challenge is saved as #{challenge.number}, but I couldn't post it in the challenge channel: "
            f"{problem}. Tell a moderator.",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    # /challenge solve, "Add solution", "Add as solution".

    @app_commands.command(name="solve", description="Add a solution to a challenge")
    @app_commands.rename(number="id")
    @app_commands.describe(number="The challenge's number, #N (start typing to pick an open challenge)")
    async def solve(self, interaction: discord.Interaction[Any], number: Number) -> None:
        """Open the solution modal for a challenge."""
        await self.open_solution_modal(interaction, number)

    @solve.autocomplete("number")
    async def solve_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[int]]:
        """Open challenges, best match first; the newest when nothing is typed."""
        return await self._challenge_choices(interaction, current, open_only=True)

    async def _challenge_choices(
        self, interaction: discord.Interaction[Any], current: str, *, open_only: bool
    ) -> list[app_commands.Choice[int]]:
        guild_id = await self._guild(interaction)
        found = await self.store.autocomplete(guild_id, str(current or ""), open_only=open_only)
        return [app_commands.Choice(name=one_line(f"#{number} {title}", 100), value=number) for number, title in found]

    async def open_solution_modal(self, interaction: discord.Interaction[Any], number: int) -> None:
        """Check the challenge exists and the member's allowance, then open the solution modal."""
        guild_id = await self._guild(interaction)
        challenge = await self.store.get(guild_id, number)
        self.solution_cooldown.hit(guild_id, interaction.user.id)
        await interaction.response.send_modal(SolutionModal(challenge))

    async def submit_solution(self, interaction: discord.Interaction[Any], number: int, body: str) -> None:
        """Store a solution typed by the member who submits it."""
        text = validate_solution(body)
        guild_id = await self._guild(interaction)
        challenge, solution = await self.store.add_solution(
            guild_id, number, interaction.user.id, text, self.bot.clock.now()
        )
        await self._announce_solution(interaction, guild_id, challenge, solution)

    async def capture_message(self, interaction: discord.Interaction[Any], message: discord.Message) -> None:
        """Message menu "Add as solution": the modal, pre-filled with the message's text and a likely challenge."""
        guild_id = await self._guild(interaction)
        if message.author.bot:
            raise InvalidInputError(
                "That message comes from a bot or a webhook. Capture a member's answer, or use `/challenge solve`."
            )
        self.solution_cooldown.hit(guild_id, interaction.user.id)
        text = truncate(clean_text(message.content), SOLUTION_MAX_LENGTH)
        default = None
        if message.reference is not None and message.reference.message_id is not None:
            default = await self.store.number_for_message(guild_id, message.reference.message_id)
        if default is None:
            default = await self.store.newest_open_in_channel(guild_id, message.channel.id)
        await interaction.response.send_modal(CaptureModal(message, text, default))

    async def submit_capture(
        self,
        interaction: discord.Interaction[Any],
        number_text: str,
        body: str,
        author_id: int,
        channel_id: int,
        message_id: int,
    ) -> None:
        """Store a solution captured from chat: credit to the message's author, captured by the submitter."""
        number = parse_number(number_text)
        text = validate_solution(body)
        guild_id = await self._guild(interaction)
        challenge, solution = await self.store.add_solution(
            guild_id,
            number,
            author_id,
            text,
            self.bot.clock.now(),
            captured_by=interaction.user.id,
            source_channel_id=channel_id,
            source_message_id=message_id,
        )
        await self._announce_solution(interaction, guild_id, challenge, solution)

    async def _announce_solution(
        self, interaction: discord.Interaction[Any], guild_id: int, challenge: Challenge, solution: Solution
    ) -> None:
        """The public answer for a new solution; pings the challenge's author once, unless they wrote or added it."""
        log.info("Solution %s added to challenge #%s in guild %s", solution.number, challenge.number, guild_id)
        notify = challenge.author_id
        if notify in (None, solution.author_id, interaction.user.id):
            notify = None
        content = None
        allowed = NO_MENTIONS
        if notify is not None:
            content = f"<@{notify}>, your challenge #{challenge.number} has a new solution."
            allowed = mention_only(discord.Object(notify))
        await interaction.response.send_message(
            content,
            embed=solution_embed(challenge, solution, guild_id),
            view=solution_view(solution),
            allowed_mentions=allowed,
        )

    # /challenge show, "Helpful", "Full text".

    @app_commands.command(name="show", description="Show a challenge and its solutions")
    @app_commands.rename(number="id")
    @app_commands.describe(number="The challenge's number, #N")
    async def show(self, interaction: discord.Interaction[Any], number: Number) -> None:
        """The challenge and its solutions, with Add solution, Full text and Helpful buttons."""
        guild_id = await self._guild(interaction)
        challenge, solutions = await self.store.show(guild_id, number)
        concept = self.concept_for(challenge)
        await interaction.response.send_message(
            embed=show_embed(challenge, solutions, guild_id, concept_name=concept[1] if concept else None),
            view=show_view(challenge, solutions, concept),
            allowed_mentions=NO_MENTIONS,
        )

    @show.autocomplete("number")
    async def show_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[int]]:
        """Every live challenge, best match first."""
        return await self._challenge_choices(interaction, current, open_only=False)

    async def vote_helpful(self, interaction: discord.Interaction[Any], solution_number: int, where: str) -> None:
        """Record a "Helpful" and redraw the message with the new count."""
        guild_id = await self._guild(interaction)
        solution = await self.store.mark_helpful(guild_id, solution_number, interaction.user.id, self.bot.clock.now())
        if where == "s":
            challenge, solutions = await self.store.show(guild_id, solution.challenge_number)
            concept = self.concept_for(challenge)
            await interaction.response.edit_message(
                embed=show_embed(challenge, solutions, guild_id, concept_name=concept[1] if concept else None),
                view=show_view(challenge, solutions, concept),
                allowed_mentions=NO_MENTIONS,
            )
        else:
            await interaction.response.edit_message(view=solution_view(solution), allowed_mentions=NO_MENTIONS)
        total = f"{solution.helpful} member{'s' if solution.helpful != 1 else ''}"
        await interaction.followup.send(
            f"Thanks! You marked solution {solution.number} helpful ({total} so far).",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    async def send_full_text(self, interaction: discord.Interaction[Any], number: int) -> None:
        """The whole challenge and every solution, privately, as a Markdown file."""
        guild_id = await self._guild(interaction)
        challenge, solutions = await self.store.show(guild_id, number)
        names: dict[int, str] = {}
        if interaction.guild is not None:
            for member_id in {challenge.author_id, *(solution.author_id for solution in solutions)}:
                member = interaction.guild.get_member(member_id) if member_id is not None else None
                if member is not None:
                    names[member.id] = member.display_name
        text = full_text(challenge, solutions, names)
        await interaction.response.send_message(
            f"Challenge #{challenge.number} in full, with every solution:",
            file=discord.File(io.BytesIO(text.encode("utf-8")), filename=f"challenge-{challenge.number}.md"),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    # /challenge search and /challenge list.

    @app_commands.command(name="search", description="Search challenges and their solutions")
    @app_commands.describe(query="Words to look for", tag="Only challenges with this tag")
    async def search(self, interaction: discord.Interaction[Any], query: str, tag: str | None = None) -> None:
        """Ranked matches over titles, descriptions, tags and solutions, paginated."""
        await self._guild(interaction)
        text = validate_query(query)
        tag_filter = parse_tag_filter(tag)
        if build_match_query(text) is None:
            raise InvalidInputError("Search for at least one word or number, e.g. `migrations staging`.")
        # The heaviest read of the feature: acknowledge first, so a busy moment can't cost the 3-second deadline.
        await interaction.response.defer(ephemeral=True, thinking=True)
        await send_paginated(interaction, PAGE_KIND_SEARCH, {"query": text, "tag": tag_filter}, ephemeral=True)

    async def render_search_page(self, bot: NexusBot, guild_id: int, payload: dict[str, Any], page: int) -> Page:
        """One page of search results (the paginator's page source)."""
        query, tag = str(payload.get("query", "")), payload.get("tag")
        result = await self.store.search(guild_id, query, tag, limit=SEARCH_PAGE_SIZE, offset=page * SEARCH_PAGE_SIZE)
        page_count = max(math.ceil(result.total / SEARCH_PAGE_SIZE), 1)
        return Page(search_embed(result, query, page, page_count, tag), page_count)

    @app_commands.command(name="list", description="List challenges, newest first")
    @app_commands.describe(status="Open, solved or all (default)", tag="Only this tag", author="Only this member's")
    @app_commands.choices(status=STATUS_CHOICES)
    async def list_command(
        self,
        interaction: discord.Interaction[Any],
        status: app_commands.Choice[str] | None = None,
        tag: str | None = None,
        author: discord.Member | None = None,
    ) -> None:
        """Newest first, filtered, paginated."""
        await self._guild(interaction)
        chosen = status.value if status is not None else "all"
        if chosen not in ("open", "solved", "all"):
            raise InvalidInputError("Status must be open, solved or all.")
        payload = {"status": chosen, "tag": parse_tag_filter(tag), "author_id": author.id if author else None}
        await send_paginated(interaction, PAGE_KIND_LIST, payload, ephemeral=True)

    @search.autocomplete("tag")
    @list_command.autocomplete("tag")
    async def tag_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        """The guild's tags, most used first."""
        guild_id = await self._guild(interaction)
        tags = await self.store.autocomplete_tags(guild_id, current or "")
        return [app_commands.Choice(name=tag, value=tag) for tag in tags]

    async def render_list_page(self, bot: NexusBot, guild_id: int, payload: dict[str, Any], page: int) -> Page:
        """One page of /challenge list (the paginator's page source)."""
        status: StatusFilter = payload.get("status") if payload.get("status") in ("open", "solved") else "all"  # type: ignore[assignment]
        tag, author_id = payload.get("tag"), payload.get("author_id")
        challenges, total = await self.store.list_challenges(
            guild_id, status=status, tag=tag, author_id=author_id, limit=LIST_PAGE_SIZE, offset=page * LIST_PAGE_SIZE
        )
        page_count = max(math.ceil(total / LIST_PAGE_SIZE), 1)
        heading = {"open": "Open challenges", "solved": "Solved challenges", "all": "Challenges"}[status]
        if tag:
            heading += f" tagged {tag}"
        embed = list_embed(challenges, total, page, page_count, heading)
        if author_id is not None:
            embed.description = f"By <@{author_id}>\n\n" + (embed.description or "")
        return Page(embed, page_count)

    # /challenge accept and /challenge delete.

    @app_commands.command(name="accept", description="Accept a solution (the challenge's author or a moderator)")
    @app_commands.describe(solution="The solution's number, as /challenge show displays it")
    @app_commands.checks.cooldown(ACCEPT_RATE, ACCEPT_PER, key=_member_key)
    async def accept(self, interaction: discord.Interaction[Any], solution: Number) -> None:
        """Mark a solution accepted; the challenge becomes solved."""
        guild_id = await self._guild(interaction)
        moderator = await is_moderator(interaction)
        result = await self.store.accept(
            guild_id, solution, interaction.user.id, is_moderator=moderator, now=self.bot.clock.now()
        )
        accepted = result.solution
        credit = f"<@{accepted.author_id}>" if accepted.author_id is not None else "the ProDev programme"
        text = (
            f"✅ Solution {accepted.number} by {credit} is now the accepted answer to challenge "
            f"#{result.challenge.number}: {safe_title(result.challenge.title, 100)}"
        )
        if result.previous_number is not None:
            text += f" (instead of solution {result.previous_number})"
        log.info("Solution %s accepted in guild %s by %s", accepted.number, guild_id, interaction.user.id)
        await interaction.response.send_message(text + ".", allowed_mentions=NO_MENTIONS)

    @accept.autocomplete("solution")
    async def accept_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[int]]:
        """Solutions this member may accept (of their own challenges; every one for moderators), newest first."""
        guild_id = await self._guild(interaction)
        found = await self.store.autocomplete_solutions(
            guild_id, str(current or ""), interaction.user.id, is_moderator=await is_moderator(interaction)
        )
        return [
            app_commands.Choice(name=one_line(f"Solution {number} on #{challenge} {title}: {body}", 100), value=number)
            for number, challenge, title, body in found
        ]

    @app_commands.command(name="delete", description="Delete a challenge (its author or a moderator)")
    @app_commands.rename(number="id")
    @app_commands.describe(number="The challenge's number, #N")
    @app_commands.checks.cooldown(DELETE_RATE, DELETE_PER, key=_member_key)
    async def delete(self, interaction: discord.Interaction[Any], number: Number) -> None:
        """Ask for confirmation, then hide the challenge everywhere (it stays in the database)."""
        guild_id = await self._guild(interaction)
        challenge = await self.store.get(guild_id, number)
        moderator = await is_moderator(interaction)
        if not can_manage(challenge.author_id, interaction.user.id, is_moderator=moderator):
            raise NotAllowedError(f"Only the author of challenge #{number} or a moderator can delete it.")
        view = ConfirmView(interaction.user.id, confirm_label="Delete", timeout=CONFIRM_TIMEOUT)
        await interaction.response.send_message(
            f"Delete challenge #{number}: {safe_title(challenge.title, 100)}? It disappears from show, search, "
            "lists and the leaderboard.",
            view=view,
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )
        await view.wait()
        if view.result is None or view.answer is None:
            await interaction.edit_original_response(
                content=f"No answer, so challenge #{number} stays.", view=None, allowed_mentions=NO_MENTIONS
            )
            return
        answer = view.answer
        if not view.result:
            await answer.response.edit_message(
                content=f"Cancelled: challenge #{number} stays.", view=None, allowed_mentions=NO_MENTIONS
            )
            return
        try:
            moderator = await is_moderator(answer)
            await self.store.delete(guild_id, number, answer.user.id, is_moderator=moderator, now=self.bot.clock.now())
        except NexusError as error:
            await answer.response.edit_message(content=error.message, view=None, allowed_mentions=NO_MENTIONS)
            return
        except Exception as error:
            await report_error(answer, error)
            return
        log.info("Challenge #%s deleted in guild %s by %s", number, guild_id, answer.user.id)
        await answer.response.edit_message(
            content=f"Challenge #{number} is deleted.", view=None, allowed_mentions=NO_MENTIONS
        )

    # /challenge leaderboard.

    @app_commands.command(name="leaderboard", description="Members with the most accepted and most helpful solutions")
    async def leaderboard(self, interaction: discord.Interaction[Any]) -> None:
        """The top 10 by accepted solutions and by helpful votes; mentions shown, nobody pinged."""
        guild_id = await self._guild(interaction)
        await interaction.response.defer(thinking=True)  # a big guild's counts may take a moment
        by_accepted, by_helpful = await self.store.leaderboard(guild_id)
        await interaction.followup.send(embed=leaderboard_embed(by_accepted, by_helpful), allowed_mentions=NO_MENTIONS)
