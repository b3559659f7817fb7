"""`/concept` end to end: the real bot and the real discord.py client against the Discord stand-in.

Members look concepts up (show, autocomplete, search, list, related-concept buttons), moderators add, edit, hide and
delete them, and nothing a member or moderator types ever pings anyone or turns into an error.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.app import NexusBot
from bot.content import load_default_content
from sandbox import InteractionHandle, Member, Message, NotPossible, StandIn

from .conftest import StartBot

pytestmark = pytest.mark.asyncio

MODERATORS_ONLY = "Only moderators can do that"
UNEXPECTED = "Something went wrong"
NO_PINGS = {"parse": []}
CONCEPT_BUTTON = "nx:concept:"

CELERY_BEAT = {
    "name": "Periodic tasks",
    "aliases": "cron jobs, scheduled tasks",
    "category": "async",
    "summary": "Run a job on a schedule (every night, every 5 minutes) from a worker process.",
    "details": "Celery beat sends tasks on a schedule; keep one beat process per deployment.",
}


def embed(message: Message | None) -> dict[str, Any]:
    assert message is not None
    [first] = message.embeds
    return first


def field(message: Message | None, name: str) -> str:
    return next(item["value"] for item in embed(message)["fields"] if item["name"] == name)


def assert_quiet(ix: InteractionHandle) -> None:
    """A private, plain answer: ephemeral, nobody pinged, not an unexpected error."""
    assert ix.ephemeral, ix.message and ix.message.text
    assert ix.message is not None
    assert not ix.message.pings
    assert ix.message.allowed_mentions == NO_PINGS
    assert UNEXPECTED not in ix.message.text


async def add_concept(standin: StandIn, moderator: Member, **fields: str) -> InteractionHandle:
    opened = await standin.slash(moderator, "concept add")
    assert opened.modal is not None
    return await standin.submit_modal(moderator, opened, **{**CELERY_BEAT, **fields})


@pytest.fixture
def alice(standin: StandIn) -> Member:
    return standin.add_member("alice")


@pytest.fixture
def moderator(standin: StandIn) -> Member:
    return standin.add_member("mentor", manage_guild=True)


# --- show ------------------------------------------------------------------------------------------------------------


async def test_show_posts_the_concept_publicly_with_related_buttons(
    standin: StandIn, nexus: NexusBot, alice: Member
) -> None:
    ix = await standin.slash(alice, "concept show", name="django-orm")

    assert not ix.ephemeral
    assert ix.message is not None
    card = embed(ix.message)
    assert card["title"] == "Django ORM"
    assert card["description"].startswith("**Django's object-relational mapper")
    assert field(ix.message, "Category") == "Django"
    assert field(ix.message, "Level") == "Beginner"
    assert field(ix.message, "Key points").startswith("• QuerySets are lazy")
    assert field(ix.message, "Example").startswith("```python\n")
    assert "https://docs.djangoproject.com/" in field(ix.message, "Official resources")
    related = [button for button in ix.message.buttons if button["custom_id"].startswith(CONCEPT_BUTTON)]
    assert related and related[0]["custom_id"] == "nx:concept:django"
    assert ix.message.allowed_mentions == NO_PINGS and not ix.message.pings


async def test_show_for_a_member_pings_exactly_that_member(standin: StandIn, nexus: NexusBot, alice: Member) -> None:
    bob = standin.add_member("bob")
    mentors = standin.add_role("Mentors")

    ix = await standin.slash(alice, "concept show", options={"name": "N+1 query problem", "for": bob})

    assert ix.message is not None
    assert ix.message.content == f"{bob.mention}, have a look at this:"
    assert ix.message.pings.users == {bob.id}
    assert not ix.message.pings.roles and not ix.message.pings.everyone
    assert mentors.id not in ix.message.pings.roles
    assert embed(ix.message)["title"] == "N+1 query problem"


@pytest.mark.parametrize(
    ("typed", "title"),
    [
        ("djnago", "Django"),
        ("PAGENATION", "API pagination"),
        ("  select_related ", "select_related and prefetch_related"),
    ],
)
async def test_show_finds_aliases_and_clear_typos(
    standin: StandIn, nexus: NexusBot, alice: Member, typed: str, title: str
) -> None:
    ix = await standin.slash(alice, "concept show", name=typed)
    assert embed(ix.message)["title"] == title


async def test_an_unknown_name_answers_privately_with_suggestions(
    standin: StandIn, nexus: NexusBot, alice: Member
) -> None:
    ix = await standin.slash(alice, "concept show", name="databse")

    assert_quiet(ix)
    assert ix.message is not None
    assert ix.message.content.startswith("No concept named “databse”. Did you mean **Database indexes**")
    suggestion = ix.message.component(custom_id="nx:concept:database-indexes")
    assert suggestion["label"] == "Database indexes"


@pytest.mark.parametrize(
    "typed",
    ["kubernetes", "@everyone **bold** <@&123> `x`", "x" * 1000, '"*" NEAR( OR'],
)
async def test_unknown_or_hostile_names_get_a_clear_private_answer(
    standin: StandIn, nexus: NexusBot, alice: Member, typed: str
) -> None:
    bob = standin.add_member("bob")

    ix = await standin.slash(alice, "concept show", options={"name": typed, "for": bob})

    assert_quiet(ix)
    assert ix.message is not None
    assert "No concept named" in ix.message.content or "characters long" in ix.message.content
    assert standin.messages_in(standin.guild.general) == []  # nothing public, so nobody pointed at anything


async def test_a_long_text_is_cut_with_a_button_to_read_it_in_full(
    standin: StandIn, nexus: NexusBot, alice: Member
) -> None:
    concept = next(item for item in load_default_content().concepts if len(item.details) > 1000)
    bob = standin.add_member("bob")

    ix = await standin.slash(alice, "concept show", name=concept.slug)
    assert "Read in full" in embed(ix.message)["description"]
    full = await standin.click(bob, ix, f"nx:concept-full:{concept.slug}")

    assert_quiet(full)
    assert concept.details[-40:] in embed(full.message)["description"]


# --- autocomplete ----------------------------------------------------------------------------------------------------


async def test_autocomplete_answers_empty_input_and_ranks_best_first(
    standin: StandIn, nexus: NexusBot, alice: Member
) -> None:
    empty = await standin.autocomplete(alice, "concept show", focused="name", value="")
    typed = await standin.autocomplete(alice, "concept show", focused="name", value="djan")
    alias = await standin.autocomplete(alice, "concept show", focused="name", value="querys")
    hostile = await standin.autocomplete(alice, "concept show", focused="name", value='@everyone "*" ' + "x" * 200)

    assert 0 < len(empty) <= 25
    assert len(typed) <= 25 and typed[0] == {"name": "Django", "value": "django"}
    assert alias[0]["value"] == "django-orm" and alias[0]["name"].startswith("Django ORM (")
    assert hostile == [] or all(len(choice["name"]) <= 100 for choice in hostile)
    assert all(1 <= len(choice["name"]) <= 100 for choice in empty + typed + alias)


# --- related-concept buttons -----------------------------------------------------------------------------------------


async def test_a_related_button_answers_the_clicker_privately(standin: StandIn, nexus: NexusBot, alice: Member) -> None:
    bob = standin.add_member("bob")
    shown = await standin.slash(alice, "concept show", name="django")

    opened = await standin.click(bob, shown, "nx:concept:django-orm")

    assert_quiet(opened)
    assert embed(opened.message)["title"] == "Django ORM"
    assert opened.message is not None and opened.message.buttons  # its own related concepts, one click further


async def test_a_related_button_on_an_old_message_still_works_after_a_restart(
    standin: StandIn, start_bot: StartBot, alice: Member
) -> None:
    await start_bot()
    shown = await standin.slash(alice, "concept show", name="caching")
    listing = await standin.slash(alice, "concept list")

    await start_bot()  # a new bot process on the same database
    opened = await standin.click(alice, shown, "nx:concept:redis")
    second_page = await standin.click(alice, listing, label="Next ▶")

    assert_quiet(opened)
    assert embed(opened.message)["title"] == "Redis"
    assert "Page 2 of" in embed(second_page.message)["footer"]["text"]


# --- search ----------------------------------------------------------------------------------------------------------


async def test_search_puts_the_concept_named_exactly_first(standin: StandIn, nexus: NexusBot, alice: Member) -> None:
    ix = await standin.slash(alice, "concept search", query="cache")

    assert embed(ix.message)["description"].splitlines()[1].startswith("**1. Caching** · ")


async def test_search_ranks_up_to_ten_matches_with_summaries(standin: StandIn, nexus: NexusBot, alice: Member) -> None:
    ix = await standin.slash(alice, "concept search", query="slow queries")

    assert_quiet(ix)
    lines = embed(ix.message)["description"].splitlines()
    assert lines[0] == "Results for “slow queries”:"
    assert lines[1].startswith("**1. ")
    assert 1 <= len(lines) - 1 <= 10
    assert "query-optimisation" in {b["custom_id"].removeprefix(CONCEPT_BUTTON) for b in ix.message.buttons}  # type: ignore[union-attr]


async def test_search_falls_back_to_close_names(standin: StandIn, nexus: NexusBot, alice: Member) -> None:
    ix = await standin.slash(alice, "concept search", query="celary")

    assert_quiet(ix)
    assert "(closest names)" in embed(ix.message)["description"]
    assert "Task queues with Celery" in embed(ix.message)["description"]


@pytest.mark.parametrize(
    ("query", "answer"),
    [
        ("   ", "Type a word or two to search for"),
        ("x" * 1000, "That search is 1,000 characters long; keep it to 200"),
        ("zzqqxxv", "No concept matches “zzqqxxv”"),
        ('"', "No concept matches"),
        ("*", "No concept matches"),
    ],
)
async def test_search_refuses_empty_long_and_hopeless_queries_plainly(
    standin: StandIn, nexus: NexusBot, alice: Member, query: str, answer: str
) -> None:
    ix = await standin.slash(alice, "concept search", query=query)

    assert_quiet(ix)
    assert ix.message is not None and answer in ix.message.content


@pytest.mark.parametrize(
    "query",
    [
        '"cache',
        "cache*",
        "NEAR(cache redis)",
        "cache AND",
        "cache OR NOT redis",
        "(redis",
        "name:redis ^cache",
        "@everyone @here **caching** <@&1> ~~x~~",
    ],
)
async def test_fts_syntax_and_markdown_in_queries_are_harmless(
    standin: StandIn, nexus: NexusBot, alice: Member, query: str
) -> None:
    ix = await standin.slash(alice, "concept search", query=query)

    assert_quiet(ix)
    assert ix.message is not None and ("Results for" in ix.message.text or "No concept matches" in ix.message.text)
    assert "@everyone" not in ix.message.text.replace("@\u200beveryone", "")


# --- list ------------------------------------------------------------------------------------------------------------


async def test_list_pages_through_every_concept_by_category(standin: StandIn, nexus: NexusBot, alice: Member) -> None:
    total = len(load_default_content().concepts)

    first = await standin.slash(alice, "concept list")
    assert_quiet(first)
    footer = embed(first.message)["footer"]["text"]
    assert footer.startswith("Page 1 of ") and f"{total} concepts" in footer
    pages = int(footer.split(" of ")[1].split(" ")[0])

    def rows(ix: InteractionHandle) -> list[str]:
        return [line for line in embed(ix.message)["description"].splitlines() if " · " in line]

    seen, current = rows(first), first
    assert embed(first.message)["description"].startswith("__**")  # a category heading first
    for _ in range(pages - 1):
        current = await standin.click(alice, current, label="Next ▶")
        seen += rows(current)
    assert f"Page {pages} of {pages}" in embed(current.message)["footer"]["text"]
    assert len(seen) == total


async def test_list_one_category(standin: StandIn, nexus: NexusBot, alice: Member) -> None:
    ix = await standin.slash(alice, "concept list", category="caching")

    card = embed(ix.message)
    assert card["title"] == "Concepts: Caching"
    assert "**Redis**" in card["description"]
    assert "Django ORM" not in card["description"]


# --- moderators: add, edit, remove -----------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["concept add", "concept edit", "concept remove"])
async def test_a_plain_member_is_refused_moderator_commands(
    standin: StandIn, nexus: NexusBot, alice: Member, command: str
) -> None:
    options = {} if command == "concept add" else {"name": "django"}

    # Discord applies default permissions per top-level command (discord.py ignores them on subcommands), and
    # /concept also holds show, search and list: members see /concept add. The bot's own check refuses them.
    forged = await standin.slash(alice, command, **options)

    assert_quiet(forged)
    assert forged.modal is None
    assert forged.message is not None and MODERATORS_ONLY in forged.message.content


async def test_a_moderator_adds_a_concept_members_then_find(
    standin: StandIn, nexus: NexusBot, alice: Member, moderator: Member
) -> None:
    added = await add_concept(standin, moderator)

    assert_quiet(added)
    assert added.message is not None and added.message.content.startswith("Added **Periodic tasks**")
    shown = await standin.slash(alice, "concept show", name="cron jobs")
    assert embed(shown.message)["title"] == "Periodic tasks"
    assert embed(shown.message)["footer"]["text"] == "Added by this server's moderators"
    found = await standin.slash(alice, "concept search", query="schedule")
    assert "Periodic tasks" in embed(found.message)["description"]
    choices = await standin.autocomplete(alice, "concept show", focused="name", value="periodic")
    assert choices[0]["name"] == "Periodic tasks"


async def test_moderators_text_with_mentions_and_markdown_never_pings(
    standin: StandIn, nexus: NexusBot, alice: Member, moderator: Member
) -> None:
    bob = standin.add_member("bob")
    role = standin.add_role("Everyone-ish")
    added = await add_concept(
        standin,
        moderator,
        name="@everyone Webhooks",
        aliases=f"<@&{role.id}>, @here",
        summary=f"**Loud** <@{alice.id}> @everyone: HTTP callbacks.",
        details="@here ||spoiler|| `code` <@&1>",
    )
    assert_quiet(added)

    shown = await standin.slash(alice, "concept show", options={"name": "@everyone Webhooks", "for": bob})

    assert shown.message is not None
    assert shown.message.pings.users == {bob.id}
    assert not shown.message.pings.everyone and not shown.message.pings.roles
    listed = await standin.slash(alice, "concept list", category="async")
    assert_quiet(listed)


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"category": "kubernetes"}, "“kubernetes” isn't a category. Use one of: python, django, apis"),
        ({"summary": "too short"}, "write at least 10"),
        ({"name": "!!!"}, "at least one letter or digit"),
        ({"name": "Django ORM"}, "“Django ORM” is already the name of the concept “Django ORM”"),
        ({"aliases": "queryset"}, "“queryset” is already an alias of the concept “Django ORM”"),
    ],
)
async def test_a_bad_form_is_refused_with_the_reason_and_a_way_to_fix_it(
    standin: StandIn, nexus: NexusBot, moderator: Member, fields: dict[str, str], problem: str
) -> None:
    refused = await add_concept(standin, moderator, **fields)

    assert_quiet(refused)
    assert refused.message is not None
    assert "wasn't saved" in refused.message.content and problem in refused.message.content
    reopened = await standin.click(moderator, refused, label="Fix and resend")
    assert reopened.modal is not None
    kept = {c["custom_id"]: c.get("value") for row in reopened.modal["components"] for c in row["components"]}
    assert kept["details"] == CELERY_BEAT["details"]  # the typed text survives
    fixed = await standin.submit_modal(moderator, reopened, **CELERY_BEAT)
    assert_quiet(fixed)
    assert fixed.message is not None and fixed.message.content.startswith("Added **Periodic tasks**")


async def test_editing_a_curated_concept_overrides_it_for_this_server(
    standin: StandIn, nexus: NexusBot, alice: Member, moderator: Member
) -> None:
    opened = await standin.slash(moderator, "concept edit", name="redis")

    assert opened.modal is not None
    prefilled = {c["custom_id"]: c.get("value") for row in opened.modal["components"] for c in row["components"]}
    redis = next(item for item in load_default_content().concepts if item.slug == "redis")
    assert prefilled["name"] == "Redis" and prefilled["summary"] == redis.summary
    assert prefilled["details"] == redis.details.strip()
    saved = await standin.submit_modal(moderator, opened, details="Our server runs Redis 7 behind the API.")
    assert_quiet(saved)

    shown = await standin.slash(alice, "concept show", name="redis")
    assert "Redis 7 behind the API" in embed(shown.message)["description"]
    assert "edited by this server's moderators" in embed(shown.message)["footer"]["text"]
    assert field(shown.message, "Key points")  # curated parts stay


async def test_removing_a_community_concept_deletes_it_after_confirmation(
    standin: StandIn, nexus: NexusBot, alice: Member, moderator: Member
) -> None:
    await add_concept(standin, moderator)

    asked = await standin.slash(moderator, "concept remove", name="Periodic tasks")
    assert_quiet(asked)
    assert asked.message is not None and "can't be undone" in asked.message.content
    with pytest.raises(NotPossible):  # the prompt is the moderator's alone
        await standin.click(alice, asked, label="Delete")
    done = await standin.click(moderator, asked, label="Delete")

    assert done.message is not None and done.message.content == "Deleted **Periodic tasks**."
    gone = await standin.slash(alice, "concept show", name="Periodic tasks")
    assert_quiet(gone)


async def test_a_curated_concept_is_hidden_then_brought_back(
    standin: StandIn, nexus: NexusBot, alice: Member, moderator: Member
) -> None:
    asked = await standin.slash(moderator, "concept remove", name="Redis")
    assert asked.message is not None and "can't be deleted, but it can be hidden" in asked.message.content
    await standin.click(moderator, asked, label="Hide in this server")

    hidden = await standin.slash(alice, "concept show", name="redis")
    assert_quiet(hidden)
    choices = await standin.autocomplete(alice, "concept show", focused="name", value="redis")
    assert "redis" not in {choice["value"] for choice in choices}
    search = await standin.slash(alice, "concept search", query="redis")
    assert "**Redis**" not in (search.message.text if search.message else "")
    moderator_choices = await standin.autocomplete(moderator, "concept remove", focused="name", value="redis")
    assert {"name": "Redis · hidden", "value": "redis"} in moderator_choices
    refused = await add_concept(standin, moderator, name="Redis")
    assert refused.message is not None and "`/concept edit Redis` brings it back" in refused.message.content

    again = await standin.slash(moderator, "concept remove", name="redis")
    assert again.message is not None and "hidden in this server. Bring it back?" in again.message.content
    await standin.click(moderator, again, label="Unhide")
    back = await standin.slash(alice, "concept show", name="redis")
    assert embed(back.message)["title"] == "Redis"


async def test_unknown_names_in_moderator_commands_are_not_guessed(
    standin: StandIn, nexus: NexusBot, moderator: Member
) -> None:
    edit = await standin.slash(moderator, "concept edit", name="djnago")
    remove = await standin.slash(moderator, "concept remove", name="@everyone " + "x" * 500)

    for ix in (edit, remove):
        assert_quiet(ix)
        assert ix.modal is None
    assert edit.message is not None and "No concept named “djnago”. Did you mean **Django**" in edit.message.content
    assert remove.message is not None and "characters long" in remove.message.content


async def test_write_commands_have_a_cooldown(standin: StandIn, nexus: NexusBot, moderator: Member) -> None:
    for _ in range(5):
        opened = await standin.slash(moderator, "concept add")
        assert opened.modal is not None

    limited = await standin.slash(moderator, "concept add")

    assert_quiet(limited)
    assert limited.message is not None and "Try again in" in limited.message.content
