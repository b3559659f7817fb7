"""The stand-in through the real discord.py client: interactions, Discord's rules, faults and the gateway."""

from __future__ import annotations

import asyncio
import io
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands

from sandbox import NoResponse, NotPossible, RecordedFile, StandIn, Violation
from sandbox.harness import TEST_TOKEN, point_discord_at, run_client, stop_client
from sandbox.models import MANAGE_THREADS

from .conftest import TinyBot

pytestmark = pytest.mark.asyncio


# Commands and options -----------------------------------------------------------------------------------------


async def test_a_slash_command_round_trip_is_recorded(standin: StandIn, tiny: TinyBot) -> None:
    alice = standin.add_member("alice")

    ix = await standin.slash(alice, "demo run")

    assert ix.response_type == 4
    assert ix.ephemeral
    assert ix.message is not None
    assert ix.message.content == "ok"
    callback = standin.requests_to("POST", "/interactions/*/callback")[-1]
    assert callback.json["type"] == 4
    assert "Authorization" not in callback.headers
    assert standin.tokens_seen == {TEST_TOKEN}
    assert standin.messages_in(standin.guild.general) == []  # ephemeral: not in the channel


async def test_commands_are_built_from_what_the_bot_synced(standin: StandIn, tiny: TinyBot) -> None:
    alice = standin.add_member("alice")
    helper_role = standin.add_role("Helper")
    bob = standin.add_member("bob", roles=[helper_role])
    lounge = standin.add_channel("lounge")

    await standin.slash(alice, "demo pick", name="x", count=3, loud=True, who=bob, where=lounge, role=helper_role)

    seen = tiny.seen
    assert (seen["name"], seen["count"], seen["loud"]) == ("x", 3, True)
    assert isinstance(seen["who"], discord.Member)
    assert seen["who"].id == bob.id
    assert [r.id for r in seen["who"].roles if not r.is_default()] == [helper_role.id]
    assert isinstance(seen["where"], discord.TextChannel)
    assert seen["where"].id == lounge.id
    assert isinstance(seen["role"], discord.Role)
    assert seen["role"].id == helper_role.id
    assert len(standin.command_syncs) == 1


@pytest.mark.parametrize(
    ("command", "options", "reason"),
    [
        ("demo nothing", {}, "has no subcommand"),
        ("demo", {}, "needs a subcommand"),
        ("unsynced", {}, "never synced"),
        ("demo pick", {}, "is required"),
        ("demo pick", {"name": "x", "colour2": "red"}, "has no option"),
        ("demo pick", {"name": 5}, "expects text"),
        ("demo pick", {"name": "x", "count": 11}, "between 1 and 10"),
        ("demo pick", {"name": "x", "count": "3"}, "an integer"),
        ("demo pick", {"name": "x", "loud": "yes"}, "True or False"),
        ("demo pick", {"name": "x", "where": 12345}, "no channel"),
    ],
)
async def test_a_member_cannot_send_what_discord_would_not(
    standin: StandIn, tiny: TinyBot, command: str, options: dict[str, Any], reason: str
) -> None:
    alice = standin.add_member("alice")
    with pytest.raises(NotPossible, match=reason):
        await standin.slash(alice, command, options)


async def test_default_permissions_hide_a_command_unless_allowed(standin: StandIn, tiny: TinyBot) -> None:
    alice = standin.add_member("alice")
    mod = standin.add_member("mod", manage_guild=True)
    helper = standin.add_member("helper", roles=[standin.guild.moderator_role_id])

    with pytest.raises(NotPossible, match="does not see"):
        await standin.slash(alice, "mod reset")
    with pytest.raises(NotPossible, match="does not see"):
        await standin.slash(helper, "mod reset")
    assert (await standin.slash(mod, "mod reset")).message.content == "reset done"  # type: ignore[union-attr]

    standin.allow_command("mod", role=standin.guild.moderator_role_id)
    assert (await standin.slash(helper, "mod reset")).acknowledged
    forged = await standin.slash(alice, "mod reset", bypass_permissions=True)
    assert forged.payload["member"]["permissions"] == str(alice.permissions)


async def test_autocomplete_sends_the_typed_text_and_returns_the_choices(standin: StandIn, tiny: TinyBot) -> None:
    alice = standin.add_member("alice")

    choices = await standin.autocomplete(alice, "demo pick", focused="name", value="al", count=2)

    assert choices == [{"name": "alpha", "value": "alpha"}]
    assert tiny.seen["current"] == "al"


@pytest.mark.standin(ack_deadline=1.0)
async def test_more_than_25_choices_is_refused(standin: StandIn, tiny: TinyBot) -> None:
    alice = standin.add_member("alice")
    tiny.choices = [app_commands.Choice(name=str(i), value=str(i)) for i in range(26)]

    with pytest.raises(NoResponse):
        await standin.autocomplete(alice, "demo pick", focused="name")

    assert [v.code for v in standin.take_violations()] == [50035, 10062]


# Discord's rules ---------------------------------------------------------------------------------------------


async def test_a_too_long_message_is_refused_like_discord_does(standin: StandIn, tiny: TinyBot) -> None:
    alice = standin.add_member("alice")

    async def too_long(interaction: discord.Interaction[Any]) -> None:
        try:
            await interaction.response.send_message("x" * 2001)
        except discord.HTTPException as error:
            tiny.errors.append(error)
            await interaction.response.send_message("sorry", ephemeral=True)

    tiny.on_run = too_long
    ix = await standin.slash(alice, "demo run")

    assert ix.message is not None
    assert ix.message.content == "sorry"
    error = tiny.errors[0]
    assert isinstance(error, discord.HTTPException)
    assert (error.status, error.code) == (400, 50035)
    assert "content" in str(error)
    [violation] = standin.take_violations()
    assert violation.code == 50035


async def test_an_embed_over_the_total_is_refused(standin: StandIn, tiny: TinyBot) -> None:
    alice = standin.add_member("alice")

    async def big_embed(interaction: discord.Interaction[Any]) -> None:
        embed = discord.Embed(description="x" * 4000)
        for _ in range(3):
            embed.add_field(name="n", value="v" * 1000)
        try:
            await interaction.response.send_message(embed=embed)
        except discord.HTTPException:
            await interaction.response.send_message("that was too big", ephemeral=True)

    tiny.on_run = big_embed
    ix = await standin.slash(alice, "demo run")

    assert [r.status for r in standin.requests_to("POST", "/interactions/*/callback")] == [400, 200]
    assert ix.message is not None
    assert ix.message.content == "that was too big"
    [violation] = standin.take_violations()
    assert violation.code == 50035
    assert "6000" in violation.message


async def test_acknowledging_twice_is_refused(standin: StandIn, tiny: TinyBot) -> None:
    alice = standin.add_member("alice")

    async def twice(interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_message("one")
        interaction.response._response_type = None  # get past discord.py's own guard, as a buggy bot could
        await interaction.response.send_message("two")

    tiny.on_run = twice
    ix = await standin.slash(alice, "demo run")
    await standin.wait_for(lambda: bool(tiny.errors))

    assert ix.message is not None
    assert ix.message.content == "one"
    assert isinstance(tiny.errors[0], discord.HTTPException)
    assert tiny.errors[0].code == 40060
    assert [v.code for v in standin.take_violations()] == [40060]


@pytest.mark.standin(ack_deadline=0.2)
async def test_a_late_acknowledgement_is_refused(standin: StandIn, tiny: TinyBot) -> None:
    alice = standin.add_member("alice")
    release = asyncio.Event()

    async def slow(interaction: discord.Interaction[Any]) -> None:
        await release.wait()
        await interaction.response.send_message("too late")

    tiny.on_run = slow
    with pytest.raises(NoResponse, match="no acknowledgement"):
        await standin.slash(alice, "demo run")
    release.set()
    await standin.wait_for(lambda: bool(tiny.errors))

    assert isinstance(tiny.errors[0], discord.NotFound)
    assert tiny.errors[0].code == 10062
    assert [v.code for v in standin.take_violations()] == [10062, 10062]


async def test_an_unknown_endpoint_is_a_404_and_a_violation(standin: StandIn, tiny: TinyBot) -> None:
    with pytest.raises(discord.NotFound):
        await tiny.http.request(discord.http.Route("GET", "/nothing/here"))

    [violation] = standin.take_violations()
    assert violation.status == 404
    assert violation.request is not None
    assert violation.request.path == "/nothing/here"


async def test_assert_clean_lists_the_violations(standin: StandIn) -> None:
    standin.record_violation(Violation(400, 50035, "content too long"))
    with pytest.raises(AssertionError, match="content too long"):
        standin.assert_clean()
    standin.take_violations()


# Responses --------------------------------------------------------------------------------------------------


async def test_a_thinking_defer_is_completed_by_the_first_followup(standin: StandIn, tiny: TinyBot) -> None:
    alice = standin.add_member("alice")

    async def deferred(interaction: discord.Interaction[Any]) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.followup.send("done", ephemeral=True)  # the defer decided: public
        await interaction.followup.send("and more", ephemeral=True)

    tiny.on_run = deferred
    ix = await standin.slash(alice, "demo run")
    assert ix.response_type == 5
    await ix.wait_final()
    await ix.wait_followups(1)

    assert ix.message is not None
    assert (ix.message.content, ix.message.ephemeral) == ("done", False)
    assert [(m.content, m.ephemeral) for m in ix.followups] == [("and more", True)]
    assert [m.content for m in standin.messages_in(standin.guild.general)] == ["done"]


async def test_a_defer_then_edit_original(standin: StandIn, tiny: TinyBot) -> None:
    alice = standin.add_member("alice")

    async def deferred(interaction: discord.Interaction[Any]) -> None:
        await interaction.response.defer(ephemeral=True)
        await interaction.edit_original_response(content="edited", allowed_mentions=discord.AllowedMentions.none())

    tiny.on_run = deferred
    ix = await (await standin.slash(alice, "demo run")).wait_final()

    assert ix.message is not None
    assert (ix.message.content, ix.ephemeral, ix.message.loading) == ("edited", True, False)
    edit = standin.requests_to("PATCH", "/webhooks/*/messages/@original")[0]
    assert edit.json["allowed_mentions"] == {"parse": []}


async def test_buttons_selects_and_views(standin: StandIn, tiny: TinyBot) -> None:
    alice, bob = standin.add_member("alice"), standin.add_member("bob")
    clicks: list[str] = []

    async def with_view(interaction: discord.Interaction[Any]) -> None:
        view = discord.ui.View()
        go = discord.ui.Button(label="Go", custom_id="go")
        off = discord.ui.Button(label="Off", custom_id="off", disabled=True)
        pick: discord.ui.Select[Any] = discord.ui.Select(custom_id="pick", options=[discord.SelectOption(label="A")])

        async def on_go(i: discord.Interaction[Any]) -> None:
            clicks.append(f"go by {i.user.name}")
            await i.response.edit_message(content="went", view=None)

        async def on_pick(i: discord.Interaction[Any]) -> None:
            clicks.append(f"picked {pick.values}")
            await i.response.defer()

        go.callback, pick.callback = on_go, on_pick  # type: ignore[method-assign]
        for item in (go, off, pick):
            view.add_item(item)
        await interaction.response.send_message("choose", view=view)

    tiny.on_run = with_view
    ix = await standin.slash(alice, "demo run")

    with pytest.raises(NotPossible, match="disabled"):
        await standin.click(bob, ix, label="Off")
    with pytest.raises(NotPossible, match="no component"):
        await standin.click(bob, ix, "nope")
    picked = await standin.select(bob, ix, ["A"])
    assert picked.response_type == 6
    clicked = await standin.click(bob, ix, label="Go")

    assert clicks == ["picked ['A']", "go by bob"]
    assert clicked.response_type == 7
    assert ix.message is not None
    assert (ix.message.content, ix.message.components) == ("went", [])


async def test_an_ephemeral_message_is_clickable_by_its_member_only(standin: StandIn, tiny: TinyBot) -> None:
    alice, bob = standin.add_member("alice"), standin.add_member("bob")

    async def private_view(interaction: discord.Interaction[Any]) -> None:
        view = discord.ui.View()
        view.add_item(discord.ui.Button(label="Mine", custom_id="mine"))
        await interaction.response.send_message("yours", view=view, ephemeral=True)

    tiny.on_run = private_view
    ix = await standin.slash(alice, "demo run")

    with pytest.raises(NotPossible, match="ephemeral"):
        await standin.click(bob, ix, "mine")


async def test_a_modal_is_submitted_from_what_the_bot_sent(standin: StandIn, tiny: TinyBot) -> None:
    alice = standin.add_member("alice")
    submitted: list[tuple[str, str]] = []

    class Story(discord.ui.Modal, title="Tell a story"):
        title_ = discord.ui.TextInput(label="Title", max_length=10)
        body = discord.ui.TextInput(label="Body", style=discord.TextStyle.paragraph, default="once", required=False)

        async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
            submitted.append((self.title_.value, self.body.value))
            await interaction.response.send_message("thanks", ephemeral=True)

    async def open_modal(interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_modal(Story())

    tiny.on_run = open_modal
    ix = await standin.slash(alice, "demo run")
    assert ix.modal is not None
    assert ix.modal["title"] == "Tell a story"

    with pytest.raises(NotPossible, match="no field"):
        await standin.submit_modal(alice, ix, {"Subtitle": "x"})
    with pytest.raises(NotPossible, match="0 to 10 characters"):
        await standin.submit_modal(alice, ix, {"title": "x" * 11})
    with pytest.raises(NotPossible, match="required"):
        await standin.submit_modal(alice, ix, {"body": "no title"})
    answer = await standin.submit_modal(alice, ix, {"Title": "Hello"})

    assert submitted == [("Hello", "once")]
    assert answer.message is not None
    assert answer.message.content == "thanks"
    with pytest.raises(NotPossible, match="already submitted"):
        await standin.submit_modal(alice, ix, {"Title": "Again"})


async def test_a_modal_with_labels_and_a_select(standin: StandIn, tiny: TinyBot) -> None:
    alice = standin.add_member("alice")
    submitted: list[tuple[str, list[str]]] = []
    name = discord.ui.TextInput[Any](max_length=20)
    track = discord.ui.Select[Any](
        options=[discord.SelectOption(label="Backend"), discord.SelectOption(label="Frontend")]
    )

    class Join(discord.ui.Modal, title="Join"):
        def __init__(self) -> None:
            super().__init__()
            self.add_item(discord.ui.Label(text="Your name", component=name))
            self.add_item(discord.ui.Label(text="Track", description="Which programme", component=track))

        async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
            submitted.append((name.value, track.values))
            await interaction.response.defer()

    async def open_modal(interaction: discord.Interaction[Any]) -> None:
        view = discord.ui.View()
        button = discord.ui.Button[Any](label="Join", custom_id="join")

        async def on_click(i: discord.Interaction[Any]) -> None:
            await i.response.send_modal(Join())

        button.callback = on_click  # type: ignore[method-assign]
        view.add_item(button)
        await interaction.response.send_message("pairing", view=view)

    tiny.on_run = open_modal
    posted = await standin.slash(alice, "demo run")
    opened = await standin.click(alice, posted, label="Join")
    with pytest.raises(NotPossible, match="choose 1 to 1 of"):
        await standin.submit_modal(alice, opened, {"Your name": "Ada", "Track": ["Mobile"]})
    answer = await standin.submit_modal(alice, opened, {"your name": "Ada", "track": ["Backend"]})

    assert submitted == [("Ada", ["Backend"])]
    assert answer.response_type == 6  # a modal opened from a message may update it
    assert answer.payload["message"]["id"] == str(posted.message.id)  # type: ignore[union-attr]


async def test_a_message_command_gets_the_resolved_message(standin: StandIn, tiny: TinyBot) -> None:
    alice, bob = standin.add_member("alice"), standin.add_member("bob")
    said = await standin.say(bob, "use select_related")

    ix = await standin.message_command(alice, "Quote", said)

    assert tiny.seen["quoted"] == "use select_related"
    assert ix.payload["data"]["target_id"] == str(said.id)


async def test_files_are_recorded_with_their_bytes(standin: StandIn, tiny: TinyBot) -> None:
    alice = standin.add_member("alice")

    async def export(interaction: discord.Interaction[Any]) -> None:
        data = io.BytesIO(b'{"concepts": []}')
        await interaction.response.send_message("here", file=discord.File(data, filename="export.json"))

    tiny.on_run = export
    ix = await standin.slash(alice, "demo run")

    assert ix.message is not None
    [file] = ix.message.files
    assert (file.filename, file.text) == ("export.json", '{"concepts": []}')
    assert ix.message.attachments[0]["filename"] == "export.json"


async def test_an_attachment_option_is_served_to_the_bot(standin: StandIn, tiny: TinyBot) -> None:
    alice = standin.add_member("alice")

    ix = await standin.slash(alice, "demo upload", file=RecordedFile("import.json", b'{"v": 1}', "application/json"))

    assert tiny.seen["uploaded"] == ("import.json", b'{"v": 1}')
    assert ix.message is not None
    assert ix.message.content == "read 8 bytes"


async def test_an_unknown_path_outside_the_api_is_a_violation(standin: StandIn) -> None:
    async with aiohttp.ClientSession() as session, session.get(standin.base_url + "/nowhere") as response:
        assert response.status == 404
    [violation] = standin.take_violations()
    assert "/nowhere" in violation.message


async def test_allowed_mentions_decide_who_is_pinged(standin: StandIn, tiny: TinyBot) -> None:
    alice, bob = standin.add_member("alice"), standin.add_member("bob")

    async def mention(interaction: discord.Interaction[Any]) -> None:
        text = f"@everyone {alice.mention} {bob.mention}"
        await interaction.response.send_message(text, allowed_mentions=discord.AllowedMentions.none())
        await interaction.followup.send(text)
        await interaction.followup.send(text, allowed_mentions=discord.AllowedMentions(everyone=False, users=[bob]))  # type: ignore[list-item]

    tiny.on_run = mention
    ix = await standin.slash(alice, "demo run")
    await ix.wait_followups(2)

    assert ix.message is not None
    assert not ix.message.pings
    assert ix.followups[0].pings.everyone
    assert ix.followups[1].pings.users == {bob.id}
    assert not ix.followups[1].pings.everyone


# Threads and DMs -------------------------------------------------------------------------------------------


async def test_private_threads_members_and_archiving(standin: StandIn, tiny: TinyBot) -> None:
    alice = standin.add_member("alice")
    general = tiny.get_channel(standin.guild.general)
    assert isinstance(general, discord.TextChannel)

    thread = await general.create_thread(name="pair: alice")
    await thread.add_user(discord.Object(alice.id))
    await thread.send("welcome")
    await thread.edit(archived=True, locked=True)
    with pytest.raises(discord.HTTPException) as refused:
        await thread.send("too late")

    [stored] = standin.threads
    assert (stored.type, stored.archived, stored.locked) == (12, True, True)
    assert alice.id in stored.member_ids
    assert [m.content for m in standin.messages_in(stored)] == ["welcome"]
    assert refused.value.code == 50083


async def test_a_private_thread_is_seen_by_its_members_only(standin: StandIn, tiny: TinyBot) -> None:
    alice, bob = standin.add_member("alice"), standin.add_member("bob")
    general = tiny.get_channel(standin.guild.general)
    assert isinstance(general, discord.TextChannel)
    thread = await general.create_thread(name="pair")
    await thread.add_user(discord.Object(alice.id))

    async def with_button(interaction: discord.Interaction[Any]) -> None:
        view = discord.ui.View()
        met = discord.ui.Button[Any](label="Met", custom_id="met")

        async def noted(i: discord.Interaction[Any]) -> None:
            await i.response.defer()

        met.callback = noted  # type: ignore[method-assign]
        view.add_item(met)
        await interaction.response.send_message("did you meet?", view=view)

    tiny.on_run = with_button
    asked = await standin.slash(alice, "demo run", in_channel=thread.id)
    said = await standin.say(alice, "hello partner", in_channel=thread.id)
    with pytest.raises(NotPossible, match="not in the private thread"):
        await standin.slash(bob, "demo run", in_channel=thread.id)
    with pytest.raises(NotPossible, match="not in the private thread"):
        await standin.click(bob, asked, "met")
    keeper = standin.add_member("keeper", roles=[standin.add_role("Keepers", MANAGE_THREADS)])
    assert (await standin.click(keeper, asked, "met")).response_type == 6
    assert [m.content for m in standin.messages_in(thread.id)] == ["did you meet?", said.content]


async def test_dms_and_closed_dms(standin: StandIn, tiny: TinyBot) -> None:
    alice = standin.add_member("alice")
    closed = standin.add_member("closed", dms_open=False)

    user = await tiny.fetch_user(alice.id)
    await user.send("your challenge got a solution")
    with pytest.raises(discord.Forbidden) as refused:
        await (await tiny.fetch_user(closed.id)).send("hello")

    assert [m.content for m in standin.dms(alice)] == ["your challenge got a solution"]
    assert refused.value.code == 50007


# Faults and the gateway ------------------------------------------------------------------------------------


async def test_a_429_on_the_callback_is_retried(standin: StandIn, tiny: TinyBot) -> None:
    alice = standin.add_member("alice")
    standin.fail_next("POST", "/interactions/*/callback", status=429, retry_after=0.01)

    ix = await standin.slash(alice, "demo run")

    assert ix.message is not None
    assert ix.message.content == "ok"
    assert [r.status for r in standin.requests_to("POST", "/interactions/*/callback")] == [429, 200]


async def test_a_429_on_rest_is_retried(standin: StandIn, tiny: TinyBot) -> None:
    standin.fail_next("GET", "/channels/*", status=429, times=2, retry_after=0.01)

    channel = await tiny.fetch_channel(standin.guild.general)

    assert channel.id == standin.guild.general
    assert [r.status for r in standin.requests_to("GET", "/channels/*")] == [429, 429, 200]


async def test_a_502_is_retried_after_discord_pys_backoff(standin: StandIn, tiny: TinyBot) -> None:
    standin.fail_next("GET", "/channels/*", status=502)

    channel = await tiny.fetch_channel(standin.guild.general)  # discord.py waits 1 s before retrying

    assert channel.id == standin.guild.general
    assert [r.status for r in standin.requests_to("GET", "/channels/*")] == [502, 200]


async def test_a_dropped_socket_is_resumed_and_missed_events_replayed(standin: StandIn, tiny: TinyBot) -> None:
    alice = standin.add_member("alice")
    await standin.drop_connection()
    lounge = standin.add_channel("lounge")  # sent while the bot is away: replayed on resume

    await standin.wait_until_connected()
    ix = await standin.slash(alice, "demo run")

    assert ix.acknowledged
    assert (standin.gateway.identifies, standin.gateway.resumes) == (1, 1)
    await standin.sync()
    assert tiny.get_channel(lounge.id) is not None


async def test_reconnect_and_invalid_session(standin: StandIn, tiny: TinyBot) -> None:
    alice = standin.add_member("alice")

    await standin.send_reconnect()
    await standin.wait_until_connected()
    assert (await standin.slash(alice, "demo run")).acknowledged
    await standin.invalidate_session(resumable=False)
    await standin.wait_until_connected()
    assert (await standin.slash(alice, "demo run")).acknowledged

    assert (standin.gateway.identifies, standin.gateway.resumes) == (2, 1)


async def test_a_deleted_channel_leaves_the_bots_cache(standin: StandIn, tiny: TinyBot) -> None:
    lounge = standin.add_channel("lounge")
    await standin.sync()
    assert tiny.get_channel(lounge.id) is not None

    await standin.delete_channel(lounge)
    assert tiny.get_channel(lounge.id) is None


@pytest.mark.standin(token="the-right-token")
async def test_a_wrong_token_is_refused(standin: StandIn) -> None:
    point_discord_at(standin)
    bot = TinyBot(standin.guild.id)
    with pytest.raises(discord.LoginFailure):
        await run_client(bot, standin, token="wrong")
    await stop_client(bot, None)
    assert standin.tokens_seen == {"wrong"}


async def test_role_edits_reach_the_bot_and_later_interactions(standin: StandIn, tiny: TinyBot) -> None:
    alice = standin.add_member("alice")
    helpers = standin.add_role("Helpers")
    bot_role = next(role for role in standin.guild.roles.values() if role.managed)

    await standin.update_role(bot_role, permissions=0)
    await standin.give_role(alice, helpers)
    ix = await standin.slash(alice, "demo run")

    guild = tiny.get_guild(standin.guild.id)
    assert guild is not None
    assert guild.get_role(bot_role.id).permissions.value == 0  # type: ignore[union-attr]
    assert str(helpers.id) in ix.payload["member"]["roles"]
    assert int(ix.payload["app_permissions"]) & MANAGE_THREADS == 0  # only the bot role granted it
