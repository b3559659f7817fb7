"""`StandIn`: the local Discord a test talks to, and the bot connects to over real HTTP and a real websocket."""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import json
import logging
import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from aiohttp import BodyPartReader, web

from sandbox import builders
from sandbox.builders import NotPossible
from sandbox.gateway import GUILD_MEMBERS, GUILD_MESSAGES, GUILDS, MESSAGE_CONTENT, Gateway
from sandbox.interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    InteractionHandle,
    NoResponse,
)
from sandbox.models import (
    ADMINISTRATOR,
    DM,
    GUILD_TEXT,
    MANAGE_THREADS,
    PRIVATE_THREAD,
    ApiError,
    Channel,
    Guild,
    Member,
    Message,
    RecordedFile,
    RecordedRequest,
    Role,
    User,
    Violation,
    id_of,
    iter_components,
)
from sandbox.rest import Call, Rest, json_response, new_token
from sandbox.world import World

log = logging.getLogger(__name__)

API_PREFIX = "/api/v10"
# aiohttp listens with a backlog of 128: a burst of simultaneous callbacks overflowed it and the kernel dropped
# connection attempts that discord.py retried seconds later, which looked like a slow bot.
LISTEN_BACKLOG = 4096
# Routes authenticated by the interaction token in the path: discord.py sends no Authorization header there.
TOKEN_ROUTES = ("/interactions/", "/webhooks/")


@dataclass
class Fault:
    """An injected failure: the next `remaining` requests matching `method` and the `path` glob get `status`."""

    method: str
    path: str
    status: int
    remaining: int
    retry_after: float
    is_global: bool

    def matches(self, method: str, path: str) -> bool:
        """Whether this fault applies to a request."""
        return self.remaining > 0 and self.method in ("*", method) and fnmatch.fnmatchcase(path, self.path)


class StandIn:
    """A local Discord for end-to-end tests: REST under `api_url`, the gateway at `gateway_url`.

    Build the world (`add_member`, `add_channel`, `add_role`), start the bot against it, then act as members
    (`slash`, `autocomplete`, `click`, `select`, `submit_modal`, `message_command`, `say`) and inspect what the bot
    did (`messages_in`, `threads`, `dms`, `requests`, `violations`). Discord's rules are enforced: a broken one
    answers like Discord and is recorded in `violations`, which `assert_clean()` turns into a test failure.
    """

    def __init__(self, *, ack_deadline: float = 3.0, token: str | None = None, bot_name: str = "Nexus") -> None:
        """`ack_deadline`: seconds the bot has to acknowledge an interaction (Discord: 3).
        `token`: if given, only this bot token is accepted (to test a refused login); otherwise any."""
        self.world = World(bot_name=bot_name)
        self.ack_deadline = ack_deadline
        self.accepted_token = token
        self.tokens_seen: set[str] = set()
        self.requests: list[RecordedRequest] = []
        self.violations: list[Violation] = []
        self.interactions: dict[int, InteractionHandle] = {}
        self.interactions_by_token: dict[str, InteractionHandle] = {}
        self.faults: list[Fault] = []
        self.gateway = Gateway(
            self.world, on_token=self._accept_token, on_problem=self._gateway_problem, on_change=self._notify
        )
        self.rest = Rest(self)
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # Lifecycle ---------------------------------------------------------------------------------------------

    async def start(self) -> StandIn:
        """Listen on a free port of 127.0.0.1."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/gateway", self.gateway.handle)
        app.router.add_route("*", "/gateway-resume", self.gateway.handle)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._handle)
        app.router.add_route("GET", "/attachments/{channel}/{attachment}/{filename}", self._attachment)
        app.router.add_route("*", "/{tail:.*}", self._unknown)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock, backlog=LISTEN_BACKLOG).start()
        self.gateway.resume_url = f"ws://127.0.0.1:{self.port}/gateway-resume"
        self.world.base_url = self.base_url
        return self

    async def stop(self) -> None:
        """Close every socket and stop listening."""
        for ix in self.interactions.values():
            ix.cancel()
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> StandIn:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT`."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """What `discord.http.Route.BASE` must be (DISCORD_API_URL)."""
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        """What `DiscordWebSocket.DEFAULT_GATEWAY` must be (DISCORD_GATEWAY_URL)."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    # The world ----------------------------------------------------------------------------------------------

    @property
    def guild(self) -> Guild:
        """The default guild: `.id`, `.general` (a text channel id), `.moderator_role_id`, `.roles`, `.members`."""
        return self.world.guild

    @property
    def application_id(self) -> int:
        """The application's id (also the bot user's id)."""
        return self.world.application_id

    @property
    def bot_user(self) -> User:
        """The bot's user."""
        return self.world.bot_user

    def add_member(
        self,
        username: str,
        *,
        roles: list[int | Role] | tuple[int | Role, ...] = (),
        manage_guild: bool = False,
        administrator: bool = False,
        dms_open: bool = True,
    ) -> Member:
        """A new member of the default guild (see `World.add_member`)."""
        member = self.world.add_member(
            username, roles=roles, manage_guild=manage_guild, administrator=administrator, dms_open=dms_open
        )
        self.emit("GUILD_MEMBER_ADD", {**member.payload(), "guild_id": str(member.guild.id)}, intent=GUILD_MEMBERS)
        return member

    def add_role(self, name: str, permissions: int = 0) -> Role:
        """A new role in the default guild."""
        role = self.world.add_role(name, permissions)
        self.emit("GUILD_ROLE_CREATE", {"guild_id": str(self.guild.id), "role": role.payload()}, intent=GUILDS)
        return role

    def add_channel(self, name: str, *, type: int = GUILD_TEXT, guild: Guild | None = None) -> Channel:
        """A new channel (text by default) in the default guild; a connected bot gets CHANNEL_CREATE."""
        channel = self.world.add_channel(name, type=type, guild=guild)
        self.emit("CHANNEL_CREATE", channel.payload(), intent=GUILDS)
        return channel

    async def update_role(self, role: Role, *, permissions: int | None = None, name: str | None = None) -> None:
        """A server admin edits a role; the bot gets GUILD_ROLE_UPDATE (and later interactions carry the change)."""
        if permissions is not None:
            role.permissions = permissions
        if name is not None:
            role.name = name
        self.emit("GUILD_ROLE_UPDATE", {"guild_id": str(self.guild.id), "role": role.payload()}, intent=GUILDS)
        await self.sync()

    async def give_role(self, member: Member, role: Role | int) -> None:
        """Add a role to a member (GUILD_MEMBER_UPDATE reaches the bot only with the members intent)."""
        if id_of(role) not in member.guild.roles:
            raise ValueError(f"no role {role!r} in guild {member.guild.id}")
        if id_of(role) not in member.roles:
            member.roles.append(id_of(role))
        data = {**member.payload(), "guild_id": str(member.guild.id)}
        self.emit("GUILD_MEMBER_UPDATE", data, intent=GUILD_MEMBERS)
        await self.sync()

    async def remove_member(self, member: Member) -> None:
        """The member leaves the guild."""
        member.guild.members.pop(member.id, None)
        data = {"guild_id": str(member.guild.id), "user": member.user.payload()}
        self.emit("GUILD_MEMBER_REMOVE", data, intent=GUILD_MEMBERS)
        await self.sync()

    async def delete_channel(self, channel: Channel | int) -> None:
        """A channel or thread is deleted by someone else; the bot gets CHANNEL_DELETE or THREAD_DELETE."""
        found = self._channel(channel)
        found.deleted = True
        self.emit("THREAD_DELETE" if found.is_thread else "CHANNEL_DELETE", found.payload(), intent=GUILDS)
        await self.sync()

    def allow_command(self, name: str, *, role: Role | int | None = None, member: Member | None = None) -> None:
        """Open a command to a role or member, like a server admin does under Server Settings → Integrations."""
        command, _ = self.world.find_command(name, self.guild.id)
        if member is not None:
            target = member.id
        elif role is not None:
            target = id_of(role)
        else:
            raise ValueError("allow_command needs a role or a member")
        self.world.command_overrides.setdefault(command["id"], set()).add(target)

    def commands(self, guild: Guild | int | None = None) -> list[dict[str, Any]]:
        """The commands synced globally (no argument) or to a guild."""
        scope = guild.id if isinstance(guild, Guild) else guild
        return self.world.commands.get(scope, [])

    @property
    def synced(self) -> bool:
        """Whether any command was synced."""
        return any(self.world.commands.values())

    # What happened ------------------------------------------------------------------------------------------

    def messages_in(self, channel: Channel | int) -> list[Message]:
        """Messages visible in a channel or thread, oldest first (not ephemeral ones, not deleted ones)."""
        return self.world.messages_in(id_of(channel))

    @property
    def messages(self) -> list[Message]:
        """Every message, ephemeral and deleted ones included, oldest first."""
        return list(self.world.messages.values())

    @property
    def threads(self) -> list[Channel]:
        """Every thread the bot created and that was not deleted, oldest first."""
        return [c for c in self.world.channels.values() if c.is_thread and not c.deleted]

    def dms(self, user: Member | User) -> list[Message]:
        """The messages the bot sent to a user in DMs."""
        target = user.user if isinstance(user, Member) else user
        return [
            m
            for c in self.world.channels.values()
            if c.type == DM and c.recipient is target
            for m in self.world.messages_in(c.id)
        ]

    def requests_to(self, method: str = "*", path: str = "*") -> list[RecordedRequest]:
        """Requests matching a method ("*" for any) and a path glob, e.g. `("PUT", "/applications/*/commands")`."""
        return [r for r in self.requests if method in ("*", r.method) and fnmatch.fnmatchcase(r.path, path)]

    @property
    def command_syncs(self) -> list[RecordedRequest]:
        """Every bulk overwrite of commands (what `tree.sync()` sends), global or guild."""
        return self.requests_to("PUT", "/applications/*/commands")

    def record_violation(self, violation: Violation) -> None:
        """Record something Discord refuses or a member would notice."""
        log.warning("stand-in violation: %s", violation)
        self.violations.append(violation)
        self._notify()

    def take_violations(self, code: int | None = None) -> list[Violation]:
        """Remove and return the recorded violations (only those with `code`, if given): for tests that expect them."""
        taken = [v for v in self.violations if code is None or v.code == code]
        self.violations = [v for v in self.violations if v not in taken]
        return taken

    async def settle(self) -> None:
        """Wait until every interaction was acknowledged or its deadline passed (which records a violation).

        Call before `assert_clean` at teardown, so that an interaction the bot never answers fails the test even
        when the test did not wait for it. Bounded by the acknowledgement deadline."""
        for ix in list(self.interactions.values()):
            if not ix.acknowledged:
                with contextlib.suppress(NoResponse):
                    await ix.wait_acknowledged()

    def assert_clean(self) -> None:
        """Fail if any rule was broken, an unknown endpoint was called, or an interaction went unanswered."""
        if self.violations:
            lines = "\n".join(f"  - {v}" for v in self.violations)
            raise AssertionError(f"the Discord stand-in recorded {len(self.violations)} violation(s):\n{lines}")

    async def wait_for(self, predicate: Callable[[], bool], within: float = 5.0) -> None:
        """Wait until `predicate()` holds; it is re-checked after every request and gateway frame."""
        loop = asyncio.get_running_loop()
        end = loop.time() + within
        while not predicate():
            remaining = end - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"condition not met within {within:g} s")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)

    async def wait_for_request(self, method: str, path: str, count: int = 1, within: float = 5.0) -> RecordedRequest:
        """Wait until `count` matching requests were answered, and return the `count`-th."""

        def answered() -> list[RecordedRequest]:
            return [r for r in self.requests_to(method, path) if r.status]

        await self.wait_for(lambda: len(answered()) >= count, within)
        return answered()[count - 1]

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    # Gateway -------------------------------------------------------------------------------------------------

    def emit(self, event: str, data: dict[str, Any], *, intent: int = 0) -> bool:
        """Send an event to the connected bot if its intents ask for it; a no-op when no bot is connected."""
        sent = self.gateway.emit(event, data, intent=intent)
        self._notify()
        return sent

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send any DISPATCH event as is, and wait until the bot processed it (if connected; if the socket is
        down it is buffered and replayed when the bot resumes)."""
        if not self.gateway.emit(event, data):
            raise RuntimeError(f"cannot dispatch {event}: no bot session on the gateway")
        await self.sync()

    async def sync(self, within: float = 5.0) -> None:
        """Wait until the connected bot has parsed every event sent so far (a heartbeat round trip).

        Listeners the events started may still be running. A no-op when no bot is connected."""
        if not self.gateway.live:
            return
        target = self.gateway.request_heartbeat()
        await self.wait_for(lambda: self.gateway.client_seq >= target or not self.gateway.live, within)

    @property
    def connected(self) -> bool:
        """Whether a bot is connected and has its READY (or RESUMED)."""
        return self.gateway.live

    async def wait_until_connected(self, within: float = 5.0) -> None:
        """Wait until a bot identified or resumed (since the last injected fault)."""
        await self.gateway.wait_live(within)

    async def drop_connection(self, code: int | None = None) -> None:
        """Cut the bot's socket without a close frame (like a network failure), or close it with `code`."""
        self.gateway.drop(code)
        await asyncio.sleep(0)

    async def send_reconnect(self) -> None:
        """Ask the bot to reconnect (op 7 RECONNECT); it should resume."""
        self.gateway.reconnect()
        await asyncio.sleep(0)

    async def invalidate_session(self, *, resumable: bool) -> None:
        """Send INVALID_SESSION (op 9). Not resumable: the bot must identify again."""
        self.gateway.invalidate(resumable=resumable)
        await asyncio.sleep(0)

    def fail_next(
        self,
        method: str,
        path: str,
        *,
        status: int = 429,
        times: int = 1,
        retry_after: float = 0.05,
        is_global: bool = False,
    ) -> Fault:
        """Answer the next `times` requests matching `method` ("*": any) and the `path` glob (relative to
        /api/v10, e.g. "/interactions/*/callback") with `status`: 429 with Discord's rate-limit headers and
        `retry_after`, or a 5xx. discord.py retries both (a 5xx after 1 + 2·attempt seconds)."""
        fault = Fault(method, path, status, times, retry_after, is_global)
        self.faults.append(fault)
        return fault

    def message_event(self, message: Message) -> dict[str, Any]:
        """A MESSAGE_CREATE/UPDATE payload; without the MESSAGE_CONTENT intent others' content arrives empty."""
        data = message.payload(self.world.users)
        member = self.world.member(message.guild_id, message.author.id)
        if member is not None:
            data["member"] = member.payload(with_user=False)
        session = self.gateway.current
        privileged = session is not None and session.intents & MESSAGE_CONTENT
        mentioned = self.bot_user.id in message.pings.users
        if message.guild_id and not privileged and not mentioned and message.author is not self.bot_user:
            data.update(content="", embeds=[], attachments=[], components=[])
        return data

    def _accept_token(self, token: str) -> bool:
        token = token.removeprefix("Bot ")
        self.tokens_seen.add(token)
        return bool(token) and (self.accepted_token is None or token == self.accepted_token)

    def _gateway_problem(self, message: str) -> None:
        self.record_violation(Violation(0, 0, message))

    # Members acting -----------------------------------------------------------------------------------------

    async def slash(
        self,
        member: Member,
        command: str,
        /,
        options: Mapping[str, Any] | None = None,
        *,
        in_channel: Channel | int | None = None,
        bypass_permissions: bool = False,
        wait: bool = True,
        **kwargs: Any,
    ) -> InteractionHandle:
        """Run a slash command as `member`, e.g. `slash(alice, "challenge search", query="n+1")`.

        Options come as keyword arguments (or `options={...}` for names like `for`); users, channels and roles
        may be given as sandbox objects or ids. A command hidden from the member by its default permissions
        raises NotPossible unless `bypass_permissions` (a forged or misconfigured call). Returns once the bot
        acknowledged; raises NoResponse if it did not within the deadline (`wait=False`: return at once).
        """
        data = builders.command_data(self.world, member, command, {**(options or {}), **kwargs})
        if not bypass_permissions:
            self._check_visible(member, data["name"], 1)
        return await self._interact(member, APPLICATION_COMMAND, data, in_channel, wait=wait)

    async def autocomplete(
        self,
        member: Member,
        command: str,
        /,
        options: Mapping[str, Any] | None = None,
        *,
        focused: str,
        value: str = "",
        in_channel: Channel | int | None = None,
        **kwargs: Any,
    ) -> list[dict[str, Any]]:
        """Type `value` into the option `focused` of `command`; returns the choices (`{"name", "value"}`)."""
        values = {**(options or {}), **kwargs, focused: value}
        data = builders.command_data(self.world, member, command, values, focused=focused)
        ix = await self._interact(member, AUTOCOMPLETE, data, in_channel, wait=True)
        return ix.choices or []

    async def click(
        self,
        member: Member,
        message: Message | InteractionHandle | int,
        /,
        custom_id: str | None = None,
        *,
        label: str | None = None,
        wait: bool = True,
    ) -> InteractionHandle:
        """Click a button (found by custom_id or label) on a message or on an interaction's response message."""
        target = self._message(message, member)
        data = builders.component_data(self.world, member, target, custom_id=custom_id, label=label, values=None)
        return await self._interact(member, MESSAGE_COMPONENT, data, target.channel_id, message=target, wait=wait)

    async def select(
        self,
        member: Member,
        message: Message | InteractionHandle | int,
        values: list[Any],
        /,
        custom_id: str | None = None,
        *,
        wait: bool = True,
    ) -> InteractionHandle:
        """Choose `values` in a select menu (the message's only one, or the one with `custom_id`)."""
        target = self._message(message, member)
        if custom_id is None:
            selects = [c for c in iter_components(target.components) if c.get("type") in builders.SELECTS]
            if len(selects) != 1:
                raise NotPossible(f"message {target.id} has {len(selects)} selects: name one by custom_id")
            custom_id = selects[0]["custom_id"]
        data = builders.component_data(self.world, member, target, custom_id=custom_id, label=None, values=values)
        return await self._interact(member, MESSAGE_COMPONENT, data, target.channel_id, message=target, wait=wait)

    async def submit_modal(
        self,
        member: Member,
        opened_by: InteractionHandle,
        values: Mapping[str, Any] | None = None,
        /,
        *,
        wait: bool = True,
        **kwargs: Any,
    ) -> InteractionHandle:
        """Fill in and submit the modal the bot opened in answer to `opened_by`. Fields are keyed by their
        custom_id or their label (case-insensitive); fields left out keep their pre-filled value."""
        if opened_by.modal is None:
            raise NotPossible(f"{opened_by.describe()} did not open a modal (response type {opened_by.response_type})")
        if opened_by.member.id != member.id:
            raise NotPossible(f"only {opened_by.member.name} sees that modal")
        if opened_by.modal_submitted:
            raise NotPossible("that modal was already submitted (the bot must open a new one)")
        data = builders.modal_submit_data(opened_by.modal, {**(values or {}), **kwargs})
        opened_by.modal_submitted = True
        message = opened_by.source_message
        return await self._interact(member, MODAL_SUBMIT, data, opened_by.channel_id, message=message, wait=wait)

    async def message_command(
        self, member: Member, name: str, message: Message | int, /, *, wait: bool = True
    ) -> InteractionHandle:
        """Run a message context-menu command ("Apps → name") on a message."""
        target = self._message(message, member)
        data = builders.context_menu_data(self.world, member, name, target)
        self._check_visible(member, name, 3)
        return await self._interact(member, APPLICATION_COMMAND, data, target.channel_id, wait=wait)

    async def user_command(
        self, member: Member, name: str, target: Member | User, /, *, wait: bool = True
    ) -> InteractionHandle:
        """Run a user context-menu command on a member."""
        data = builders.context_menu_data(self.world, member, name, target)
        self._check_visible(member, name, 2)
        return await self._interact(member, APPLICATION_COMMAND, data, None, wait=wait)

    async def say(self, member: Member, content: str, /, *, in_channel: Channel | int | None = None) -> Message:
        """The member posts a message (the bot gets MESSAGE_CREATE if its intents ask for it)."""
        channel = self._where(member, in_channel)
        if channel.is_thread and channel.archived:
            if channel.locked and not member.permissions & MANAGE_THREADS:
                raise NotPossible(f"thread {channel.id} is locked")
            channel.archived = False  # a member posting in an archived thread reopens it
            self.emit("THREAD_UPDATE", channel.payload(), intent=GUILDS)
        message = Message(self.world.ids.next(), channel.id, channel.guild_id, member.user, content=content)
        self.world.messages[message.id] = message
        self.emit("MESSAGE_CREATE", self.message_event(message), intent=GUILD_MESSAGES)
        await self.sync()
        return message

    # Internals ------------------------------------------------------------------------------------------------

    def _channel(self, channel: Channel | int) -> Channel:
        found = self.world.channels.get(id_of(channel))
        if found is None or found.deleted:
            raise NotPossible(f"no channel {channel!r}")
        return found

    def _where(self, member: Member, channel: Channel | int | None) -> Channel:
        """The channel a member acts in (default #general): it must be one they can see."""
        found = self._channel(channel if channel is not None else self.guild.general)
        if found.guild_id != member.guild.id:
            raise NotPossible(f"channel {found.id} is not in {member.name}'s guild")
        moderator = member.permissions & (MANAGE_THREADS | ADMINISTRATOR)
        if found.type == PRIVATE_THREAD and member.id not in found.member_ids and not moderator:
            raise NotPossible(f"{member.name} is not in the private thread {found.name!r}")
        return found

    def _message(self, message: Message | InteractionHandle | int, member: Member) -> Message:
        if isinstance(message, InteractionHandle):
            if message.message is None:
                raise NotPossible(f"{message.describe()} has no response message")
            message = message.message
        found = self.world.messages.get(id_of(message))
        if found is None or found.deleted:
            raise NotPossible(f"no message {message!r}")
        owner = (found.interaction_metadata or {}).get("user", {}).get("id")
        if found.ephemeral and owner != str(member.id):
            raise NotPossible(f"message {found.id} is ephemeral: only its interaction's user sees it")
        return found

    def _check_visible(self, member: Member, name: str, kind: int) -> None:
        """Discord hides a command whose `default_member_permissions` the member lacks, unless overridden."""
        command, _ = self.world.find_command(name, member.guild.id, kind)
        required = command.get("default_member_permissions")
        if required is None or member.permissions & ADMINISTRATOR:
            return
        needed = int(required)
        allowed = self.world.command_overrides.get(command["id"], set())
        if (needed and member.permissions & needed == needed) or allowed & {member.id, member.guild.id, *member.roles}:
            return
        raise NotPossible(
            f"{member.name} does not see {name!r}: it needs permissions {needed} (default_member_permissions). "
            "Use allow_command() as a server admin would, or bypass_permissions=True for a forged call."
        )

    async def _interact(
        self,
        member: Member,
        kind: int,
        data: dict[str, Any],
        channel: Channel | int | None,
        *,
        message: Message | None = None,
        wait: bool = True,
    ) -> InteractionHandle:
        if self.gateway.current is None:
            raise RuntimeError("no bot is connected to the stand-in's gateway")
        target = self._where(member, channel)
        interaction_id, token = self.world.ids.next(), new_token()
        payload = builders.interaction_payload(
            self.world,
            interaction_id=interaction_id,
            token=token,
            kind=kind,
            member=member,
            channel=target,
            data=data,
            message=message,
        )
        ix = InteractionHandle(
            self,
            interaction_id=interaction_id,
            token=token,
            kind=kind,
            member=member,
            channel_id=target.id,
            payload=payload,
            source_message=message,
            deadline=self.ack_deadline,
        )
        self.interactions[interaction_id] = ix
        self.interactions_by_token[token] = ix
        self.emit("INTERACTION_CREATE", payload)
        if wait:
            await ix.wait_acknowledged()
        return ix

    # HTTP -------------------------------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        headers = {k: v for k, v in request.headers.items() if k.lower() != "authorization"}
        recorded = RecordedRequest(request.method, path, dict(request.query), headers, None, [])
        self.requests.append(recorded)
        try:
            recorded.json, recorded.files = await _read_body(request)
            response = self._serve(request, recorded)
        except ApiError as error:
            if error.violation:
                self.record_violation(Violation(error.status, error.code, error.message, recorded))
            response = json_response(error.body(), error.status)
        except Exception as error:
            log.exception("stand-in failure on %s %s", request.method, path)
            self.record_violation(Violation(500, 0, f"the stand-in itself failed: {error!r}", recorded))
            response = json_response({"message": "500: Internal Server Error", "code": 0}, 500)
        recorded.status = response.status
        self._notify()
        return response

    async def _attachment(self, request: web.Request) -> web.StreamResponse:
        """The CDN: the bytes of an uploaded file."""
        file = self.world.attachments.get(int(request.match_info["attachment"]))
        if file is None or file.filename != request.match_info["filename"]:
            return web.Response(status=404)
        return web.Response(body=file.data, content_type=file.content_type or "application/octet-stream")

    async def _unknown(self, request: web.Request) -> web.StreamResponse:
        recorded = RecordedRequest(request.method, request.path, dict(request.query), {}, None, [], 404)
        self.requests.append(recorded)
        self.record_violation(Violation(404, 0, f"the stand-in has no route {request.method} {request.path}", recorded))
        return json_response({"message": "404: Not Found", "code": 0}, 404)

    def _serve(self, request: web.Request, recorded: RecordedRequest) -> web.Response:
        method, path = recorded.method, recorded.path
        if not path.startswith(TOKEN_ROUTES):
            auth = request.headers.get("Authorization", "")
            if not auth.startswith("Bot ") or not self._accept_token(auth):
                return json_response({"message": "401: Unauthorized", "code": 0}, 401)
        for fault in self.faults:
            if fault.matches(method, path):
                fault.remaining -= 1
                return _fault_response(fault)
        found = self.rest.route(method, path)
        if found is None:
            raise ApiError(404, 0, f"404: Not Found (the stand-in has no route {method} {path})", violation=True)
        handler, params = found
        body = recorded.json if recorded.json is not None else {}
        result = handler(Call(body, recorded.files, recorded.query), **params)
        return web.Response(status=204) if result is None else json_response(result)


async def _read_body(request: web.Request) -> tuple[Any, list[RecordedFile]]:
    """JSON, or multipart with `payload_json` and `files[n]` parts (attachments)."""
    if request.content_type.startswith("multipart/"):
        body: Any = None
        files: list[RecordedFile] = []
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue
            if part.name == "payload_json":
                body = json.loads(await part.text())
            elif part.filename is not None:
                data = bytes(await part.read())
                files.append(RecordedFile(part.filename, data, part.headers.get("Content-Type")))
        return body, files
    raw = await request.read()
    if not raw:
        return None, []
    try:
        return json.loads(raw), []
    except ValueError:
        return raw.decode(errors="replace"), []


def _fault_response(fault: Fault) -> web.Response:
    if fault.status != 429:
        return json_response({"message": f"{fault.status}: injected failure", "code": 0}, fault.status)
    retry = fault.retry_after
    headers = {
        # discord.py treats a 429 without `Via` as a Cloudflare ban and gives up.
        "Via": "1.1 google",
        "X-RateLimit-Limit": "5",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": f"{time.time() + retry:.3f}",
        "X-RateLimit-Reset-After": f"{retry:.3f}",
        "X-RateLimit-Bucket": "standin-" + fault.path.replace("/", "-").replace("*", "x"),
        "X-RateLimit-Scope": "global" if fault.is_global else "user",
    }
    if fault.is_global:
        headers["X-RateLimit-Global"] = "true"
    body = {"message": "You are being rate limited.", "retry_after": retry, "global": fault.is_global, "code": 0}
    return json_response(body, 429, headers)
