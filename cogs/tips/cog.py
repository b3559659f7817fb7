"""`/tip`: weekly tips. Discord I/O only: parsing, checks and rendering; the logic is in the pure modules, SQL in
store.py.

The weekly post runs in one background task (started in `cog_load`, stopped in `cog_unload`). It sleeps on the bot's
clock until the soonest next slot of any guild (at most a minute) or until a schedule changes, then posts every owed
week exactly once (see store.py) and records the outcome; a deleted channel or a missing permission is recorded for
`/tip status`, never raised out of the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import ensure_moderator, is_moderator, moderator_only
from bot.clock import sleep_or_wake
from bot.content import TIP_BODY_MAX_LENGTH, TIP_TITLE_MAX_LENGTH, Category, Content, load_default_content
from bot.errors import ConflictError, InvalidInputError, NotFoundError, report_error
from bot.ui import (
    BUTTON_LABEL_LIMIT,
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FIELD_VALUE_LIMIT,
    EMBED_TITLE_LIMIT,
    MESSAGE_LIMIT,
    NO_MENTIONS,
    NexusModal,
    code_block,
    fit_embed,
    truncate,
)
from cogs.tips.planner import MAX_SLEEP, WeeklyPlan, owed_occurrence, seconds_until_next_check, too_late, upcoming
from cogs.tips.rotation import TipEntry
from cogs.tips.schedule import WEEKDAY_NAMES, next_occurrence, parse_time
from cogs.tips.store import (
    SUGGESTIONS_PER_DAY,
    AlreadyReviewedError,
    Suggestion,
    SuggestionLimitError,
    TipStore,
    entry_from_tip,
)
from cogs.tips.timezones import DEFAULT_ZONE, UnknownZoneError, autocomplete_zones, resolve_zone
from cogs.tips.validation import LINK_MAX_LENGTH, check_suggestion, concept_terms

if TYPE_CHECKING:
    from bot.app import NexusBot

log = logging.getLogger(__name__)

TIP_COLOUR: Final = discord.Colour.gold()
NOW_COOLDOWN: Final = (1, 60.0)  # /tip now: once a minute per member
# A post still "sending" this long after its claim was interrupted (the bot stopped mid-send).
STALE_SENDING_SECONDS: Final = 300
NEEDED_PERMISSIONS: Final = ("view_channel", "send_messages", "embed_links")
PERMISSION_NAMES: Final = {
    "view_channel": "View Channel",
    "send_messages": "Send Messages",
    "embed_links": "Embed Links",
}

CATEGORY_CHOICES: Final = [app_commands.Choice(name=category.label, value=category.value) for category in Category]
WEEKDAY_CHOICES: Final = [app_commands.Choice(name=name, value=index) for index, name in enumerate(WEEKDAY_NAMES)]


def member_key(interaction: discord.Interaction[Any]) -> tuple[int | None, int]:
    """Cooldown bucket: one member in one guild."""
    return (interaction.guild_id, interaction.user.id)


def timestamp(when: datetime, style: str = "F") -> str:
    """A Discord timestamp, shown in each reader's own time zone."""
    return f"<t:{int(when.timestamp())}:{style}>"


def when_text(when: datetime) -> str:
    """ "Monday, 5 January 2026 09:00 (in 3 days)" as Discord timestamps."""
    return f"{timestamp(when, 'F')} ({timestamp(when, 'R')})"


def category_label(value: str) -> str:
    """The human name of a category value (the raw value if it is unknown)."""
    try:
        return Category(value).label
    except ValueError:
        return value


def tip_embed(tip: TipEntry, *, heading: str) -> discord.Embed:
    """The public embed of a tip: title, body, category, link, and credit for a member's tip."""
    embed = discord.Embed(
        title=truncate(tip.title, EMBED_TITLE_LIMIT),
        description=truncate(tip.body, EMBED_DESCRIPTION_LIMIT),
        colour=TIP_COLOUR,
        url=tip.link,
    )
    embed.set_author(name=heading)
    embed.add_field(name="Category", value=category_label(tip.category), inline=True)
    if tip.author_id is not None:
        embed.add_field(name="Suggested by", value=f"<@{tip.author_id}>", inline=True)
    if tip.link:
        embed.add_field(name="Read more", value=truncate(tip.link, EMBED_FIELD_VALUE_LIMIT), inline=False)
    embed.set_footer(text="Suggest your own tip with /tip suggest")
    return fit_embed(embed)


def learn_more_view(tip: TipEntry, content: Content) -> discord.ui.View | None:
    """A "Learn more" button for a tip's concept. The concepts feature answers its custom id (restart-proof), so the
    view is stopped before sending: discord.py then does not keep it in memory for every message."""
    if not tip.concept:
        return None
    concept = content.get_concept(tip.concept)
    label = f"Learn more: {concept.name}" if concept else "Learn more"
    view = discord.ui.View(timeout=None)
    view.add_item(
        discord.ui.Button(
            label=truncate(label, BUTTON_LABEL_LIMIT),
            style=discord.ButtonStyle.primary,
            custom_id=f"nx:concept:{tip.concept}",
            emoji="📘",
        )
    )
    view.stop()
    return view


def missing_permissions(channel: discord.abc.GuildChannel | discord.Thread, me: discord.Member) -> list[str]:
    """The permissions the bot lacks to post a tip in `channel`, by their names in Server Settings."""
    permissions = channel.permissions_for(me)
    return [PERMISSION_NAMES[name] for name in NEEDED_PERMISSIONS if not getattr(permissions, name)]


class DeliveryError(Exception):
    """The weekly tip cannot be posted; the message (for moderators) says why and what to do."""


@app_commands.guild_only()
class Tips(commands.GroupCog, group_name="tip", group_description="Weekly backend tips"):
    """Tips: the weekly post, `/tip now`, member suggestions and their review."""

    def __init__(self, bot: NexusBot, content: Content | None = None) -> None:
        self.bot = bot
        self.content = content or load_default_content()
        self.store = TipStore(bot.db, [entry_from_tip(tip) for tip in self.content.tips])
        self._wake = asyncio.Event()
        self._loop_task: asyncio.Task[None] | None = None
        # Passes of the weekly loop begun and completed: lets tests (and a debugger) know when the loop has looked.
        self.passes_started = 0
        self.passes_done = 0
        self._pass_done = asyncio.Condition()
        super().__init__()

    async def cog_load(self) -> None:
        """Register the restart-proof review buttons and start the weekly loop."""
        self.bot.add_dynamic_items(ReviewButton)
        self._loop_task = asyncio.create_task(self._weekly_loop(), name="nexus-tips-weekly")

    async def cog_unload(self) -> None:
        """Stop the weekly loop (a post being sent is interrupted; its record says so) and the buttons."""
        self.bot.remove_dynamic_items(ReviewButton)
        if self._loop_task is not None:
            self._loop_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop_task
            self._loop_task = None

    # The weekly loop.

    def schedules_changed(self) -> None:
        """Wake the loop so that it re-reads the schedules now."""
        self._wake.set()

    async def _weekly_loop(self) -> None:
        await self.bot.wait_until_ready()
        log.info("Weekly tips loop started")
        while not self.bot.is_closed():
            # Cleared before reading the schedules: a change made while this pass runs wakes the next wait at once.
            self._wake.clear()
            self.passes_started += 1
            try:
                wait = await self.run_due_posts()
            except Exception:
                log.exception("Weekly tips pass failed; trying again shortly")
                wait = MAX_SLEEP.total_seconds()
            async with self._pass_done:
                self.passes_done += 1
                self._pass_done.notify_all()
            await sleep_or_wake(self.bot.clock, wait, self._wake)

    async def fresh_pass(self) -> None:
        """Wake the loop and return once a pass that began after this call has finished (for tests: time moved,
        has the loop looked yet?)."""
        async with self._pass_done:
            target = self.passes_started + 1
            self.schedules_changed()
            await self._pass_done.wait_for(lambda: self.passes_done >= target)

    async def run_due_posts(self) -> float:
        """Post (or skip) every owed week of every guild; returns how long the loop may sleep."""
        plans = await self.store.all_schedules()
        now = self.bot.clock.now()
        owed = [(plan, when) for plan in plans if (when := owed_occurrence(plan, now)) is not None]
        recorded = await self.store.recorded_slots(plan.slot(when) for plan, when in owed)
        for plan, occurrence in owed:
            if (plan.guild_id, plan.slot(occurrence)) in recorded:
                continue  # the usual case: this week's tip went out already (the claim re-checks atomically)
            try:
                await self.post_week(plan, occurrence, now)
            except Exception:  # one guild's trouble never stops the others
                log.exception("Weekly tip for guild %s failed unexpectedly", plan.guild_id)
        return seconds_until_next_check(plans, self.bot.clock.now())

    async def post_week(self, plan: WeeklyPlan, occurrence: datetime, now: datetime) -> None:
        """Post the week's tip once (catching up if less than CATCH_UP_LIMIT late), or record the week as skipped."""
        slot = plan.slot(occurrence)
        if too_late(occurrence, now):
            reason = f"I was offline when it was due ({timestamp(occurrence)}) and came back more than 6 hours late"
            if await self.store.record_skipped(plan.guild_id, slot, occurrence, plan.channel_id, reason, now):
                log.info("Skipped the weekly tip of guild %s for %s: %s late", plan.guild_id, slot, now - occurrence)
            return
        claim = await self.store.claim_scheduled(plan.guild_id, slot, occurrence, plan.channel_id, now)
        if claim is None:
            return
        try:
            channel = self._postable_channel(plan)
            message = await channel.send(
                embed=tip_embed(claim.tip, heading="💡 Tip of the week"),
                view=learn_more_view(claim.tip, self.content) or discord.utils.MISSING,
                allowed_mentions=NO_MENTIONS,
            )
        except DeliveryError as error:
            reason = str(error)
        except discord.Forbidden:
            reason = f"Discord refused me permission to post in <#{plan.channel_id}>. Check my permissions there."
        except discord.NotFound:
            reason = f"The channel <#{plan.channel_id}> no longer exists. Choose another with `/tip schedule`."
        except discord.HTTPException as error:
            reason = f"Discord failed to take the post (HTTP {error.status}). It goes out again next week."
        except Exception:
            log.exception("Unexpected error posting the weekly tip of guild %s (%s)", plan.guild_id, slot)
            reason = "Something went wrong on my side (the log has the details). It goes out again next week."
        else:
            await self.store.mark_sent(claim.post_id, message.id, self.bot.clock.now())
            log.info("Posted weekly tip %s in guild %s (%s)", claim.tip.key, plan.guild_id, slot)
            return
        log.warning("Weekly tip for guild %s (%s) not posted: %s", plan.guild_id, slot, reason)
        await self.store.mark_failed(claim.post_id, reason, self.bot.clock.now())

    def _postable_channel(self, plan: WeeklyPlan) -> discord.TextChannel | discord.Thread:
        guild = self.bot.get_guild(plan.guild_id)
        if guild is None:
            raise DeliveryError("I'm not in this server any more.")
        channel = guild.get_channel_or_thread(plan.channel_id)
        if channel is None:
            raise DeliveryError(
                f"The channel <#{plan.channel_id}> no longer exists. Choose another with `/tip schedule`."
            )
        if not isinstance(channel, discord.TextChannel | discord.Thread):
            raise DeliveryError(f"<#{plan.channel_id}> isn't a text channel. Choose another with `/tip schedule`.")
        missing = missing_permissions(channel, guild.me)
        if missing:
            raise DeliveryError(f"I'm missing permissions in <#{plan.channel_id}>: {', '.join(missing)}.")
        return channel

    async def next_post(self, plan: WeeklyPlan, now: datetime) -> datetime:
        """When the plan's next tip goes out: a week whose tip already went (or was skipped) is passed over."""
        first = next_occurrence(now, plan.weekday, plan.at, plan.zone)
        second = next_occurrence(first, plan.weekday, plan.at, plan.zone)
        taken = await self.store.slots(plan.guild_id, [plan.slot(first), plan.slot(second)])
        return upcoming(plan, now, taken)

    # Commands.

    @app_commands.command(name="now", description="Post the next tip of the rotation here")
    @app_commands.describe(category="Only tips about this (optional)")
    @app_commands.choices(category=CATEGORY_CHOICES)
    @app_commands.checks.cooldown(*NOW_COOLDOWN, key=member_key)
    async def now(self, interaction: discord.Interaction[Any], category: str | None = None) -> None:
        """Post the least recently posted tip (of `category`) in this channel; it counts for the rotation."""
        assert interaction.guild_id is not None and interaction.channel_id is not None
        claim = await self.store.claim_now(interaction.guild_id, interaction.channel_id, category, self.bot.clock.now())
        if claim is None:
            about = f" about {category_label(category)}" if category else ""
            raise NotFoundError(f"There are no tips{about} yet. Suggest one with `/tip suggest`!")
        try:
            response = await interaction.response.send_message(
                embed=tip_embed(claim.tip, heading="💡 Nexus tip"),
                view=learn_more_view(claim.tip, self.content) or discord.utils.MISSING,
                allowed_mentions=NO_MENTIONS,
            )
        except Exception as error:
            await self.store.mark_failed(
                claim.post_id, f"the answer could not be sent ({type(error).__name__})", self.bot.clock.now()
            )
            raise
        await self.store.mark_sent(claim.post_id, response.message_id, self.bot.clock.now())

    @app_commands.command(name="schedule", description="Post a tip in a channel every week (moderators)")
    @app_commands.describe(
        channel="Where the weekly tip is posted",
        weekday="The day of the week",
        at="The time, HH:MM on a 24-hour clock (e.g. 09:30)",
        timezone="Whose clock: an IANA time zone such as Africa/Lagos (default UTC)",
    )
    @app_commands.rename(at="time")
    @app_commands.choices(weekday=WEEKDAY_CHOICES)
    @app_commands.default_permissions(manage_guild=True)
    @moderator_only()
    async def schedule(
        self,
        interaction: discord.Interaction[Any],
        channel: discord.TextChannel,
        weekday: int,
        at: app_commands.Range[str, 1, 20],
        timezone: app_commands.Range[str, 1, 64] = DEFAULT_ZONE,
    ) -> None:
        """Set (or replace) the guild's weekly tip and answer with the next post time."""
        assert interaction.guild is not None
        if not 0 <= weekday <= 6:
            raise InvalidInputError("Pick a weekday from the list, Monday to Sunday.")
        try:
            local_time = parse_time(at)
        except ValueError as error:
            raise InvalidInputError(f"{str(error).replace('`', '')[:200]}.") from error
        try:
            zone = resolve_zone(timezone)
        except UnknownZoneError as error:
            raise InvalidInputError(str(error)) from error
        now = self.bot.clock.now()
        plan = await self.store.set_schedule(
            interaction.guild.id, channel.id, weekday, local_time, zone.key, now, interaction.user.id
        )
        self.schedules_changed()
        log.info(
            "Guild %s tips scheduled by %s: %s in %s", plan.guild_id, interaction.user.id, plan.describe(), channel.id
        )
        next_at = await self.next_post(plan, now)
        lines = [
            f"A tip will be posted in {channel.mention} {plan.describe()}.",
            f"Next tip: {when_text(next_at)}.",
        ]
        if next_at != next_occurrence(now, plan.weekday, plan.at, plan.zone):
            lines.append("This week's tip has already gone out, so the next one is the week after.")
        missing = missing_permissions(channel, interaction.guild.me)
        if missing:
            lines.append(
                f"⚠️ I can't post there yet: I'm missing {', '.join(missing)} in {channel.mention}. "
                "Grant them before the first post."
            )
        await interaction.response.send_message("\n".join(lines), ephemeral=True, allowed_mentions=NO_MENTIONS)

    @schedule.autocomplete("timezone")
    async def timezone_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        """IANA zones: common ones for an empty input, then prefix and typo-tolerant matches."""
        return [app_commands.Choice(name=name, value=name) for name in autocomplete_zones(current[:100])]

    @app_commands.command(name="unschedule", description="Stop the weekly tip (moderators)")
    @app_commands.default_permissions(manage_guild=True)
    @moderator_only()
    async def unschedule(self, interaction: discord.Interaction[Any]) -> None:
        """Remove the guild's weekly schedule."""
        assert interaction.guild_id is not None
        if not await self.store.remove_schedule(interaction.guild_id):
            raise NotFoundError("No weekly tip is scheduled here. Set one with `/tip schedule`.")
        self.schedules_changed()
        log.info("Guild %s tips unscheduled by %s", interaction.guild_id, interaction.user.id)
        await interaction.response.send_message(
            "The weekly tip is stopped. `/tip now` still posts one whenever you like.",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @app_commands.command(name="status", description="When the next tip goes out, where, and which went last")
    async def status(self, interaction: discord.Interaction[Any]) -> None:
        """The schedule, the next post, the last tip; moderators also see what went wrong, if anything."""
        assert interaction.guild is not None
        guild_id = interaction.guild.id
        now = self.bot.clock.now()
        plan = await self.store.get_schedule(guild_id)
        moderator = await is_moderator(interaction)
        embed = discord.Embed(title="Weekly tips", colour=TIP_COLOUR)
        if plan is None:
            embed.add_field(
                name="Schedule",
                value="No weekly tip is scheduled. A moderator can set one with `/tip schedule`.",
                inline=False,
            )
        else:
            embed.add_field(name="Schedule", value=f"In <#{plan.channel_id}> {plan.describe()}", inline=False)
            embed.add_field(name="Next tip", value=when_text(await self.next_post(plan, now)), inline=False)
        last = await self.store.last_posted(guild_id)
        if last is None:
            embed.add_field(name="Last tip", value="None yet. Try `/tip now`!", inline=False)
        else:
            where = f" in <#{last.channel_id}>" if last.channel_id else ""
            title = truncate(last.title or "a tip", 200)
            embed.add_field(
                name="Last tip",
                value=f"**{title}**{where}, {timestamp(last.finished_at or last.created_at, 'R')}",
                inline=False,
            )
        pool = await self.store.pool(guild_id)
        community = sum(tip.is_community for tip in pool)
        rotation = f"{len(pool)} tips ({len(pool) - community} curated, {community} from members)"
        if moderator:
            pending = await self.store.pending_count(guild_id)
            rotation += f"; {pending} suggestion{'s' if pending != 1 else ''} waiting for `/tip review`"
            problems = await self._problems(interaction.guild, plan, now)
            if problems:
                embed.add_field(name="⚠️ Needs attention", value=truncate("\n".join(problems), 1024), inline=False)
                embed.colour = discord.Colour.orange()
        embed.add_field(name="Rotation", value=rotation, inline=False)
        await interaction.response.send_message(embed=fit_embed(embed), ephemeral=True, allowed_mentions=NO_MENTIONS)

    async def _problems(self, guild: discord.Guild, plan: WeeklyPlan | None, now: datetime) -> list[str]:
        """What a moderator should fix: the last scheduled attempt's trouble, and the channel as it is now."""
        problems = []
        last = await self.store.last_scheduled(guild.id)
        if last is not None and last.due_at is not None:
            due = timestamp(last.due_at)
            if last.status == "failed":
                problems.append(f"The tip due {due} was not posted: {last.error}")
            elif last.status == "skipped":
                problems.append(f"The tip due {due} was skipped: {last.error}.")
            elif last.status == "sending" and (now - last.created_at).total_seconds() > STALE_SENDING_SECONDS:
                problems.append(
                    f"The tip due {due} may not have been posted: I stopped while posting it. "
                    "Use `/tip now` in the channel if it is missing."
                )
        if plan is not None:
            try:
                self._postable_channel(plan)
            except DeliveryError as error:
                reported = last.error if last is not None and last.error else ""
                if str(error) not in reported:
                    problems.append(f"Right now: {error}")
        return problems

    # No in-memory cooldown here: a member whose text was refused must be able to try again at once. The write
    # itself is limited to SUGGESTIONS_PER_DAY a day, counted in the database (so a restart does not reset it).
    @app_commands.command(name="suggest", description="Suggest a tip; moderators review it")
    async def suggest(self, interaction: discord.Interaction[Any]) -> None:
        """Open the suggestion modal (unless the member reached the daily limit)."""
        assert interaction.guild_id is not None
        retry_at = await self.store.suggestion_retry_at(interaction.guild_id, interaction.user.id, self.bot.clock.now())
        if retry_at is not None:
            raise ConflictError(
                f"You've made {SUGGESTIONS_PER_DAY} suggestions today, thank you! You can suggest again "
                f"{timestamp(retry_at, 'R')}."
            )
        await interaction.response.send_modal(SuggestModal(self))

    async def concept_lookup(self, guild_id: int) -> dict[str, str]:
        """Case-folded names, aliases and slugs of every concept a tip may link to, mapped to slugs."""
        terms = [(term, concept.slug) for concept in self.content.concepts for term in concept.terms]
        terms += [(slug, slug) for slug in await self.store.community_concept_slugs(guild_id)]
        return concept_terms(terms)

    @app_commands.command(name="review", description="Review the oldest suggested tip (moderators)")
    @app_commands.default_permissions(manage_guild=True)
    @moderator_only()
    async def review(self, interaction: discord.Interaction[Any]) -> None:
        """Show the oldest pending suggestion with Approve / Reject buttons."""
        assert interaction.guild_id is not None
        suggestion = await self.store.oldest_pending(interaction.guild_id)
        if suggestion is None:
            await interaction.response.send_message(
                "No suggestions are waiting for review. 🎉", ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        pending = await self.store.pending_count(interaction.guild_id)
        await interaction.response.send_message(
            embed=review_embed(suggestion, pending),
            view=review_view(suggestion),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )


def review_embed(suggestion: Suggestion, pending: int) -> discord.Embed:
    """A pending suggestion as a moderator reviews it."""
    embed = discord.Embed(
        title=truncate(f"Suggestion #{suggestion.number}: {suggestion.title}", EMBED_TITLE_LIMIT),
        description=truncate(suggestion.body, EMBED_DESCRIPTION_LIMIT),
        colour=discord.Colour.blurple(),
        url=suggestion.link,
    )
    embed.add_field(name="Category", value=category_label(suggestion.category), inline=True)
    embed.add_field(name="Concept", value=f"`{suggestion.concept}`" if suggestion.concept else "none", inline=True)
    embed.add_field(
        name="Suggested by", value=f"<@{suggestion.author_id}> {timestamp(suggestion.created_at, 'R')}", inline=True
    )
    if suggestion.link:
        embed.add_field(name="Link", value=truncate(suggestion.link, EMBED_FIELD_VALUE_LIMIT), inline=False)
    others = pending - 1
    embed.set_footer(text=f"{others} more waiting after this one" if others > 0 else "The last one waiting")
    return fit_embed(embed)


def review_view(suggestion: Suggestion) -> discord.ui.View:
    """Approve / Reject for one suggestion (restart-proof)."""
    view = discord.ui.View(timeout=None)
    view.add_item(ReviewButton(suggestion.id, approve=True))
    view.add_item(ReviewButton(suggestion.id, approve=False))
    return view


class ReviewButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"nx:tipreview:(?P<action>approve|reject):(?P<id>\d+)"
):
    """Approve or Reject a suggestion; works after a restart, and re-checks that the clicker is a moderator."""

    def __init__(self, suggestion_id: int, *, approve: bool) -> None:
        self.suggestion_id, self.approve = suggestion_id, approve
        action = "approve" if approve else "reject"
        super().__init__(
            discord.ui.Button(
                label="Approve" if approve else "Reject",
                style=discord.ButtonStyle.success if approve else discord.ButtonStyle.danger,
                custom_id=f"nx:tipreview:{action}:{suggestion_id}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any
    ) -> ReviewButton:
        """Rebuild the button from its custom id."""
        return cls(int(match["id"]), approve=match["action"] == "approve")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Record the decision, then show the next pending suggestion in place."""
        try:
            await self._decide(interaction)
        except Exception as error:  # dynamic items have no on_error of their own
            await report_error(interaction, error)

    async def _decide(self, interaction: discord.Interaction[Any]) -> None:
        await ensure_moderator(interaction)
        bot: NexusBot = interaction.client
        cog = bot.get_cog("Tips")
        if not isinstance(cog, Tips) or interaction.guild_id is None:
            raise NotFoundError("Tips are not available right now. Try again in a moment.")
        store = cog.store
        try:
            decided = await store.review(
                interaction.guild_id,
                self.suggestion_id,
                approve=self.approve,
                reviewer_id=interaction.user.id,
                now=bot.clock.now(),
            )
        except AlreadyReviewedError as error:
            earlier = error.suggestion
            by = f" by <@{earlier.reviewed_by}>" if earlier.reviewed_by else ""
            outcome = f"Suggestion #{earlier.number} was already {earlier.status}{by}."
        else:
            if decided is None:
                raise NotFoundError("That suggestion no longer exists.")
            title = truncate(decided.title, 100)
            if self.approve:
                outcome = (
                    f"✅ Approved suggestion #{decided.number} **{title}** by <@{decided.author_id}>: "
                    "it joins this server's rotation."
                )
            else:
                outcome = f"Rejected suggestion #{decided.number} **{title}**."
            log.info(
                "Guild %s suggestion %s %s by %s",
                interaction.guild_id,
                decided.number,
                decided.status,
                interaction.user.id,
            )
        following = await store.oldest_pending(interaction.guild_id)
        if following is None:
            await interaction.response.edit_message(
                content=f"{outcome}\nNo more suggestions are waiting.",
                embed=None,
                view=None,
                allowed_mentions=NO_MENTIONS,
            )
            return
        pending = await store.pending_count(interaction.guild_id)
        await interaction.response.edit_message(
            content=f"{outcome}\nNext one:",
            embed=review_embed(following, pending),
            view=review_view(following),
            allowed_mentions=NO_MENTIONS,
        )


class SuggestModal(NexusModal, title="Suggest a tip"):
    """Title, tip, category, concept (optional) and link (optional)."""

    tip_title: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Title", max_length=TIP_TITLE_MAX_LENGTH, placeholder="Commit the migration with the model change"
    )
    body: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Tip",
        style=discord.TextStyle.paragraph,
        max_length=TIP_BODY_MAX_LENGTH,
        placeholder="What should a learner do, and why? Concrete beats general.",
    )
    category: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Category", max_length=40, placeholder="django, databases, docker, security, caching…"
    )
    concept: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Related concept (optional)", required=False, max_length=60, placeholder="e.g. django-migrations"
    )
    link: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Link (optional, https)", required=False, max_length=LINK_MAX_LENGTH, placeholder="https://…"
    )

    def __init__(self, cog: Tips) -> None:
        super().__init__()
        self.cog = cog

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        """Check every field and store the suggestion; a problem answers with the text so nothing is lost."""
        assert interaction.guild_id is not None
        cog = self.cog
        try:
            checked = check_suggestion(
                self.tip_title.value,
                self.body.value,
                self.category.value,
                self.concept.value,
                self.link.value,
                await cog.concept_lookup(interaction.guild_id),
            )
        except ValueError as error:
            await interaction.response.send_message(
                self._keep_text(f"Your suggestion wasn't saved. {error}"),
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        try:
            suggestion = await cog.store.add_suggestion(
                interaction.guild_id,
                interaction.user.id,
                title=checked.title,
                body=checked.body,
                category=checked.category.value,
                concept=checked.concept,
                link=checked.link,
                now=cog.bot.clock.now(),
            )
        except SuggestionLimitError as error:
            raise ConflictError(
                f"You've made {SUGGESTIONS_PER_DAY} suggestions today, thank you! You can suggest again "
                f"{timestamp(error.retry_at, 'R')}."
            ) from error
        log.info("Guild %s: tip suggestion #%s by %s", interaction.guild_id, suggestion.number, interaction.user.id)
        await interaction.response.send_message(
            f"Thanks! Your tip **{truncate(suggestion.title, 100)}** is suggestion #{suggestion.number}; "
            "it goes into the rotation once a moderator approves it.",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    def _keep_text(self, message: str) -> str:
        """The error, then what the member typed, so they can fix it without starting over."""
        header = f"{message}\nHere's what you wrote, to copy into `/tip suggest` again:\n"
        room = MESSAGE_LIMIT - len(header)
        return header + code_block(f"{self.tip_title.value}\n\n{self.body.value}", limit=room)
