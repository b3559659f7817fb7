"""Bad inputs tried: hypothesis generates option values and modal texts (empty, very long, control characters,
right-to-left and zero-width characters, markdown, code fences, @everyone, @here, role and user mentions, SQL and FTS5
syntax, numbers out of range…) for every command that takes text or numbers, every modal, and the autocompletes.

One bot serves every example. The examples are drawn up front by hypothesis with a fixed seed (`derandomize`), so a
run is deterministic; each is then played through the stand-in. Every interaction must be answered, none with an
unexpected error ("Something went wrong (ref …)") or an ERROR log, and no request that creates or edits a message may
allow pinging @everyone, @here, a role, or a member named only in the input.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from bot.app import NexusBot
from sandbox import InteractionHandle, Member, NotPossible, StandIn

from .conftest import Figures
from .support import mention_problems, rows, texts, unexpected

pytestmark = pytest.mark.asyncio

EXAMPLES = 30  # per case below; every example sends one to five values
STRING_OPTION_LIMIT = 6000  # Discord's limit for a string option without max_length
MESSAGE_LIMIT = 2000
MAX_ID = 1_000_000_000  # the integer options' max_value

# Filled in with real ids once the stand-in exists (see `nasty_pieces`).
PIECES = [
    "",
    " ",
    "\n\n",
    "@everyone",
    "@here",
    "@\u200beveryone",
    "<@&{role}>",
    "<@&{everyone}>",
    "<@{victim}>",
    "<@!{victim}>",
    "<#{channel}>",
    "```",
    "```py\nprint('hi')\n```",
    "`",
    "**bold** __under__ ~~strike~~ ||spoiler|| > quote",
    "# Heading\n- item\n[link](https://example.com)",
    "\u202eright-to-left override",
    "\u200f\u200e\u061c",
    "\u200b\u200c\u200d\u2060\ufeff",
    "مرحبا بالعالم",
    "עברית",
    "\x00\x01\x07\x1b[31mred\x1b[0m\x7f",
    "\r\n\t\v\f",
    "'; DROP TABLE challenges; --",
    "' OR '1'='1",
    '" OR 1=1 --',
    "%s %d {0} {}",
    'NEAR(a b, 2) AND "unterminated',
    "title:django OR tags:*",
    "a AND OR NOT ()",
    "* ^ - + : ( ) \" '",
    "-1",
    "0",
    "#0",
    "99999999999",
    "1e309",
    "NaN",
    "٣",
    "４２",
    "1_000",
    "24:00",
    "9:60",
    "-05:00",
    "../../etc/passwd",
    "Etc/GMT+14",
    "UTC\x00",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 👩‍💻🏳️‍🌈",
    "Z̷̧̛a̸̢͝l̶͙̈g̵̱̃o̶̰̓",
    "https://example.com/" + "a" * 80,
    "javascript:alert(1)",
]
# Member names (Discord allows 32 characters): they reach introductions, thread names and credits.
NAMES = ["@everyone", "@here ", "<@&{role}>", "```", "**bold**||x||", "\u202eevil", "\u200b", "<@{victim}>", "# big"]
WORDS = ["Django", "migrations fail", "redis cache", "N+1", "docker", "ci", "JWT auth", "backend", "react", "UTC"]
LONG = ["x" * 4000, "é" * 2001, "<@&{role}> " * 300, "```" * 700, "\u200b" * 3000, "word " * 1300]


@dataclass
class Stats:
    """What was tried."""

    interactions: int = 0
    values: int = 0
    refused_by_client: int = 0


def text_strategy() -> st.SearchStrategy[str]:
    """Texts of every nasty kind: curated pieces, concatenations of pieces and random text, random unicode, long;
    and plausible text with a nasty piece inside, so that many examples pass validation and get stored and shown."""
    piece = st.one_of(
        st.sampled_from(PIECES),
        st.text(max_size=30),
        st.text(st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "So", "Nd", "Pd"]), max_size=12),
    )
    plausible = st.builds(" ".join, st.lists(st.one_of(st.sampled_from(WORDS), piece), min_size=2, max_size=5))
    return st.one_of(
        plausible,
        st.sampled_from(PIECES),
        st.lists(piece, min_size=1, max_size=6).map("".join),
        plausible,
        st.text(max_size=200),
        st.sampled_from(LONG),
    )


def number_strategy() -> st.SearchStrategy[int]:
    """Integer option values Discord lets through (1 … 10⁹): curated ones, edges, and anything in between."""
    return st.one_of(st.sampled_from([1, 2, 3, 4, 5, 999_999_999, MAX_ID]), st.integers(1, MAX_ID))


def draw(strategy: st.SearchStrategy[Any], n: int) -> list[Any]:
    """`n` examples of `strategy`, the same ones every run (hypothesis derandomized, no example database)."""
    found: list[Any] = []

    @settings(
        max_examples=n,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(strategy)
    def collect(value: Any) -> None:
        found.append(value)

    collect()
    return found[:n]


def fill(value: Any, ids: dict[str, int]) -> Any:
    """Put the world's real ids into the placeholders of the pieces (recursively through tuples)."""
    if isinstance(value, tuple):
        return tuple(fill(item, ids) for item in value)
    if isinstance(value, str):
        for key, real in ids.items():
            value = value.replace("{" + key + "}", str(real))
    return value


def fit(text: str, limit: int, *, required: bool = False) -> str:
    """What Discord's client lets a member send into a field of `limit` characters (required: not empty)."""
    text = text[:limit]
    return text if text or not required else " "


def modal_fields(ix: InteractionHandle) -> dict[str, dict[str, Any]]:
    """The text inputs of the modal `ix` opened, by custom_id."""
    assert ix.modal is not None
    found = {}
    for row in ix.modal.get("components", []):
        for comp in row.get("components", []) + ([row["component"]] if "component" in row else []):
            if comp.get("type") == 4:
                found[comp["custom_id"]] = comp
    return found


class Player:
    """Plays examples as members; counts what was tried; collects every interaction."""

    def __init__(self, standin: StandIn, names: list[str]) -> None:
        self.standin = standin
        self.names = names
        self.stats = Stats()
        self.handles: list[InteractionHandle] = []
        self._names = itertools.count()
        self.channel = standin.guild.general

    def member(self, *, moderator: bool = False) -> Member:
        """A fresh member (no cooldown, queue or daily limit carried over), with a hostile name one time in two
        (names go into introductions, thread names, credits); moderators have Manage Server."""
        number = next(self._names)
        hostile = self.names[number // 2 % len(self.names)]
        name = hostile[:28] + str(number) if number % 2 else f"tester{number}"
        return self.standin.add_member(name, manage_guild=moderator)

    async def interact(self, action: Awaitable[InteractionHandle], values: int) -> InteractionHandle | None:
        """Run one interaction and wait for its complete answer; None if the client could not have sent it."""
        try:
            ix = await action
        except NotPossible:
            self.stats.refused_by_client += 1
            return None
        await ix.wait_final(10)
        self.stats.interactions += 1
        self.stats.values += values
        self.handles.append(ix)
        return ix

    async def slash(self, member: Member, command: str, values: int = 1, **options: Any) -> InteractionHandle | None:
        """A slash command with these options."""
        return await self.interact(self.standin.slash(member, command, bypass_permissions=True, **options), values)

    async def autocomplete(self, member: Member, command: str, focused: str, value: str, **options: Any) -> None:
        """Typing `value` into an autocompleted option."""
        try:
            choices = await self.standin.autocomplete(
                member, command, focused=focused, value=value[:STRING_OPTION_LIMIT], **options
            )
        except NotPossible:
            self.stats.refused_by_client += 1
            return
        assert len(choices) <= 25
        self.stats.interactions += 1
        self.stats.values += 1

    async def modal(self, member: Member, opened: InteractionHandle | None, texts_in_order: tuple[str, ...]) -> None:
        """Submit the modal `opened` showed (if it did), its fields filled in order, within their limits."""
        if opened is None or opened.modal is None:
            return
        fields = list(modal_fields(opened).values())
        values = {
            comp["custom_id"]: fit(text, comp.get("max_length", 4000), required=comp.get("required", True))
            for comp, text in zip(fields, texts_in_order, strict=False)
        }
        await self.interact(self.standin.submit_modal(member, opened, values), len(values))


Case = Callable[[Player, Any], Awaitable[None]]
T, N = text_strategy(), number_strategy()
ROLES = st.sampled_from(["backend", "frontend"])
# Fields with a closed set of valid values get one two times in three, so that the other fields' text is stored too.


def mostly(valid: list[str]) -> st.SearchStrategy[str]:
    """A valid value two times in three, anything else otherwise."""
    return st.one_of(st.sampled_from(valid), st.sampled_from(valid), T)


CATEGORY = mostly(["django", " Databases ", "CI/CD", "caching"])
OPTIONAL = st.one_of(st.just(""), T)
CONCEPT = mostly(["", "redis", "JWT"])
ALIASES = mostly(["", "orm, db layer"])
TAGS = mostly(["", "django, ci", "redis"])
LINK = mostly(["", "https://example.com/@everyone?<@&1>", "http://x.org/```"])


async def concept_show(p: Player, v: tuple[str, bool]) -> None:
    name, pointed = v
    options = {"for": p.member()} if pointed else {}
    await p.slash(p.member(), "concept show", options=options, name=fit(name, STRING_OPTION_LIMIT))
    await p.autocomplete(p.member(), "concept show", "name", name)


async def concept_search(p: Player, query: str) -> None:
    await p.slash(p.member(), "concept search", query=fit(query, STRING_OPTION_LIMIT))


async def concept_add(p: Player, v: tuple[str, ...]) -> None:
    moderator = p.member(moderator=True)
    await p.modal(moderator, await p.slash(moderator, "concept add", 0), v)


async def concept_edit(p: Player, v: tuple[str, ...]) -> None:
    moderator = p.member(moderator=True)
    await p.slash(moderator, "concept edit", name=fit(v[0], STRING_OPTION_LIMIT))
    await p.modal(moderator, await p.slash(moderator, "concept edit", name="redis"), v[1:])
    await p.autocomplete(moderator, "concept edit", "name", v[0])


async def concept_remove(p: Player, name: str) -> None:
    moderator = p.member(moderator=True)
    await p.slash(moderator, "concept remove", name=fit(name, STRING_OPTION_LIMIT))


async def challenge_log(p: Player, v: tuple[str, str, str, str]) -> None:
    member = p.member()
    await p.modal(member, await p.slash(member, "challenge log", 0), v)


async def challenge_solve(p: Player, v: tuple[int, str, str]) -> None:
    number, body, typed = v
    member = p.member()
    await p.modal(member, await p.slash(member, "challenge solve", id=number), (body,))
    await p.modal(member, await p.slash(member, "challenge solve", id=1 + number % 3), (body,))
    await p.autocomplete(member, "challenge solve", "id", typed)


async def challenge_show(p: Player, v: tuple[int, str]) -> None:
    number, typed = v
    await p.slash(p.member(), "challenge show", id=number)
    await p.autocomplete(p.member(), "challenge show", "id", typed)


async def challenge_search(p: Player, v: tuple[str, str]) -> None:
    query, tag = v
    await p.slash(p.member(), "challenge search", 2, query=fit(query, STRING_OPTION_LIMIT), tag=fit(tag, 100))
    await p.autocomplete(p.member(), "challenge search", "tag", tag, query="x")


async def challenge_list(p: Player, tag: str) -> None:
    await p.slash(p.member(), "challenge list", tag=fit(tag, STRING_OPTION_LIMIT))
    await p.autocomplete(p.member(), "challenge list", "tag", tag)


async def challenge_accept_delete(p: Player, v: tuple[int, str]) -> None:
    number, typed = v
    await p.slash(p.member(), "challenge accept", solution=number)
    await p.autocomplete(p.member(), "challenge accept", "solution", typed)
    await p.slash(p.member(), "challenge delete", id=number)


async def add_as_solution(p: Player, v: tuple[str, str, str]) -> None:
    said, number, body = v
    author, capturer = p.member(), p.member()
    message = await p.standin.say(author, fit(said, MESSAGE_LIMIT, required=True))
    opened = await p.interact(p.standin.message_command(capturer, "Add as solution", message), 0)
    await p.modal(capturer, opened, (number, body))


async def pair_join(p: Player, v: tuple[str, str, str]) -> None:
    role, topics, zone = v
    member = p.member()
    await p.slash(member, "pair join", 2, role=role, topics=fit(topics, STRING_OPTION_LIMIT), timezone=fit(zone, 100))
    await p.autocomplete(member, "pair join", "timezone", zone, role=role)


async def pair_schedule(p: Player, v: tuple[int, str, str]) -> None:
    weekday, at, zone = v
    moderator = p.member(moderator=True)
    await p.slash(moderator, "pair schedule", 2, weekday=weekday, time=fit(at, 100), timezone=fit(zone, 100))
    await p.autocomplete(moderator, "pair schedule", "timezone", zone, weekday=weekday, time="18:00")


async def tip_schedule(p: Player, v: tuple[int, str, str]) -> None:
    weekday, at, zone = v
    moderator = p.member(moderator=True)
    channel = p.channel
    await p.slash(moderator, "tip schedule", 2, channel=channel, weekday=weekday, time=fit(at, 20), timezone=zone[:64])
    await p.autocomplete(moderator, "tip schedule", "timezone", zone, channel=channel, weekday=weekday, time="09:30")


async def tip_suggest(p: Player, v: tuple[str, ...]) -> None:
    member = p.member()
    await p.modal(member, await p.slash(member, "tip suggest", 0), v)


WEEKDAYS = st.integers(0, 6)
CASES: list[tuple[str, st.SearchStrategy[Any], Case]] = [
    ("concept show", st.tuples(T, st.booleans()), concept_show),
    ("concept search", T, concept_search),
    ("concept add", st.tuples(T, ALIASES, CATEGORY, T, T), concept_add),
    ("concept edit", st.tuples(T, T, ALIASES, CATEGORY, T, T), concept_edit),
    ("concept remove", T, concept_remove),
    ("challenge log", st.tuples(T, T, OPTIONAL, TAGS), challenge_log),
    ("challenge solve", st.tuples(N, T, T), challenge_solve),
    ("challenge show", st.tuples(N, T), challenge_show),
    ("challenge search", st.tuples(T, T), challenge_search),
    ("challenge list", T, challenge_list),
    ("challenge accept/delete", st.tuples(N, T), challenge_accept_delete),
    ("Add as solution", st.tuples(T, T, T), add_as_solution),
    ("pair join", st.tuples(ROLES, T, T), pair_join),
    ("pair schedule", st.tuples(WEEKDAYS, T, T), pair_schedule),
    ("tip schedule", st.tuples(WEEKDAYS, T, T), tip_schedule),
    ("tip suggest", st.tuples(T, T, CATEGORY, CONCEPT, LINK), tip_suggest),
]


async def test_hostile_inputs_never_break_the_bot_or_ping_anyone(
    standin: StandIn,
    nexus: NexusBot,
    database_path: Path,
    caplog: pytest.LogCaptureFixture,
    figures: Figures,
    capsys: pytest.CaptureFixture[str],
) -> None:
    victim = standin.add_member("victim")  # mentioned in inputs, never acting: must never be pinged
    ids = {
        "role": standin.guild.moderator_role_id,
        "everyone": standin.guild.id,
        "victim": victim.id,
        "channel": standin.guild.general,
    }
    player = Player(standin, [fill(name, ids) for name in NAMES])
    for name, strategy, case in CASES:
        for example in draw(strategy, EXAMPLES):
            try:
                await case(player, fill(example, ids))
            except Exception as error:
                raise AssertionError(f"{name} with {example!r}: {error}") from error
    await asyncio.sleep(0.2)  # work that follows answers (challenge-channel posts, introductions) settles

    assert not unexpected(player.handles), unexpected(player.handles)
    assert all(ix.acknowledged and ix.final for ix in player.handles)
    assert all(texts(ix) or ix.modal is not None for ix in player.handles if ix.kind != 4)
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert not errors, [record.getMessage() for record in errors]
    problems = mention_problems(standin, never_pinged=[victim.id])
    assert not problems, problems
    stats = player.stats
    skipped = (
        f" ({stats.refused_by_client} examples Discord's client would refuse, skipped)"
        if stats.refused_by_client
        else ""
    )
    stored = {
        what: rows(database_path, query)[0][0]
        for what, query in {
            "challenges": "SELECT count(*) FROM challenges WHERE author_id IS NOT NULL",
            "solutions": "SELECT count(*) FROM challenge_solutions WHERE author_id IS NOT NULL",
            "concepts": "SELECT count(*) FROM community_concepts",
            "tip suggestions": "SELECT count(*) FROM tip_suggestions",
            "learners in pairing": "SELECT (SELECT count(*) FROM pair_queue) + 2 * (SELECT count(*) FROM pair_pairs)",
        }.items()
    }
    assert all(stored.values()), stored  # hostile text also went all the way to the database and back out
    figures.add(
        "bad inputs",
        f"{stats.values} hostile values in {stats.interactions} interactions over {len(CASES)} commands, modals "
        f"and autocompletes ({EXAMPLES} hypothesis examples each, fixed seed): 0 unexpected errors, 0 ERROR logs, "
        f"{len(standin.requests)} requests checked, 0 could ping @everyone/@here/a role/a bystander; stored "
        + ", ".join(f"{n} {what}" for what, n in stored.items())
        + skipped,
        capsys,
    )
