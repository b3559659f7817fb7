"""Permissions: every moderator command is refused for a plain member (an ephemeral "Only moderators…", and nothing
changes in the database or the channel), every author-only action on someone else's challenge is refused, and the
same actions are allowed for a member holding the moderator role configured with /nexus config.

Plain members run the moderator commands as forged calls (`bypass_permissions`): the bot's own check must refuse
them whatever Discord's permission settings say.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.app import NexusBot
from sandbox import InteractionHandle, Member, StandIn

from .conftest import Figures
from .support import TITLE, WHAT, dump, rows

pytestmark = pytest.mark.asyncio

MODERATORS_ONLY = "Only moderators can do that"
FIRST = 4  # the first member challenge and solution number (#1-#3 are curated)


def moderator_commands(standin: StandIn) -> list[tuple[str, dict[str, Any]]]:
    """Every moderator command, with options that would change something."""
    general = standin.guild.general
    return [
        ("concept add", {}),
        ("concept edit", {"name": "redis"}),
        ("concept remove", {"name": "redis"}),
        ("pair round", {}),
        ("pair schedule", {"weekday": 2, "time": "18:00", "timezone": "Africa/Lagos"}),
        ("tip schedule", {"channel": general, "weekday": 0, "time": "09:30", "timezone": "Africa/Lagos"}),
        ("tip unschedule", {}),
        ("tip review", {}),
        ("nexus config", {"moderator_role": standin.guild.moderator_role_id}),
        ("nexus export", {}),
    ]


def refusal(ix: InteractionHandle) -> str:
    """The ephemeral refusal the member read (and nothing else: no modal, no public message)."""
    assert ix.modal is None, f"{ix.describe()} opened a modal"
    assert ix.message is not None and ix.ephemeral and not ix.followups, ix.describe()
    assert not ix.message.pings
    return ix.message.content


async def log_challenge(standin: StandIn, member: Member, title: str) -> None:
    opened = await standin.slash(member, "challenge log")
    await standin.submit_modal(member, opened, {TITLE: title, WHAT: "It broke."})


async def test_moderator_and_author_only_actions(
    standin: StandIn, nexus: NexusBot, database_path: Path, figures: Figures, capsys: pytest.CaptureFixture[str]
) -> None:
    manager = standin.add_member("manager", manage_guild=True)
    mentors = standin.add_role("Mentors")
    mentor = standin.add_member("mentor", roles=[mentors])
    alice, bob, carol = standin.add_member("alice"), standin.add_member("bob"), standin.add_member("carol")
    general = standin.guild.general

    # Something for every command to act on: a challenge by alice with bob's solution, a pending tip suggestion,
    # two learners waiting for a round, a weekly tip.
    await log_challenge(standin, alice, "Celery beat runs tasks twice")
    opened = await standin.slash(bob, "challenge solve", id=FIRST)
    await standin.submit_modal(bob, opened, {"your solution": "Run a single beat instance."})
    opened = await standin.slash(alice, "tip suggest")
    tip = {"title": "Index what you filter by", "tip": "Add db_index=True.", "category": "databases"}
    await standin.submit_modal(alice, opened, tip)
    await standin.slash(alice, "pair join", role="backend", timezone="Africa/Lagos")
    await standin.slash(bob, "pair join", role="frontend", timezone="Asia/Tokyo")
    await standin.slash(manager, "tip schedule", channel=general, weekday=0, time="09:30")

    # A plain member: every moderator command refused, nothing changed.
    before, public_before = dump(database_path), len(standin.messages_in(general))
    refused = 0
    for command, options in moderator_commands(standin):
        ix = await standin.slash(carol, command, options=options, bypass_permissions=True)
        assert MODERATORS_ONLY in refusal(ix), command
        refused += 1
    # Author-only actions on alice's challenge and on a curated one: refused for carol, and for bob (he wrote the
    # solution, not the challenge).
    author_only = 0
    for member in (carol, bob):
        for command, options, expected in (
            ("challenge accept", {"solution": FIRST}, f"Only the author of challenge #{FIRST}"),
            ("challenge delete", {"id": FIRST}, f"Only the author of challenge #{FIRST}"),
            ("challenge accept", {"solution": 1}, "Only the author of challenge #1"),
            ("challenge delete", {"id": 1}, "Only the author of challenge #1"),
        ):
            ix = await standin.slash(member, command, options=options)
            assert expected in refusal(ix), (member.name, command, options)
            author_only += 1
    assert dump(database_path) == before
    assert len(standin.messages_in(general)) == public_before

    # The manager makes Mentors the moderator role; the mentor may now do all of it.
    await standin.slash(manager, "nexus config", moderator_role=mentors)
    allowed = 0
    for command, options in moderator_commands(standin):
        if command == "nexus config":
            options = {}  # showing the settings; changing them is the manager's test above
        ix = await standin.slash(mentor, command, options=options)
        await ix.wait_final()
        answered = [m.content for m in ix.messages]
        assert not any(MODERATORS_ONLY in text for text in answered), (command, answered)
        allowed += 1
        if command in ("concept add", "concept edit"):
            assert ix.modal is not None, command
        elif command == "concept remove":
            hidden = await standin.click(mentor, ix, label="Hide in this server")
            assert hidden.message is not None and "is hidden in this server" in hidden.message.text
        elif command == "tip review":
            assert ix.message is not None
            approved = await standin.click(mentor, ix, label="Approve")
            assert approved.message is not None and "Approved suggestion #1" in approved.message.content
        elif command == "nexus export":
            [file] = ix.messages[-1].files
            assert json.loads(file.text)["guild_id"] == standin.guild.id
    assert rows(database_path, "SELECT hidden FROM concept_overrides WHERE slug = 'redis'") == [(1,)]
    assert rows(database_path, "SELECT count(*) FROM pair_schedules")[0][0] == 1
    assert rows(database_path, "SELECT count(*) FROM tip_schedules")[0][0] == 0  # scheduled, then unscheduled
    assert rows(database_path, "SELECT count(*) FROM pair_pairs")[0][0] == 1  # the round paired alice and bob

    accepted = await standin.slash(mentor, "challenge accept", solution=FIRST)
    assert accepted.message is not None and f"Solution {FIRST}" in accepted.message.content
    prompt = await standin.slash(mentor, "challenge delete", id=FIRST)
    done = await standin.click(mentor, prompt, label="Delete")
    assert done.message is not None and done.message.content == f"Challenge #{FIRST} is deleted."
    curated = await standin.slash(mentor, "challenge delete", id=1)
    cancelled = await standin.click(mentor, curated, label="Cancel")
    assert cancelled.message is not None and "stays" in cancelled.message.content
    allowed += 3
    # The author may manage their own challenge too.
    await log_challenge(standin, alice, "Gunicorn workers time out")
    own = await standin.slash(alice, "challenge delete", id=FIRST + 1)
    assert (await standin.click(alice, own, label="Delete")).message is not None
    query = "SELECT number, status, deleted_at IS NOT NULL FROM challenges WHERE number >= ?"
    status = rows(database_path, query, (FIRST,))
    assert sorted(status) == [(FIRST, "solved", 1), (FIRST + 1, "open", 1)]

    # Buttons check again when clicked: a mentor whose role stopped being the moderator role can't reject.
    opened = await standin.slash(bob, "tip suggest")
    await standin.submit_modal(bob, opened, {**tip, "title": "Use select_related"})
    review = await standin.slash(mentor, "tip review")
    await standin.slash(manager, "nexus config", moderator_role=standin.guild.moderator_role_id)
    late = await standin.click(mentor, review, label="Reject")
    assert MODERATORS_ONLY in refusal(late)
    assert rows(database_path, "SELECT status FROM tip_suggestions WHERE number = 2") == [("pending",)]
    buttons = 1

    figures.add(
        "permissions",
        f"{refused} moderator commands, {author_only} author-only actions and {buttons} moderator button tried by "
        f"members: all {refused + author_only + buttons} refused ephemerally, database unchanged; "
        f"{allowed} allowed for the moderator role set with /nexus config",
        capsys,
    )
