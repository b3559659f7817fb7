"""How challenges look in Discord: embeds, button rows and the full-text file. No database, no decisions.

Member text goes into embeds (which never ping) and is truncated to Discord's limits with a pointer to the
"Full text" button; markdown in titles is escaped where a title sits inside our own formatting.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import discord

from bot.ui import EMBED_FIELD_VALUE_LIMIT, fit_embed, one_line, truncate
from cogs.challenges.models import Challenge, Leader, SearchResult, Solution

OPEN_COLOUR = discord.Colour.orange()
SOLVED_COLOUR = discord.Colour.green()
CURATED_AUTHOR = "the ProDev programme (curated)"
FULL_TEXT_POINTER = "(cut short: press **Full text** to read it all)"
SHOW_DESCRIPTION_LIMIT = 1500
SHOW_SOLUTION_LIMIT = 700
SHOW_SOLUTIONS = 5
LOG_DESCRIPTION_LIMIT = 2500
LIST_TITLE_LIMIT = 80
HELPFUL_EMOJI = "👍"


def status_label(challenge: Challenge) -> str:
    """ "🟠 open" / "✅ solved"."""
    return "🟠 open" if challenge.is_open else "✅ solved"


def author_text(member_id: int | None) -> str:
    """A member mention (rendered, never pinging: every send sets allowed_mentions), or the curated credit."""
    return f"<@{member_id}>" if member_id is not None else CURATED_AUTHOR


def timestamp(iso: str, style: str = "R") -> str:
    """A Discord timestamp (shown in each reader's own time zone)."""
    try:
        return f"<t:{int(datetime.fromisoformat(iso).timestamp())}:{style}>"
    except ValueError:
        return iso


def tags_text(tags: Sequence[str]) -> str:
    """Tags as inline code, e.g. `django` `orm`."""
    return " ".join(f"`{tag}`" for tag in tags)


def safe_title(title: str, limit: int = LIST_TITLE_LIMIT) -> str:
    """A member's title on one line, with markdown neutralised, for use inside our own formatting."""
    return discord.utils.escape_markdown(one_line(title, limit))


def message_link(guild_id: int, channel_id: int | None, message_id: int | None) -> str | None:
    """A jump link to a message, when we know where it is."""
    if channel_id is None or message_id is None:
        return None
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def challenge_title(challenge: Challenge) -> str:
    """ "Challenge #12: title" (title ≤ 100, so within the embed title limit)."""
    return f"Challenge #{challenge.number}: {one_line(challenge.title, 200)}"


def credit_line(solution: Solution, guild_id: int) -> str:
    """Who wrote a solution, and who captured it from chat when that was someone else."""
    line = f"by {author_text(solution.author_id)}"
    if solution.captured_by is not None and solution.captured_by != solution.author_id:
        link = message_link(guild_id, solution.source_channel_id, solution.source_message_id)
        source = f"[a chat message]({link})" if link else "chat"
        line += f", captured from {source} by <@{solution.captured_by}>"
    elif solution.source_message_id is not None:
        link = message_link(guild_id, solution.source_channel_id, solution.source_message_id)
        if link:
            line += f", from [a chat message]({link})"
    return line


def solution_heading(solution: Solution) -> str:
    """ "✅ Solution 7 · 3 helpful" (the number /challenge accept takes)."""
    mark = "✅ Accepted · " if solution.accepted else ""
    helpful = f" · {HELPFUL_EMOJI} {solution.helpful} helpful" if solution.helpful else ""
    return f"{mark}Solution {solution.number}{helpful}"


def challenge_embed(
    challenge: Challenge,
    *,
    accepted: Solution | None = None,
    similar: Sequence[Challenge] = (),
    concept_name: str | None = None,
) -> discord.Embed:
    """The public "Challenge #N" embed sent when a challenge is logged (and posted in the challenge channel)."""
    embed = discord.Embed(
        title=challenge_title(challenge),
        description=truncate(challenge.description, LOG_DESCRIPTION_LIMIT, FULL_TEXT_POINTER),
        colour=OPEN_COLOUR if challenge.is_open else SOLVED_COLOUR,
    )
    embed.add_field(name="Logged by", value=author_text(challenge.author_id), inline=True)
    embed.add_field(name="Status", value=status_label(challenge), inline=True)
    if challenge.tags:
        embed.add_field(name="Tags", value=tags_text(challenge.tags), inline=True)
    if accepted is not None:
        embed.add_field(
            name=solution_heading(accepted),
            value=truncate(accepted.body, EMBED_FIELD_VALUE_LIMIT - 60, FULL_TEXT_POINTER),
            inline=False,
        )
    if similar:
        lines = [f"**#{item.number}** {safe_title(item.title, 70)} · {status_label(item)}" for item in similar]
        embed.add_field(
            name="Similar earlier challenges",
            value=truncate("\n".join(lines) + "\nOpen one with `/challenge show`.", EMBED_FIELD_VALUE_LIMIT),
            inline=False,
        )
    if concept_name:
        embed.add_field(name="Related concept", value=concept_name, inline=False)
    embed.set_footer(text=f"Solved it or know how? /challenge solve id:{challenge.number}")
    return fit_embed(embed)


def show_embed(
    challenge: Challenge, solutions: Sequence[Solution], guild_id: int, *, concept_name: str | None = None
) -> discord.Embed:
    """/challenge show: the challenge and its first solutions (accepted, then most helpful, then oldest)."""
    embed = discord.Embed(
        title=challenge_title(challenge),
        description=truncate(challenge.description, SHOW_DESCRIPTION_LIMIT, FULL_TEXT_POINTER),
        colour=OPEN_COLOUR if challenge.is_open else SOLVED_COLOUR,
    )
    details = (
        f"{status_label(challenge)} · logged by {author_text(challenge.author_id)} {timestamp(challenge.created_at)}"
    )
    if challenge.tags:
        details += f"\n{tags_text(challenge.tags)}"
    if concept_name:
        details += f"\nRelated concept: **{concept_name}**"
    embed.add_field(name="Details", value=truncate(details, EMBED_FIELD_VALUE_LIMIT), inline=False)
    if not solutions:
        embed.add_field(name="No solutions yet", value="Know how to fix it? Press **Add solution**.", inline=False)
    for solution in solutions[:SHOW_SOLUTIONS]:
        credit = credit_line(solution, guild_id)
        body = truncate(solution.body, SHOW_SOLUTION_LIMIT, FULL_TEXT_POINTER)
        embed.add_field(
            name=solution_heading(solution), value=truncate(f"{credit}\n{body}", EMBED_FIELD_VALUE_LIMIT), inline=False
        )
    hidden = len(solutions) - SHOW_SOLUTIONS
    if hidden > 0:
        embed.add_field(
            name=f"…and {hidden} more solution{'s' if hidden != 1 else ''}",
            value="Press **Full text** to read every solution.",
            inline=False,
        )
    embed.set_footer(text="Accept one with /challenge accept solution:<number> (the challenge's author or a moderator)")
    return fit_embed(embed)


def solution_embed(challenge: Challenge, solution: Solution, guild_id: int) -> discord.Embed:
    """The public answer when a solution is added."""
    embed = discord.Embed(
        title=f"Solution {solution.number} to challenge #{challenge.number}",
        description=truncate(solution.body, 3500, FULL_TEXT_POINTER),
        colour=discord.Colour.blurple(),
    )
    embed.add_field(name="Challenge", value=f"#{challenge.number} {safe_title(challenge.title, 100)}", inline=False)
    embed.add_field(name="Credit", value=truncate(credit_line(solution, guild_id), 1000), inline=False)
    embed.set_footer(text=f"The challenge's author can accept it: /challenge accept solution:{solution.number}")
    return fit_embed(embed)


def list_row(challenge: Challenge) -> str:
    """One challenge as a line of /challenge list."""
    solutions = f"{challenge.solution_count} solution{'s' if challenge.solution_count != 1 else ''}"
    row = f"**#{challenge.number}** {safe_title(challenge.title)}\n{status_label(challenge)} · {solutions}"
    row += f" · {author_text(challenge.author_id)} {timestamp(challenge.created_at)}"
    if challenge.tags:
        row += f" · {tags_text(challenge.tags)}"
    return row


def list_embed(challenges: Sequence[Challenge], total: int, page: int, page_count: int, heading: str) -> discord.Embed:
    """One page of /challenge list."""
    if not challenges:
        return discord.Embed(
            title=heading, description="No challenge matches that. Log one with `/challenge log`.", colour=OPEN_COLOUR
        )
    embed = discord.Embed(
        title=heading, description="\n\n".join(list_row(item) for item in challenges), colour=discord.Colour.blurple()
    )
    embed.set_footer(text=f"{total} challenge{'s' if total != 1 else ''} · page {page + 1} of {max(page_count, 1)}")
    return fit_embed(embed)


def search_embed(result: SearchResult, query: str, page: int, page_count: int, tag: str | None) -> discord.Embed:
    """One page of /challenge search."""
    heading = truncate(f"Challenges matching “{one_line(query, 100)}”" + (f" tagged {tag}" if tag else ""), 256)
    if not result.hits:
        where = f" tagged `{tag}`" if tag else ""
        return discord.Embed(
            title=heading,
            description=f"No challenge{where} matches that. Try other or fewer words, or log it with `/challenge log`.",
            colour=OPEN_COLOUR,
        )
    rows = []
    for hit in result.hits:
        row = list_row(hit.challenge)
        if hit.excerpt:
            row += f"\n> {discord.utils.escape_markdown(hit.excerpt)}"
        rows.append(row)
    embed = discord.Embed(title=heading, description="\n\n".join(rows), colour=discord.Colour.blurple())
    footer = f"{result.total} match{'es' if result.total != 1 else ''}, best first · page {page + 1} of {page_count}"
    if result.capped:
        footer = (
            f"Best of the {result.total:,} newest matches, page {page + 1} of {page_count}. Add words to narrow it."
        )
    if result.mode == "any":
        footer = "No challenge has every word; these have some of them. " + footer
    embed.set_footer(text=footer)
    return fit_embed(embed)


def leaderboard_embed(by_accepted: Sequence[Leader], by_helpful: Sequence[Leader]) -> discord.Embed:
    """The top members by accepted solutions and by helpful votes."""
    embed = discord.Embed(title="Challenge leaderboard", colour=discord.Colour.gold())

    def rows(leaders: Sequence[Leader], first: str) -> str:
        lines = []
        for rank, leader in enumerate(leaders, start=1):
            counts = (
                f"{leader.accepted} accepted · {leader.helpful} helpful"
                if first == "accepted"
                else f"{leader.helpful} helpful · {leader.accepted} accepted"
            )
            lines.append(f"{rank}. <@{leader.member_id}>: {counts}")
        return "\n".join(lines)

    embed.add_field(
        name="Most accepted solutions",
        value=rows(by_accepted, "accepted") or "No accepted solutions yet.",
        inline=False,
    )
    embed.add_field(
        name="Most helpful solutions",
        value=rows(by_helpful, "helpful") or "Nobody has marked a solution helpful yet.",
        inline=False,
    )
    embed.set_footer(
        text="Accepted: answers to someone else's challenge, chosen by its author or a moderator. "
        "Helpful: votes from members."
    )
    return embed


def full_text(challenge: Challenge, solutions: Sequence[Solution], names: Mapping[int, str]) -> str:
    """The whole challenge and every solution as Markdown, for the Full text attachment (`names`: known members)."""

    def name(member_id: int | None) -> str:
        if member_id is None:
            return CURATED_AUTHOR
        return names.get(member_id) or f"member {member_id}"

    author = name(challenge.author_id)
    parts = [
        f"# Challenge #{challenge.number}: {challenge.title}",
        f"Status: {challenge.status} · logged by {author} on {challenge.created_at[:10]}",
    ]
    if challenge.tags:
        parts.append("Tags: " + ", ".join(challenge.tags))
    parts += ["", challenge.description, ""]
    for solution in solutions:
        by = name(solution.author_id)
        mark = " (accepted)" if solution.accepted else ""
        parts += [f"## Solution {solution.number}{mark}, by {by}, {solution.helpful} helpful", "", solution.body, ""]
    return "\n".join(parts)
