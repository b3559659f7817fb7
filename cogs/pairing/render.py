"""What `/pair` shows: introductions, status, history, round summaries. Builds embeds and text; sends nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Final

import discord

from bot.ui import EMBED_FIELD_VALUE_LIMIT, EMBED_TITLE_LIMIT, fit_embed, one_line, truncate
from cogs.pairing.matching import INSTANT_MAX_DISTANCE_MINUTES, Role, clock_distance
from cogs.pairing.projects import project_by_slug
from cogs.pairing.store import Pair, PairMember, QueueEntry
from cogs.pairing.timezones import format_offset, local_time, utc_offset_minutes
from cogs.pairing.topics import format_topics

PAIR_COLOUR: Final = discord.Colour.teal()
ROLE_LABELS: Final[dict[str, str]] = {"backend": "Backend", "frontend": "Frontend"}
ROLE_ICONS: Final[dict[str, str]] = {"backend": "🛠️", "frontend": "🎨"}
THREAD_NAME_LIMIT: Final = 100
NAME_LIMIT: Final = 40
SUMMARY_LINES: Final = 25


def timestamp(when: datetime, style: str = "F") -> str:
    """A Discord timestamp: every reader sees it in their own time zone."""
    return f"<t:{int(when.timestamp())}:{style}>"


def role_label(role: Role | str) -> str:
    """`Backend` / `Frontend`."""
    return ROLE_LABELS.get(role, role.title())


def zone_line(zone: str | None, now: datetime) -> str:
    """`Africa/Lagos, 14:05 there now (UTC+01:00)` or a note that the zone is unknown."""
    if not zone:
        return "not given"
    return f"{zone}, {local_time(zone, now).replace(' (', ' there now (')}"


def thread_name(pair: Pair) -> str:
    """`🤝 alice × bob`, within Discord's 100 characters."""
    backend = one_line(pair.backend.name, NAME_LIMIT)
    frontend = one_line(pair.frontend.name, NAME_LIMIT)
    return truncate(f"🤝 {backend} × {frontend}", THREAD_NAME_LIMIT)


def _profile(member: PairMember, now: datetime) -> str:
    lines = [
        f"<@{member.user_id}>",
        f"**Topics:** {truncate(format_topics(member.topics), 300)}",
        f"**Time zone:** {zone_line(member.timezone, now)}",
    ]
    return truncate("\n".join(lines), EMBED_FIELD_VALUE_LIMIT)


def apart_text(pair: Pair, now: datetime) -> str:
    """How far apart the two clocks are, in words."""
    distance = clock_distance(
        utc_offset_minutes(pair.backend.timezone, now), utc_offset_minutes(pair.frontend.timezone, now)
    )
    if distance is None:
        return "One of you hasn't given a time zone: share it when you say hello."
    if distance == 0:
        return "Your clocks show the same time, so any hour that suits one of you suits both."
    hours, minutes = divmod(distance, 60)
    gap = f"{hours} h" + (f" {minutes:02d} min" if minutes else "")
    advice = (
        "plenty of overlap for a call."
        if distance <= INSTANT_MAX_DISTANCE_MINUTES
        else "pick a call time that is daytime for both."
    )
    return f"Your clocks are {gap} apart: {advice}"


def introduction(pair: Pair, now: datetime) -> tuple[str, discord.Embed]:
    """The first message in a pair's thread: it pings the two and shows both profiles and a first project."""
    backend, frontend = pair.backend, pair.frontend
    content = (
        f"👋 <@{backend.user_id}> (backend) meet <@{frontend.user_id}> (frontend)! "
        "You're a new Nexus pair: say hello and pick a time to talk."
    )
    title = f"🤝 {one_line(backend.name, NAME_LIMIT)} × {one_line(frontend.name, NAME_LIMIT)}"
    embed = discord.Embed(title=truncate(title, EMBED_TITLE_LIMIT), colour=PAIR_COLOUR)
    embed.description = apart_text(pair, now)
    embed.add_field(
        name=f"{ROLE_ICONS['backend']} Backend: {one_line(backend.name, NAME_LIMIT)}",
        value=_profile(backend, now),
        inline=True,
    )
    embed.add_field(
        name=f"{ROLE_ICONS['frontend']} Frontend: {one_line(frontend.name, NAME_LIMIT)}",
        value=_profile(frontend, now),
        inline=True,
    )
    shared = pair.shared_topics
    if shared:
        embed.add_field(name="In common", value=truncate(format_topics(shared), 300), inline=False)
    idea = project_by_slug(pair.project)
    embed.add_field(
        name=f"💡 First project: {idea.title}",
        value=truncate(
            f"**API** (<@{backend.user_id}>): {idea.api}.\n"
            f"**Page** (<@{frontend.user_id}>): {idea.page}.\n"
            "Agree on the endpoints and the JSON first, then build both halves in parallel.",
            EMBED_FIELD_VALUE_LIMIT,
        ),
        inline=False,
    )
    embed.set_footer(text="In a week I'll ask here whether you met. When you're done: /pair end.")
    return content, fit_embed(embed)


def fallback_note(reason: str) -> str:
    """Put in front of an introduction posted in the channel instead of a private thread."""
    return f"*(I couldn't open a private thread here: {reason}. Introducing you in the channel instead.)*\n"


def checkin_text(pair: Pair) -> str:
    """The week-later question."""
    return (
        f"<@{pair.backend.user_id}> <@{pair.frontend.user_id}> it's been a week since you were paired. "
        "Did you manage to meet? (Only you two can answer; it helps us improve the pairing.)"
    )


def where_text(pair: Pair) -> str:
    """Where the pair talks: the thread, the introduction message, or a note that there is none."""
    if pair.thread_id:
        return f"<#{pair.thread_id}>"
    if pair.intro_status == "channel" and pair.channel_id and pair.intro_message_id:
        return f"https://discord.com/channels/{pair.guild_id}/{pair.channel_id}/{pair.intro_message_id}"
    if pair.intro_status == "pending":
        return "the thread is being opened"
    return "no thread (I couldn't post the introduction; say hello in a DM)"


def status_waiting(entry: QueueEntry, position: int, total: int, next_round: datetime | None, now: datetime) -> str:
    """`/pair status` for a waiting member."""
    lines = [
        f"⏳ You're waiting in the **{role_label(entry.role).lower()}** queue since "
        f"{timestamp(entry.joined_at, 'R')}: position **{position}** of {total}.",
        f"Topics: {truncate(format_topics(entry.topics), 300)} · Time zone: {zone_line(entry.timezone, now)}",
    ]
    if next_round is not None:
        lines.append(f"Next pairing round: {timestamp(next_round)} ({timestamp(next_round, 'R')}).")
    lines.append("Leave with `/pair leave`.")
    return "\n".join(lines)


def status_paired(pair: Pair, user_id: int) -> str:
    """`/pair status` for a paired member."""
    partner = pair.partner_of(user_id)
    return (
        f"🤝 You're paired with <@{partner.user_id}> ({role_label(partner.role).lower()}) "
        f"since {timestamp(pair.matched_at, 'D')}. Talk in {where_text(pair)}.\n"
        "When you're done, `/pair end` closes the pairing (it stays in `/pair history`)."
    )


def history_line(pair: Pair, user_id: int, met: str | None) -> str:
    """One past (or current) partner in `/pair history`."""
    partner = pair.partner_of(user_id)
    span = f"{timestamp(pair.matched_at, 'D')} → " + (
        timestamp(pair.ended_at, "D") if pair.ended_at else "now (current)"
    )
    name = one_line(partner.name, NAME_LIMIT)
    extra = f" · met: {met}" if met else ""
    return f"**{name}** (<@{partner.user_id}>, {role_label(partner.role).lower()}) · {span}{extra}"


def round_summary(pairs: Sequence[Pair], leftover: Sequence[QueueEntry], *, heading: str) -> discord.Embed:
    """A round's outcome for the channel (mentions in an embed never ping)."""
    embed = discord.Embed(title=heading, colour=PAIR_COLOUR)
    if pairs:
        lines = [f"<@{pair.backend.user_id}> × <@{pair.frontend.user_id}>" for pair in pairs[:SUMMARY_LINES]]
        if len(pairs) > SUMMARY_LINES:
            lines.append(f"… and {len(pairs) - SUMMARY_LINES} more pairs (each has its own thread).")
        embed.description = f"**{len(pairs)}** new pair{'s' if len(pairs) != 1 else ''}:\n" + "\n".join(lines)
    else:
        embed.description = "Nobody to pair this time: a round needs learners of both tracks waiting."
    if leftover:
        roles = sorted({entry.role for entry in leftover})
        tracks = " and ".join(role_label(role).lower() for role in roles)
        embed.add_field(
            name="Still waiting",
            value=f"{len(leftover)} {tracks} learner{'s' if len(leftover) != 1 else ''}: first in line for the "
            "next partner who joins, or the next round.",
            inline=False,
        )
    embed.set_footer(text="Join the queue with /pair join.")
    return fit_embed(embed)


def offset_text(zone: str, now: datetime) -> str:
    """`Africa/Lagos (UTC+01:00)`; plain `UTC` for UTC itself."""
    offset = utc_offset_minutes(zone, now)
    if offset is None or zone in ("UTC", "Etc/UTC", "GMT", "Etc/GMT"):
        return zone
    return f"{zone} ({format_offset(offset)})"
