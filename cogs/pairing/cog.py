"""`/pair`: backend × frontend pairing. Discord I/O only: parsing, checks and rendering; matching is in the pure
modules, SQL in store.py.

A match opens a private thread in the pairing channel (or where `/pair join` ran), adds both members and posts the
introduction; without permission to create threads it is posted in the channel instead. Introductions are recorded,
so one that a stop interrupted is posted by the next start.

One background task (started in `cog_load`, stopped in `cog_unload`) runs the weekly rounds and their reminders,
and asks each pair a week after the match whether they met. It sleeps on the bot's clock until the next thing is
due (at most MAX_SLEEP) or until a schedule changes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import moderator_only
from bot.clock import sleep_or_wake
from bot.errors import ConflictError, InvalidInputError, NotAllowedError, NotFoundError, report_error
from bot.ui import NO_MENTIONS, Page, mention_only, send_paginated, truncate
from cogs.pairing.matching import Role, other_role
from cogs.pairing.render import (
    PAIR_COLOUR,
    checkin_text,
    fallback_note,
    history_line,
    introduction,
    offset_text,
    role_label,
    round_summary,
    status_paired,
    status_waiting,
    thread_name,
    timestamp,
    where_text,
)
from cogs.pairing.store import ANSWERS, Answer, JoinRequest, Pair, PairingStore, RoundOutcome, Schedule
from cogs.pairing.timezones import UnknownTimezoneError, autocomplete_timezones, resolve_timezone
from cogs.pairing.topics import TopicsError, parse_topics
from cogs.tips.schedule import WEEKDAY_NAMES, format_time, next_occurrence, parse_time, previous_occurrence, week_slot

if TYPE_CHECKING:
    from bot.app import NexusBot

log = logging.getLogger(__name__)

JOIN_COOLDOWN: Final = (5, 60.0)  # typos in a time zone count too
LEAVE_COOLDOWN: Final = (3, 60.0)
END_COOLDOWN: Final = (3, 60.0)
ROUND_COOLDOWN: Final = (2, 60.0)
SCHEDULE_COOLDOWN: Final = (5, 60.0)
MAX_SLEEP: Final = timedelta(minutes=5)
# A weekly round missed while the bot was down still runs on its return if it is less late than this.
MISSED_ROUND_GRACE: Final = timedelta(hours=6)
REMINDER_BEFORE: Final = timedelta(days=1)
THREAD_ARCHIVE_MINUTES: Final = 10080  # a week: the longest Discord allows
HISTORY_PAGE_SIZE: Final = 10
HISTORY_KIND: Final = "pair_history"
DEFAULT_ZONE: Final = "UTC"
ANSWER_LABELS: Final[dict[str, str]] = {"yes": "yes", "not_yet": "not yet"}

ROLE_CHOICES: Final = [
    app_commands.Choice(name="Backend (APIs, databases, servers)", value="backend"),
    app_commands.Choice(name="Frontend (pages, UI, browsers)", value="frontend"),
]
WEEKDAY_CHOICES: Final = [app_commands.Choice(name=name, value=index) for index, name in enumerate(WEEKDAY_NAMES)]


def member_key(interaction: discord.Interaction[Any]) -> tuple[int | None, int]:
    """Cooldowns are per member per guild."""
    return interaction.guild_id, interaction.user.id


def parse_zone(text: str | None) -> str | None:
    """The IANA name for an option value (None when not given); a clear InvalidInputError otherwise."""
    if text is None or not text.strip():
        return None
    try:
        return resolve_timezone(text)
    except UnknownTimezoneError as error:
        shown = truncate(error.text.replace("`", "'"), 64)
        hint = (
            " Did you mean " + ", ".join(f"`{name}`" for name in error.suggestions) + "?"
            if error.suggestions
            else " Pick one from the list as you type, e.g. `Africa/Lagos` or `Europe/London`."
        )
        raise InvalidInputError(f"`{shown}` isn't a time zone I know (use an IANA name).{hint}") from error


def parse_role(value: str) -> Role:
    """The role option (a choice, but checked: a forged value is refused)."""
    if value == "backend":
        return "backend"
    if value == "frontend":
        return "frontend"
    raise InvalidInputError("Pick your track from the list: backend or frontend.")


class MetButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"nx:pairmet:(?P<pair>\d+):(?P<answer>[a-z_]+)"
):
    """ "Did you meet?" Yes / Not yet, a week after a match. Restart-proof: the custom id holds pair and answer."""

    def __init__(self, pair_id: int, answer: str) -> None:
        self.pair_id, self.answer = pair_id, answer
        yes = answer == "yes"
        super().__init__(
            discord.ui.Button(
                label="Yes, we met" if yes else "Not yet",
                emoji="✅" if yes else "⏳",
                style=discord.ButtonStyle.success if yes else discord.ButtonStyle.secondary,
                custom_id=f"nx:pairmet:{pair_id}:{answer}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> MetButton:
        """Rebuild the button from its custom id (also after a restart)."""
        return cls(int(match["pair"]), match["answer"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Record the answer of one of the two partners."""
        try:
            cog = interaction.client.get_cog("Pairing")
            if not isinstance(cog, Pairing):
                raise NotFoundError("Pairing is not available right now. Try again in a minute.")
            await cog.record_checkin(interaction, self.pair_id, self.answer)
        except Exception as error:  # dynamic items have no on_error of their own
            await report_error(interaction, error)


def checkin_view(pair_id: int) -> discord.ui.View:
    """The two answer buttons."""
    view = discord.ui.View(timeout=None)
    for answer in ANSWERS:
        view.add_item(MetButton(pair_id, answer))
    return view


@app_commands.guild_only()
class Pairing(commands.GroupCog, group_name="pair", group_description="Backend × frontend pairing"):
    """Queue, instant matches, rounds, weekly schedule, check-ins."""

    def __init__(self, bot: NexusBot) -> None:
        self.bot = bot
        self.store = PairingStore(bot.db)
        self._wake = asyncio.Event()
        self._loop_task: asyncio.Task[None] | None = None
        # Pairings whose introduction this process is posting right now (the loop leaves them alone), and the
        # highest pairing id that existed at start: older pending introductions were interrupted by a stop.
        self._introducing: set[int] = set()
        self._retry_intros: set[int] = set()
        self._recover_upto = 0
        self.passes_started = 0
        self.passes_done = 0
        super().__init__()

    async def cog_load(self) -> None:
        """Register the check-in buttons and the history listing, then start the background loop."""
        self.bot.add_dynamic_items(MetButton)
        self.bot.register_page_source(HISTORY_KIND, self.history_page)
        self._recover_upto = await self.store.newest_pair_id()
        self._loop_task = asyncio.create_task(self._loop(), name="nexus-pairing-loop")

    async def cog_unload(self) -> None:
        """Stop the loop and the buttons."""
        self.bot.remove_dynamic_items(MetButton)
        if self._loop_task is not None:
            self._loop_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop_task
            self._loop_task = None

    # Commands.

    @app_commands.command(name="join", description="Join the pairing queue: get a partner from the other track")
    @app_commands.describe(
        role="Your track",
        topics="What you'd like to work on, comma-separated (e.g. django, docker, react); at most 10",
        timezone="Your time zone (IANA name, e.g. Africa/Lagos), so your partner's clock is close to yours",
    )
    @app_commands.choices(role=ROLE_CHOICES)
    @app_commands.checks.cooldown(*JOIN_COOLDOWN, key=member_key)
    async def join(
        self,
        interaction: discord.Interaction[Any],
        role: str,
        topics: str | None = None,
        timezone: str | None = None,
    ) -> None:
        """Queue the member, or pair them at once with the best fitting learner of the other track."""
        assert interaction.guild_id is not None
        track = parse_role(role)
        try:
            wanted = parse_topics(topics)
        except TopicsError as error:
            raise InvalidInputError(str(error)) from error
        zone = parse_zone(timezone)
        await interaction.response.defer(ephemeral=True, thinking=True)
        now = self.bot.clock.now()
        request = JoinRequest(
            interaction.user.id, interaction.user.display_name, track, wanted, zone, interaction.channel_id
        )
        outcome = await self.store.join(interaction.guild_id, request, now)
        if outcome.kind == "already_queued" and outcome.entry is not None:
            entry = outcome.entry
            raise ConflictError(
                f"You're already in the {role_label(entry.role).lower()} queue (position {outcome.position}, since "
                f"{timestamp(entry.joined_at, 'R')}). Nothing changed. To change your track, topics or time zone, "
                "`/pair leave` and join again."
            )
        if outcome.kind == "already_paired" and outcome.pair is not None:
            pair = outcome.pair
            raise ConflictError(
                f"You're already paired with <@{pair.partner_of(interaction.user.id).user_id}> "
                f"(in {where_text(pair)}). Nothing changed. `/pair end` that pairing first to join again."
            )
        if outcome.kind == "queued" and outcome.entry is not None:
            await interaction.followup.send(
                await self._queued_text(interaction.guild_id, track, outcome.position, outcome.waiting_other),
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            log.info("Guild %s: %s queued as %s", interaction.guild_id, interaction.user.id, track)
            return
        assert outcome.pair is not None
        pair = outcome.pair
        self._introducing.add(pair.id)
        log.info("Guild %s: pair %s matched on join", pair.guild_id, pair.id)
        try:
            pair = await self.introduce(pair)
        except Exception:  # the pairing stands; the loop posts the introduction on its next pass
            log.exception("Pair %s: introduction failed unexpectedly", pair.id)
            self._retry_intros.add(pair.id)
        finally:
            self._introducing.discard(pair.id)
        partner = pair.partner_of(interaction.user.id)
        await interaction.followup.send(
            f"🤝 You're paired with <@{partner.user_id}> ({role_label(partner.role).lower()})! "
            f"Say hello in {where_text(pair)}.",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    async def _queued_text(self, guild_id: int, role: Role, position: int, waiting_other: int) -> str:
        other = role_label(other_role(role)).lower()
        lines = [f"✅ You are in the queue, position {position} ({role_label(role).lower()} track)."]
        if waiting_other == 0:
            lines.append(f"No {other} learner is waiting right now: you'll be paired as soon as one joins.")
        else:
            lines.append(
                f"{waiting_other} {other} learner{'s are' if waiting_other != 1 else ' is'} waiting, but none fits "
                "yet (clocks more than 3 h apart, or you were paired before). You'll be paired when a fitting "
                "learner joins, or in the next pairing round."
            )
        next_round = await self._next_round(guild_id)
        if next_round is not None:
            lines.append(f"Next pairing round: {timestamp(next_round)} ({timestamp(next_round, 'R')}).")
        lines.append("`/pair status` shows your place; `/pair leave` leaves the queue.")
        return "\n".join(lines)

    @join.autocomplete("timezone")
    async def join_timezone_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        """IANA zones: common ones for an empty input, then prefix and typo-tolerant matches (at most 25)."""
        return [app_commands.Choice(name=name, value=name) for name in autocomplete_timezones(current[:100])]

    @app_commands.command(name="leave", description="Leave the pairing queue")
    @app_commands.checks.cooldown(*LEAVE_COOLDOWN, key=member_key)
    async def leave(self, interaction: discord.Interaction[Any]) -> None:
        """Take the member out of the queue."""
        assert interaction.guild_id is not None
        entry = await self.store.leave(interaction.guild_id, interaction.user.id)
        if entry is None:
            pair = await self.store.current_pair(interaction.guild_id, interaction.user.id)
            if pair is not None:
                raise NotFoundError(
                    f"You're not in the queue: you're paired with <@{pair.partner_of(interaction.user.id).user_id}>. "
                    "To stop that pairing, use `/pair end`."
                )
            raise NotFoundError("You're not in the queue, so there's nothing to leave. Join with `/pair join`.")
        log.info("Guild %s: %s left the queue", interaction.guild_id, interaction.user.id)
        await interaction.response.send_message(
            f"👋 You've left the {role_label(entry.role).lower()} queue. Come back any time with `/pair join`.",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @app_commands.command(name="status", description="Your place in the queue, or who you're paired with")
    async def status(self, interaction: discord.Interaction[Any]) -> None:
        """Waiting (since when, position) or paired (with whom, where)."""
        assert interaction.guild_id is not None
        guild_id, user_id = interaction.guild_id, interaction.user.id
        entry = await self.store.queue_entry(guild_id, user_id)
        if entry is not None:
            position, total = await self.store.position(entry)
            text = status_waiting(entry, position, total, await self._next_round(guild_id), self.bot.clock.now())
        else:
            pair = await self.store.current_pair(guild_id, user_id)
            if pair is not None:
                text = status_paired(pair, user_id)
            else:
                past = await self.store.history_count(guild_id, user_id)
                text = "You're not in the queue and not paired. Join with `/pair join`." + (
                    f" You've had {past} pairing{'s' if past != 1 else ''}: see `/pair history`." if past else ""
                )
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="end", description="End your current pairing (it stays in your history)")
    @app_commands.checks.cooldown(*END_COOLDOWN, key=member_key)
    async def end(self, interaction: discord.Interaction[Any]) -> None:
        """End the current pairing and archive its thread."""
        assert interaction.guild_id is not None
        pair = await self.store.end(interaction.guild_id, interaction.user.id, self.bot.clock.now())
        if pair is None:
            waiting = await self.store.queue_entry(interaction.guild_id, interaction.user.id)
            hint = " You're waiting in the queue: `/pair leave` leaves it." if waiting else ""
            raise NotFoundError(f"You're not paired right now, so there's nothing to end.{hint}")
        await interaction.response.defer(ephemeral=True, thinking=True)
        log.info("Guild %s: pair %s ended by %s", pair.guild_id, pair.id, interaction.user.id)
        note = await self._archive(pair, interaction.user)
        partner = pair.partner_of(interaction.user.id)
        await interaction.followup.send(
            f"Your pairing with <@{partner.user_id}> has ended{note}. It's kept in `/pair history`; "
            "join again with `/pair join` whenever you like.",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    async def _archive(self, pair: Pair, by: discord.abc.User) -> str:
        """Say goodbye in the thread and archive it; returns a note for the member ("" when all went well)."""
        if not pair.thread_id:
            return ""
        thread = self.bot.get_channel(pair.thread_id)
        try:
            if not isinstance(thread, discord.Thread):
                fetched = await self.bot.fetch_channel(pair.thread_id)
                if not isinstance(fetched, discord.Thread):
                    return ""
                thread = fetched
            await thread.send(
                f"This pairing was ended by {truncate(discord.utils.escape_markdown(by.display_name), 80)}. "
                "Thanks for building together! The thread is archived; it stays readable.",
                allowed_mentions=NO_MENTIONS,
            )
            await thread.edit(archived=True)
        except discord.NotFound:
            return " (its thread no longer exists)"
        except discord.HTTPException as error:
            log.warning("Could not archive thread %s of pair %s: %s", pair.thread_id, pair.id, error)
            return " (I couldn't archive its thread: I may be missing the Manage Threads permission)"
        return " and its thread is archived"

    @app_commands.command(name="history", description="Your past partners")
    async def history(self, interaction: discord.Interaction[Any]) -> None:
        """Past (and current) partners with dates, paginated."""
        assert interaction.guild_id is not None
        if not await self.store.history_count(interaction.guild_id, interaction.user.id):
            raise NotFoundError("You haven't been paired yet. Join the queue with `/pair join`.")
        await send_paginated(interaction, HISTORY_KIND, {"user_id": interaction.user.id}, ephemeral=True)

    async def history_page(self, bot: NexusBot, guild_id: int, payload: dict[str, Any], page: int) -> Page:
        """One page of a member's pairing history."""
        user_id = int(payload["user_id"])
        total = await self.store.history_count(guild_id, user_id)
        pages = max((total + HISTORY_PAGE_SIZE - 1) // HISTORY_PAGE_SIZE, 1)
        page = min(page, pages - 1)
        pairs = await self.store.history(guild_id, user_id, limit=HISTORY_PAGE_SIZE, offset=page * HISTORY_PAGE_SIZE)
        lines = []
        for pair in pairs:
            answer = (await self.store.checkin_answers(pair.id)).get(user_id)
            lines.append(history_line(pair, user_id, ANSWER_LABELS.get(answer) if answer else None))
        embed = discord.Embed(
            title="Your pairings",
            description="\n".join(lines) or "No pairings on this page.",
            colour=PAIR_COLOUR,
        )
        embed.set_footer(text=f"{total} pairing{'s' if total != 1 else ''} in all · newest first")
        return Page(embed, pages)

    @app_commands.command(name="round", description="Pair everyone waiting now, best total fit (moderators)")
    @app_commands.default_permissions(manage_guild=True)
    @moderator_only()
    @app_commands.checks.cooldown(*ROUND_COOLDOWN, key=member_key)
    async def round_(self, interaction: discord.Interaction[Any]) -> None:
        """Run a round now and post its summary here; each new pair gets a thread."""
        assert interaction.guild_id is not None
        await interaction.response.defer(thinking=True)
        outcome = await self.store.run_round(interaction.guild_id, self.bot.clock.now())
        assert outcome is not None
        self._introducing.update(pair.id for pair in outcome.pairs)
        log.info(
            "Guild %s: round by %s made %d pairs, %d stay queued",
            interaction.guild_id,
            interaction.user.id,
            len(outcome.pairs),
            len(outcome.leftover),
        )
        try:
            await interaction.followup.send(
                embed=round_summary(outcome.pairs, outcome.leftover, heading="🤝 Pairing round"),
                allowed_mentions=NO_MENTIONS,
            )
        finally:  # the pairs exist whatever happened to the summary
            await self._introduce_all(outcome)

    @app_commands.command(name="schedule", description="Run a pairing round automatically every week (moderators)")
    @app_commands.describe(
        weekday="The day of the week",
        at="The time, HH:MM on a 24-hour clock (e.g. 18:00)",
        timezone="Whose clock: an IANA time zone such as Africa/Lagos (default UTC)",
    )
    @app_commands.rename(at="time")
    @app_commands.choices(weekday=WEEKDAY_CHOICES)
    @app_commands.default_permissions(manage_guild=True)
    @moderator_only()
    @app_commands.checks.cooldown(*SCHEDULE_COOLDOWN, key=member_key)
    async def schedule(
        self, interaction: discord.Interaction[Any], weekday: int, at: str, timezone: str = DEFAULT_ZONE
    ) -> None:
        """Set (or replace) the guild's weekly round; a reminder goes out a day before each."""
        assert interaction.guild_id is not None and interaction.channel_id is not None
        if not 0 <= weekday <= 6:
            raise InvalidInputError("Pick a weekday from the list, Monday to Sunday.")
        try:
            local = parse_time(at)
        except ValueError as error:
            raise InvalidInputError(
                f"`{truncate(at.replace('`', ''), 20)}` isn't a time: use HH:MM on a 24-hour clock, e.g. 18:00."
            ) from error
        zone = parse_zone(timezone) or DEFAULT_ZONE
        now = self.bot.clock.now()
        schedule = await self.store.set_schedule(
            interaction.guild_id,
            weekday,
            format_time(local),
            zone,
            interaction.channel_id,
            interaction.user.id,
            now,
        )
        self._wake.set()
        log.info("Guild %s pairing rounds scheduled by %s", interaction.guild_id, interaction.user.id)
        next_round = next_occurrence(now, weekday, local, ZoneInfo(zone))
        channel_id = await self._announce_channel_id(schedule)
        lines = [
            f"🗓️ Pairing rounds every **{WEEKDAY_NAMES[weekday]} at {format_time(local)}**, {offset_text(zone, now)}.",
            f"Next round: {timestamp(next_round)} ({timestamp(next_round, 'R')}).",
            f"A reminder goes to <#{channel_id}> a day before each round"
            + (
                " (the first one now, as the round is less than a day away)."
                if next_round - now <= REMINDER_BEFORE
                else "."
            ),
        ]
        await interaction.response.send_message("\n".join(lines), ephemeral=True, allowed_mentions=NO_MENTIONS)

    @schedule.autocomplete("timezone")
    async def schedule_timezone_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        """IANA zones, as for `/pair join`."""
        return [app_commands.Choice(name=name, value=name) for name in autocomplete_timezones(current[:100])]

    # Check-ins.

    async def record_checkin(self, interaction: discord.Interaction[Any], pair_id: int, answer: str) -> None:
        """A partner answered "did you meet?"."""
        if answer not in ANSWERS:
            raise NotFoundError("This button is no longer valid.")
        pair = await self.store.get_pair(pair_id)
        if pair is None or pair.guild_id != interaction.guild_id:
            raise NotFoundError("This pairing no longer exists.")
        if not pair.has(interaction.user.id):
            raise NotAllowedError(f"Only <@{pair.backend.user_id}> and <@{pair.frontend.user_id}> can answer this one.")
        checked: Answer = "yes" if answer == "yes" else "not_yet"
        await self.store.answer_checkin(pair.id, interaction.user.id, checked, self.bot.clock.now())
        text = (
            "🎉 Great, noted that you met. Keep building!"
            if checked == "yes"
            else "Noted: not yet. Suggest two or three times here; a short call is enough to get going."
        )
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    # Introductions.

    def _intro_channel(self, guild: discord.Guild, *channel_ids: int | None) -> discord.TextChannel | None:
        for channel_id in channel_ids:
            if not channel_id:
                continue
            channel = guild.get_channel_or_thread(channel_id)
            if isinstance(channel, discord.Thread):
                channel = channel.parent
            if isinstance(channel, discord.TextChannel):
                return channel
        return None

    async def introduce(self, pair: Pair) -> Pair:
        """Open the pair's private thread, add both, post the introduction; record where it went."""
        guild = self.bot.get_guild(pair.guild_id)
        if guild is None:
            log.warning("Pair %s: not in guild %s; introduction left pending", pair.id, pair.guild_id)
            return pair
        settings = await self.bot.guild_settings.get(pair.guild_id)
        channel = self._intro_channel(guild, settings.pairing_channel_id, pair.channel_id)
        if channel is None:
            log.warning("Pair %s: no text channel to introduce them in", pair.id)
            await self.store.set_intro(pair.id, "failed")
            return await self._reload(pair)
        content, embed = introduction(pair, self.bot.clock.now())
        mentions = mention_only(discord.Object(pair.backend.user_id), discord.Object(pair.frontend.user_id))
        try:
            try:
                thread = await channel.create_thread(
                    name=thread_name(pair),
                    type=discord.ChannelType.private_thread,
                    invitable=False,
                    auto_archive_duration=THREAD_ARCHIVE_MINUTES,
                    reason=f"Nexus pairing #{pair.id}",
                )
            except discord.Forbidden as error:
                log.info(
                    "Pair %s: cannot create threads in %s (%s); posting in the channel", pair.id, channel.id, error
                )
                message = await channel.send(
                    truncate(fallback_note("I don't have permission to create private threads") + content, 2000),
                    embed=embed,
                    allowed_mentions=mentions,
                )
                await self.store.set_intro(pair.id, "channel", channel_id=channel.id, message_id=message.id)
                return await self._reload(pair)
            for member in pair.members:
                try:
                    await thread.add_user(discord.Object(member.user_id))
                except discord.HTTPException as error:  # the mention below still invites them
                    log.warning("Pair %s: could not add %s to thread %s: %s", pair.id, member.user_id, thread.id, error)
            message = await thread.send(content, embed=embed, allowed_mentions=mentions)
            await self.store.set_intro(
                pair.id, "thread", channel_id=channel.id, thread_id=thread.id, message_id=message.id
            )
        except (discord.Forbidden, discord.NotFound) as error:
            log.warning("Pair %s: introduction failed for good in %s: %s", pair.id, channel.id, error)
            await self.store.set_intro(pair.id, "failed")
        except discord.HTTPException as error:
            log.warning("Pair %s: introduction failed (%s); the loop will try again", pair.id, error)
            self._retry_intros.add(pair.id)
        return await self._reload(pair)

    async def _reload(self, pair: Pair) -> Pair:
        return await self.store.get_pair(pair.id) or pair

    async def _introduce_all(self, outcome: RoundOutcome) -> None:
        try:
            for pair in outcome.pairs:
                try:
                    await self.introduce(pair)
                except Exception:
                    log.exception("Pair %s: introduction failed unexpectedly", pair.id)
                    self._retry_intros.add(pair.id)
                finally:
                    self._introducing.discard(pair.id)
        finally:
            self._introducing.difference_update(pair.id for pair in outcome.pairs)

    # The background loop: weekly rounds, reminders, check-ins, interrupted introductions.

    def schedules_changed(self) -> None:
        """Wake the loop so that it looks again now."""
        self._wake.set()

    async def _loop(self) -> None:
        await self.bot.wait_until_ready()
        while not self.bot.is_closed():
            self._wake.clear()
            self.passes_started += 1
            try:
                wait = await self.run_due_work()
            except Exception:
                log.exception("Pairing loop pass failed; trying again shortly")
                wait = MAX_SLEEP.total_seconds()
            self.passes_done += 1
            await sleep_or_wake(self.bot.clock, wait, self._wake)

    async def run_due_work(self) -> float:
        """Do everything due now; returns how long the loop may sleep."""
        await self._recover_intros()
        schedules = await self.store.schedules()
        for schedule in schedules:
            if self.bot.get_guild(schedule.guild_id) is None:
                continue
            try:
                await self._run_schedule(schedule)
            except Exception:  # one guild's trouble never stops the others
                log.exception("Weekly pairing work for guild %s failed", schedule.guild_id)
        await self._post_checkins()
        return await self._seconds_until_next(schedules)

    async def _recover_intros(self) -> None:
        for pair in await self.store.pending_intros():
            if pair.id in self._introducing or (pair.id > self._recover_upto and pair.id not in self._retry_intros):
                continue
            if self.bot.get_guild(pair.guild_id) is None:
                continue
            self._retry_intros.discard(pair.id)
            self._introducing.add(pair.id)
            try:
                await self.introduce(pair)
            finally:
                self._introducing.discard(pair.id)

    async def _run_schedule(self, schedule: Schedule) -> None:
        zone, local = ZoneInfo(schedule.timezone), parse_time(schedule.time)
        now = self.bot.clock.now()
        last = previous_occurrence(now, schedule.weekday, local, zone)
        if last > schedule.updated_at and now - last < MISSED_ROUND_GRACE:
            slot = week_slot(last, schedule.weekday, zone)
            outcome = await self.store.run_round(schedule.guild_id, now, slot=slot)
            if outcome is not None:
                self._introducing.update(pair.id for pair in outcome.pairs)
                log.info("Guild %s: weekly round %s made %d pairs", schedule.guild_id, slot, len(outcome.pairs))
                try:
                    await self._announce(
                        schedule,
                        embed=round_summary(outcome.pairs, outcome.leftover, heading="🤝 Weekly pairing round"),
                    )
                finally:
                    await self._introduce_all(outcome)
        upcoming = next_occurrence(now, schedule.weekday, local, zone)
        if upcoming - now <= REMINDER_BEFORE:
            slot = week_slot(upcoming, schedule.weekday, zone)
            if await self.store.claim_reminder(schedule.guild_id, slot, now):
                counts = await self.store.waiting_counts(schedule.guild_id)
                await self._announce(
                    schedule,
                    content=(
                        f"⏰ Next pairing round: {timestamp(upcoming)} ({timestamp(upcoming, 'R')}). "
                        f"Want a partner from the other track? Use `/pair join` before then. Waiting now: "
                        f"{counts['backend']} backend, {counts['frontend']} frontend."
                    ),
                )

    async def _announce_channel_id(self, schedule: Schedule) -> int:
        settings = await self.bot.guild_settings.get(schedule.guild_id)
        return settings.pairing_channel_id or schedule.channel_id

    async def _announce(
        self, schedule: Schedule, *, content: str | None = None, embed: discord.Embed | None = None
    ) -> None:
        channel_id = await self._announce_channel_id(schedule)
        channel = self.bot.get_channel(channel_id)
        if not isinstance(channel, discord.TextChannel | discord.Thread):
            log.warning("Guild %s: pairing channel %s is gone; announcement not posted", schedule.guild_id, channel_id)
            return
        try:
            if embed is not None:
                await channel.send(content, embed=embed, allowed_mentions=NO_MENTIONS)
            else:
                await channel.send(content, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as error:
            log.warning("Guild %s: pairing announcement not posted in %s: %s", schedule.guild_id, channel_id, error)

    async def _post_checkins(self) -> None:
        for pair in await self.store.due_checkins(self.bot.clock.now()):
            if self.bot.get_guild(pair.guild_id) is None:
                continue
            target = pair.thread_id or pair.channel_id
            if not target or not await self.store.claim_checkin(pair.id, self.bot.clock.now()):
                continue
            try:
                await self.bot.get_partial_messageable(target, guild_id=pair.guild_id).send(
                    checkin_text(pair),
                    view=checkin_view(pair.id),
                    allowed_mentions=mention_only(
                        discord.Object(pair.backend.user_id), discord.Object(pair.frontend.user_id)
                    ),
                )
            except (discord.Forbidden, discord.NotFound) as error:
                log.warning("Pair %s: check-in cannot be posted in %s (%s); not retried", pair.id, target, error)
            except discord.HTTPException as error:
                log.warning("Pair %s: check-in failed (%s); retried on the next pass", pair.id, error)
                await self.store.release_checkin(pair.id)
            else:
                log.info("Pair %s: asked whether they met", pair.id)

    async def _next_round(self, guild_id: int) -> datetime | None:
        schedule = await self.store.get_schedule(guild_id)
        if schedule is None:
            return None
        return next_occurrence(
            self.bot.clock.now(), schedule.weekday, parse_time(schedule.time), ZoneInfo(schedule.timezone)
        )

    async def _seconds_until_next(self, schedules: list[Schedule]) -> float:
        now = self.bot.clock.now()
        wait = MAX_SLEEP
        for schedule in schedules:
            upcoming = next_occurrence(now, schedule.weekday, parse_time(schedule.time), ZoneInfo(schedule.timezone))
            for moment in (upcoming - REMINDER_BEFORE, upcoming):
                if moment > now:
                    wait = min(wait, moment - now)
        due = await self.store.next_checkin_due()
        if due is not None and due > now:  # those already due were handled by this pass
            wait = min(wait, due - now)
        return max(wait.total_seconds(), 1.0)
