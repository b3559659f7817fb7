"""The REST routes under /api/v10 that the bot uses, with Discord's rules applied to what it sends."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from sandbox import rules
from sandbox.gateway import DIRECT_MESSAGES, GUILD_MESSAGES, GUILDS
from sandbox.interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    AUTOCOMPLETE_RESULT,
    DEFERRED_MESSAGE,
    DEFERRED_UPDATE,
    MESSAGE,
    MESSAGE_COMPONENT,
    MODAL,
    MODAL_SUBMIT,
    PING,
    PONG,
    UPDATE_MESSAGE,
    InteractionHandle,
)
from sandbox.models import (
    DM,
    EPHEMERAL,
    LOADING,
    PRIVATE_THREAD,
    PUBLIC_THREAD,
    ApiError,
    Channel,
    Message,
    RecordedFile,
    now_iso,
)

if TYPE_CHECKING:
    from sandbox.server import StandIn

ALLOWED_CALLBACKS = {
    PING: {PONG},
    APPLICATION_COMMAND: {MESSAGE, DEFERRED_MESSAGE, MODAL},
    MESSAGE_COMPONENT: {MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, MODAL},
    AUTOCOMPLETE: {AUTOCOMPLETE_RESULT},
    MODAL_SUBMIT: {MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE},
}
# Message types Discord gives interaction responses.
CHAT_INPUT_COMMAND_MESSAGE, CONTEXT_MENU_COMMAND_MESSAGE = 20, 23
KEPT_FLAGS = (1 << 2) | (1 << 12) | (1 << 15)  # suppress embeds, suppress notifications, components v2
THREAD_ARCHIVE_DURATIONS = (60, 1440, 4320, 10080)
JSON = "application/json"

Handler = Callable[..., Any]


@dataclass
class Call:
    """What a route handler gets: the parsed body, uploaded files and the query string."""

    body: Any
    files: list[RecordedFile]
    query: dict[str, str]


def invalid_form(errors: rules.Errors) -> ApiError:
    """400 / 50035 "Invalid Form Body", recorded as a violation."""
    detail = "; ".join(f"{path}: {message}" for path, message in errors)
    return ApiError(400, 50035, f"Invalid Form Body ({detail})", errors=rules.nest(errors), violation=True)


def not_found(code: int, what: str) -> ApiError:
    """A normal 404 (the bot may legitimately ask for something that is gone)."""
    return ApiError(404, code, f"Unknown {what}")


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON with `Content-Type: application/json` exactly: discord.py compares the header verbatim."""
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": JSON, **(headers or {})}
    )


class Rest:
    """Route table and handlers. State lives in the StandIn's World; this class only applies the API's rules."""

    def __init__(self, standin: StandIn) -> None:
        self.standin = standin
        self.world = standin.world
        app = r"/applications/(?P<app>\d+)"
        scope = rf"{app}(?:/guilds/(?P<guild>\d+))?/commands"
        hook = r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)"
        channel = r"/channels/(?P<channel>\d+)"
        table: list[tuple[str, str, Handler]] = [
            ("GET", r"/users/@me", self.get_me),
            ("GET", r"/users/(?P<user>\d+)", self.get_user),
            ("POST", r"/users/@me/channels", self.open_dm),
            ("GET", r"/oauth2/applications/@me", self.get_application),
            ("GET", r"/applications/@me", self.get_application),
            ("GET", r"/gateway(?:/bot)?", self.get_gateway),
            ("GET", scope, self.list_commands),
            ("PUT", scope, self.overwrite_commands),
            ("POST", scope, self.upsert_command),
            ("GET", scope + r"/(?P<command>\d+)", self.get_command),
            ("PATCH", scope + r"/(?P<command>\d+)", self.edit_command),
            ("DELETE", scope + r"/(?P<command>\d+)", self.delete_command),
            ("GET", app + r"/guilds/(?P<guild>\d+)/commands/permissions", self.command_permissions),
            ("POST", r"/interactions/(?P<interaction>\d+)/(?P<token>[^/]+)/callback", self.callback),
            ("POST", hook, self.create_followup),
            ("GET", hook + r"/messages/(?P<message>@original|\d+)", self.get_webhook_message),
            ("PATCH", hook + r"/messages/(?P<message>@original|\d+)", self.edit_webhook_message),
            ("DELETE", hook + r"/messages/(?P<message>@original|\d+)", self.delete_webhook_message),
            ("GET", channel, self.get_channel),
            ("PATCH", channel, self.edit_channel),
            ("DELETE", channel, self.delete_channel),
            ("GET", channel + r"/messages", self.list_messages),
            ("POST", channel + r"/messages", self.create_message),
            ("GET", channel + r"/messages/(?P<message>\d+)", self.get_message),
            ("PATCH", channel + r"/messages/(?P<message>\d+)", self.edit_message),
            ("DELETE", channel + r"/messages/(?P<message>\d+)", self.delete_message),
            ("POST", channel + r"/messages/bulk-delete", self.bulk_delete),
            ("POST", channel + r"/typing", self.no_content),
            ("PUT", channel + r"/messages/\d+/reactions/[^/]+/@me", self.no_content),
            ("DELETE", channel + r"/messages/\d+/reactions/[^/]+/@me", self.no_content),
            ("PUT", channel + r"/(?:messages/)?pins/\d+", self.no_content),
            ("DELETE", channel + r"/(?:messages/)?pins/\d+", self.no_content),
            ("POST", channel + r"/threads", self.create_thread),
            ("POST", channel + r"/messages/(?P<message>\d+)/threads", self.create_thread),
            ("GET", channel + r"/thread-members", self.list_thread_members),
            ("GET", channel + r"/thread-members/(?P<user>\d+|@me)", self.get_thread_member),
            ("PUT", channel + r"/thread-members/(?P<user>\d+|@me)", self.add_thread_member),
            ("DELETE", channel + r"/thread-members/(?P<user>\d+|@me)", self.remove_thread_member),
            ("GET", r"/guilds/(?P<guild>\d+)", self.get_guild),
            ("GET", r"/guilds/(?P<guild>\d+)/channels", self.guild_channels),
            ("POST", r"/guilds/(?P<guild>\d+)/channels", self.create_guild_channel),
            ("GET", r"/guilds/(?P<guild>\d+)/roles", self.guild_roles),
            ("GET", r"/guilds/(?P<guild>\d+)/members", self.guild_members),
            ("GET", r"/guilds/(?P<guild>\d+)/members/(?P<user>\d+)", self.guild_member),
            ("GET", r"/guilds/(?P<guild>\d+)/threads/active", self.active_threads),
        ]
        self.routes = [(method, re.compile(pattern + "$"), handler) for method, pattern, handler in table]

    def route(self, method: str, path: str) -> tuple[Handler, dict[str, str]] | None:
        """The handler for a request, with the path's named parts."""
        for route_method, pattern, handler in self.routes:
            match = pattern.match(path)
            if match and route_method == method:
                return handler, {k: v for k, v in match.groupdict().items() if v is not None}
        return None

    # Lookups ----------------------------------------------------------------------------------------------

    def _channel(self, channel_id: str | int) -> Channel:
        channel = self.world.channels.get(int(channel_id))
        if channel is None or channel.deleted:
            raise not_found(10003, "Channel")
        return channel

    def _message(self, channel_id: str, message_id: str) -> Message:
        message = self.world.messages.get(int(message_id))
        if message is None or message.deleted or message.channel_id != int(channel_id) or message.ephemeral:
            raise not_found(10008, "Message")
        return message

    def _guild_id(self, guild_id: str) -> int:
        if int(guild_id) not in self.world.guilds:
            raise not_found(10004, "Guild")
        return int(guild_id)

    def _check_app(self, app: str) -> None:
        if int(app) != self.world.application_id:
            raise ApiError(403, 50001, f"Missing Access (application {app} is not this bot's)", violation=True)

    # Users and application ------------------------------------------------------------------------------------

    def get_me(self, call: Call) -> Any:
        """The bot user."""
        return {**self.world.bot_user.payload(), "verified": True, "mfa_enabled": False, "flags": 0, "locale": "en-US"}

    def get_user(self, call: Call, user: str) -> Any:
        """Any known user."""
        found = self.world.users.get(int(user))
        if found is None:
            raise not_found(10013, "User")
        return found.payload()

    def open_dm(self, call: Call) -> Any:
        """Open (or reuse) the DM channel with a user."""
        user = self.world.users.get(int(call.body.get("recipient_id", 0)))
        if user is None or user.bot:
            raise ApiError(400, 50033, "Invalid Recipient(s)", violation=True)
        return self.world.dm_channel(user).payload()

    def get_application(self, call: Call) -> Any:
        """The application, with every key discord.py's AppInfo reads."""
        owner = self.world.users[self.world.guild.owner_id]
        return {
            "id": str(self.world.application_id),
            "name": self.world.bot_user.username,
            "description": "",
            "icon": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": owner.payload(),
            "team": None,
            "verify_key": "0" * 64,
            "flags": 0,
            "summary": "",
            "bot": self.world.bot_user.payload(),
        }

    def get_gateway(self, call: Call) -> Any:
        """Where to connect (only sharded clients ask)."""
        limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
        return {"url": self.standin.gateway_url, "shards": 1, "session_start_limit": limit}

    # Application commands -----------------------------------------------------------------------------------

    def _scope(self, app: str, guild: str | None) -> int | None:
        self._check_app(app)
        return self._guild_id(guild) if guild is not None else None

    def list_commands(self, call: Call, app: str, guild: str | None = None) -> Any:
        """The synced commands of one scope."""
        return self.world.commands.get(self._scope(app, guild), [])

    def overwrite_commands(self, call: Call, app: str, guild: str | None = None) -> Any:
        """Bulk overwrite (what `tree.sync()` does): commands keep their id when name and type stay the same."""
        scope = self._scope(app, guild)
        if not isinstance(call.body, list):
            raise invalid_form([("_", "Expected a list of commands.")])
        errors: rules.Errors = []
        rules.check_commands(call.body, errors)
        if errors:
            raise invalid_form(errors)
        old = {(c.get("type", 1), c["name"]): c["id"] for c in self.world.commands.get(scope, [])}
        stored = [self._store_command(body, scope, old.get((body.get("type", 1), body["name"]))) for body in call.body]
        self.world.commands[scope] = stored
        return stored

    def upsert_command(self, call: Call, app: str, guild: str | None = None) -> Any:
        """Create or replace one command."""
        scope = self._scope(app, guild)
        errors: rules.Errors = []
        rules.check_commands([call.body], errors)
        if errors:
            raise invalid_form(errors)
        current = self.world.commands.setdefault(scope, [])
        key = (call.body.get("type", 1), call.body["name"])
        existing = next((c for c in current if (c.get("type", 1), c["name"]) == key), None)
        command = self._store_command(call.body, scope, existing["id"] if existing else None)
        self.world.commands[scope] = [c for c in current if c is not existing] + [command]
        return command

    def _store_command(self, body: dict[str, Any], scope: int | None, command_id: str | None) -> dict[str, Any]:
        command = {
            "type": 1,
            "description": "",
            "options": [],
            "default_member_permissions": None,
            "nsfw": False,
            **body,
            "id": command_id or str(self.world.ids.next()),
            "application_id": str(self.world.application_id),
            "version": str(self.world.ids.next()),
        }
        if scope is not None:
            command["guild_id"] = str(scope)
        return command

    def _command(self, app: str, guild: str | None, command: str) -> tuple[int | None, dict[str, Any]]:
        scope = self._scope(app, guild)
        for item in self.world.commands.get(scope, []):
            if item["id"] == command:
                return scope, item
        raise not_found(10063, "application command")

    def get_command(self, call: Call, app: str, command: str, guild: str | None = None) -> Any:
        """One synced command."""
        return self._command(app, guild, command)[1]

    def edit_command(self, call: Call, app: str, command: str, guild: str | None = None) -> Any:
        """Edit one command in place."""
        _, item = self._command(app, guild, command)
        merged = {**item, **call.body}
        errors: rules.Errors = []
        rules.check_commands([merged], errors)
        if errors:
            raise invalid_form(errors)
        item.update(call.body, version=str(self.world.ids.next()))
        return item

    def delete_command(self, call: Call, app: str, command: str, guild: str | None = None) -> Any:
        """Delete one command."""
        scope, item = self._command(app, guild, command)
        self.world.commands[scope] = [c for c in self.world.commands[scope] if c is not item]
        return None

    def command_permissions(self, call: Call, app: str, guild: str) -> Any:
        """Permission overrides set under Server Settings → Integrations."""
        self._scope(app, guild)
        return [
            {
                "id": str(command_id),
                "application_id": str(self.world.application_id),
                "guild_id": guild,
                "permissions": [{"id": str(i), "type": 1, "permission": True} for i in sorted(ids)],
            }
            for command_id, ids in self.world.command_overrides.items()
        ]

    # Interactions --------------------------------------------------------------------------------------------

    def callback(self, call: Call, interaction: str, token: str) -> Any:
        """Acknowledge an interaction, once, within the deadline, with a response type its kind allows."""
        ix = self.standin.interactions.get(int(interaction))
        if ix is None or ix.token != token:
            raise ApiError(404, 10062, "Unknown interaction", violation=True)
        if ix.expired:
            raise ApiError(
                404, 10062, f"Unknown interaction (acknowledged after the {ix.deadline:g} s deadline)", violation=True
            )
        if ix.response_type is not None:
            raise ApiError(400, 40060, "Interaction has already been acknowledged.", violation=True)
        kind, data = call.body.get("type"), call.body.get("data") or {}
        allowed = set(ALLOWED_CALLBACKS.get(ix.kind, set()))
        if ix.kind == MODAL_SUBMIT and ix.source_message is None:
            allowed -= {DEFERRED_UPDATE, UPDATE_MESSAGE}  # only a modal opened from a message can update it
        if kind not in allowed:
            raise invalid_form([("type", f"Response type {kind} is not valid for a {ix.describe()}")])
        errors: rules.Errors = []
        if kind == MESSAGE:
            rules.check_message(data, errors, has_files=bool(call.files))
        elif kind == UPDATE_MESSAGE:
            rules.check_message(data, errors, creating=False)
        elif kind == AUTOCOMPLETE_RESULT:
            rules.check_choices(data, errors)
        elif kind == MODAL:
            rules.check_modal(data, errors)
        if errors:
            raise invalid_form(errors)

        message: Message | None = None
        channel = self._channel(ix.channel_id)
        if kind in (MESSAGE, DEFERRED_MESSAGE):
            body = data if kind == MESSAGE else {"flags": int(data.get("flags", 0)) & EPHEMERAL}
            flags = (int(data.get("flags", 0)) & EPHEMERAL) | (LOADING if kind == DEFERRED_MESSAGE else 0)
            message = self._post(channel, body, call.files, ix=ix, extra_flags=flags, creating=kind == MESSAGE)
            ix.original = message
        elif kind in (DEFERRED_UPDATE, UPDATE_MESSAGE):
            message = ix.source_message
            if message is not None and kind == UPDATE_MESSAGE:
                self._edit(message, data, call.files)
            ix.original = message
        elif kind == AUTOCOMPLETE_RESULT:
            ix.choices = list(data["choices"])
        elif kind == MODAL:
            ix.modal = data
        ix.acknowledge(kind)
        if call.query.get("with_response", "").lower() not in ("1", "true"):
            return None
        resource: dict[str, Any] = {"type": kind}
        if message is not None and kind != DEFERRED_UPDATE:
            resource["message"] = message.payload(self.world.users)
        return {
            "interaction": {
                "id": str(ix.id),
                "type": ix.kind,
                "response_message_id": str(message.id) if message else None,
                "response_message_loading": kind == DEFERRED_MESSAGE,
                "response_message_ephemeral": bool(message and message.ephemeral),
            },
            "resource": resource,
        }

    def _webhook_ix(self, app: str, token: str) -> InteractionHandle:
        ix = self.standin.interactions_by_token.get(token)
        if int(app) != self.world.application_id or ix is None:
            raise ApiError(404, 10015, "Unknown Webhook", violation=True)
        if ix.response_type is None:
            # Discord only creates the interaction's webhook once the interaction is acknowledged.
            raise ApiError(
                404, 10015, f"Unknown Webhook (follow-up before acknowledging {ix.describe()})", violation=True
            )
        if ix.response_type == AUTOCOMPLETE_RESULT:
            raise ApiError(400, 50035, "Autocomplete interactions take no follow-ups", violation=True)
        return ix

    def _webhook_message(self, ix: InteractionHandle, message: str) -> Message:
        found = ix.original if message == "@original" else None
        if message != "@original":
            found = next((m for m in ix.messages if m.id == int(message)), None)
        if found is None or found.deleted:
            raise not_found(10008, "Message")
        return found

    def create_followup(self, call: Call, app: str, token: str) -> Any:
        """A follow-up. After a "thinking" defer, the first one fills the loading message, keeping its flags."""
        ix = self._webhook_ix(app, token)
        ix.updates += 1
        if ix.original is not None and ix.original.loading:
            self._edit(ix.original, call.body, call.files, creating=True)
            result = ix.original
        else:
            flags = int(call.body.get("flags", 0)) & EPHEMERAL
            result = self._post(self._channel(ix.channel_id), call.body, call.files, ix=ix, extra_flags=flags)
            ix.followups.append(result)
        return result.payload(self.world.users) if call.query.get("wait", "").lower() in ("1", "true") else None

    def get_webhook_message(self, call: Call, app: str, token: str, message: str) -> Any:
        """The original response or a follow-up."""
        return self._webhook_message(self._webhook_ix(app, token), message).payload(self.world.users)

    def edit_webhook_message(self, call: Call, app: str, token: str, message: str) -> Any:
        """Edit the original response (completing a defer) or a follow-up."""
        ix = self._webhook_ix(app, token)
        target = self._webhook_message(ix, message)
        self._edit(target, call.body, call.files)
        ix.updates += 1
        return target.payload(self.world.users)

    def delete_webhook_message(self, call: Call, app: str, token: str, message: str) -> Any:
        """Delete the original response or a follow-up."""
        ix = self._webhook_ix(app, token)
        target = self._webhook_message(ix, message)
        self._delete(target)
        ix.updates += 1
        return None

    # Messages --------------------------------------------------------------------------------------------------

    def _post(
        self,
        channel: Channel,
        body: dict[str, Any],
        files: list[RecordedFile],
        *,
        ix: InteractionHandle | None = None,
        extra_flags: int = 0,
        creating: bool = True,
    ) -> Message:
        errors: rules.Errors = []
        rules.check_message(body, errors, creating=creating, has_files=bool(files))
        if errors:
            raise invalid_form(errors)
        self._check_postable(channel)
        message = Message(
            id=self.world.ids.next(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author=self.world.bot_user,
            flags=(int(body.get("flags") or 0) & KEPT_FLAGS) | extra_flags,
        )
        if ix is not None:
            kinds = {APPLICATION_COMMAND: CHAT_INPUT_COMMAND_MESSAGE}
            command_type = ix.payload.get("data", {}).get("type", 1)
            message.type = kinds.get(ix.kind, 0) if command_type == 1 else CONTEXT_MENU_COMMAND_MESSAGE
            message.webhook_id = self.world.application_id
            message.interaction_metadata = {
                "id": str(ix.id),
                "type": ix.kind,
                "user": ix.member.user.payload(),
                "authorizing_integration_owners": {"0": str(ix.member.guild.id)},
            }
        if body.get("message_reference"):
            message.message_reference = body["message_reference"]
            message.type = 19
        self._apply(message, body, files)
        self.world.messages[message.id] = message
        if not message.ephemeral:
            self._announce("MESSAGE_CREATE", message)
        return message

    def _check_postable(self, channel: Channel) -> None:
        if channel.type == DM:
            assert channel.recipient is not None
            if not channel.recipient.dms_open:
                raise ApiError(403, 50007, "Cannot send messages to this user")
        elif channel.is_thread and channel.archived:
            if channel.locked:
                raise ApiError(400, 50083, "Thread is archived")
            channel.archived = False  # posting in an archived, unlocked thread unarchives it
            self.standin.emit("THREAD_UPDATE", channel.payload(), intent=GUILDS)

    def _apply(self, message: Message, body: dict[str, Any], files: list[RecordedFile]) -> None:
        for key in ("content", "embeds", "components"):
            if key in body:
                value = body[key]
                setattr(message, key, value if value is not None else ("" if key == "content" else []))
        message.embeds = [{"type": "rich", **embed} for embed in message.embeds]
        if "allowed_mentions" in body:
            message.allowed_mentions = body["allowed_mentions"]
        if "attachments" in body:
            keep = {str(a.get("id")) for a in body["attachments"] or []}
            kept = [i for i, a in enumerate(message.attachments) if a["id"] in keep]
            message.attachments = [message.attachments[i] for i in kept]
            message.files = [message.files[i] for i in kept]
        for file in files:
            message.attachments.append(self.world.add_attachment(message.channel_id, file))
            message.files.append(file)

    def _edit(self, message: Message, body: dict[str, Any], files: list[RecordedFile], creating: bool = False) -> None:
        errors: rules.Errors = []
        rules.check_message(body, errors, creating=creating, has_files=bool(files))
        if errors:
            raise invalid_form(errors)
        if message.author.id != self.world.bot_user.id:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user", violation=True)
        was_loading = message.loading
        self._apply(message, body, files)
        if "flags" in body and body["flags"] is not None:
            message.flags = (message.flags & ~KEPT_FLAGS) | (int(body["flags"]) & KEPT_FLAGS)
        message.flags &= ~LOADING
        if not (message.content or message.embeds or message.components or message.attachments):
            raise invalid_form([("content", "Cannot send an empty message")])
        if not was_loading:
            message.edited_timestamp = now_iso()
            message.edits += 1
        if not message.ephemeral:
            self._announce("MESSAGE_UPDATE", message)

    def _delete(self, message: Message) -> None:
        message.deleted = True
        if not message.ephemeral:
            data = {"id": str(message.id), "channel_id": str(message.channel_id)}
            if message.guild_id:
                data["guild_id"] = str(message.guild_id)
            self.standin.emit("MESSAGE_DELETE", data, intent=GUILD_MESSAGES if message.guild_id else DIRECT_MESSAGES)

    def _announce(self, event: str, message: Message) -> None:
        intent = GUILD_MESSAGES if message.guild_id else DIRECT_MESSAGES
        self.standin.emit(event, self.standin.message_event(message), intent=intent)

    def create_message(self, call: Call, channel: str) -> Any:
        """Post a message in a channel, a thread or a DM."""
        return self._post(self._channel(channel), call.body, call.files).payload(self.world.users)

    def list_messages(self, call: Call, channel: str) -> Any:
        """Newest first, honouring `limit`, `before` and `after`."""
        found = self.world.messages_in(self._channel(channel).id)
        if "before" in call.query:
            found = [m for m in found if m.id < int(call.query["before"])]
        if "after" in call.query:
            found = [m for m in found if m.id > int(call.query["after"])]
        limit = int(call.query.get("limit", 50))
        return [m.payload(self.world.users) for m in reversed(found)][:limit]

    def get_message(self, call: Call, channel: str, message: str) -> Any:
        """One message."""
        return self._message(channel, message).payload(self.world.users)

    def edit_message(self, call: Call, channel: str, message: str) -> Any:
        """Edit one of the bot's messages."""
        target = self._message(channel, message)
        self._edit(target, call.body, call.files)
        return target.payload(self.world.users)

    def delete_message(self, call: Call, channel: str, message: str) -> Any:
        """Delete a message."""
        self._delete(self._message(channel, message))
        return None

    def bulk_delete(self, call: Call, channel: str) -> Any:
        """Delete 2 to 100 messages."""
        ids = call.body.get("messages", [])
        if not 2 <= len(ids) <= 100:
            raise invalid_form([("messages", "Must be between 2 and 100 in length.")])
        for message_id in ids:
            self._delete(self._message(channel, message_id))
        return None

    def no_content(self, call: Call, channel: str) -> Any:
        """Typing, reactions, pins: accepted and recorded, nothing to store."""
        self._channel(channel)
        return None

    # Channels and threads ------------------------------------------------------------------------------------

    def get_channel(self, call: Call, channel: str) -> Any:
        """A channel, thread or DM."""
        return self._channel(channel).payload()

    def edit_channel(self, call: Call, channel: str) -> Any:
        """Rename, archive, lock or unarchive."""
        target = self._channel(channel)
        errors: rules.Errors = []
        rules.too_long(errors, "name", call.body.get("name"), 100, 1)
        if "auto_archive_duration" in call.body and call.body["auto_archive_duration"] not in THREAD_ARCHIVE_DURATIONS:
            errors.append(("auto_archive_duration", f"Must be one of {THREAD_ARCHIVE_DURATIONS}."))
        if errors:
            raise invalid_form(errors)
        for key in ("name", "topic", "archived", "locked", "invitable", "auto_archive_duration"):
            if key in call.body:
                setattr(target, key, call.body[key])
        self.standin.emit("THREAD_UPDATE" if target.is_thread else "CHANNEL_UPDATE", target.payload(), intent=GUILDS)
        return target.payload()

    def delete_channel(self, call: Call, channel: str) -> Any:
        """Delete a channel or thread."""
        target = self._channel(channel)
        target.deleted = True
        self.standin.emit("THREAD_DELETE" if target.is_thread else "CHANNEL_DELETE", target.payload(), intent=GUILDS)
        return target.payload()

    def create_thread(self, call: Call, channel: str, message: str | None = None) -> Any:
        """A thread in a text channel: private (type 12) or public, or a public thread from a message."""
        parent = self._channel(channel)
        if parent.type not in (0, 5):
            raise ApiError(400, 50024, "Cannot execute action on this channel type", violation=True)
        kind = PUBLIC_THREAD if message is not None else int(call.body.get("type", PRIVATE_THREAD))
        errors: rules.Errors = []
        rules.too_long(errors, "name", call.body.get("name"), 100, 1)
        if kind not in (PUBLIC_THREAD, PRIVATE_THREAD):
            errors.append(("type", "Must be 11 (public) or 12 (private)."))
        duration = call.body.get("auto_archive_duration", 4320)
        if duration not in THREAD_ARCHIVE_DURATIONS:
            errors.append(("auto_archive_duration", f"Must be one of {THREAD_ARCHIVE_DURATIONS}."))
        if errors:
            raise invalid_form(errors)
        thread_id = self._message(channel, message).id if message is not None else self.world.ids.next()
        if thread_id in self.world.channels:
            raise ApiError(400, 160004, "A thread has already been created for this message", violation=True)
        thread = Channel(
            thread_id,
            call.body["name"],
            kind,
            guild_id=parent.guild_id,
            parent_id=parent.id,
            owner_id=self.world.bot_user.id,
            invitable=bool(call.body.get("invitable", True)),
            auto_archive_duration=duration,
            member_ids={self.world.bot_user.id},
        )
        self.world.channels[thread.id] = thread
        self.world.guilds[parent.guild_id or 0].channels[thread.id] = thread
        self.standin.emit("THREAD_CREATE", {**thread.payload(), "newly_created": True}, intent=GUILDS)
        return thread.payload()

    def _thread(self, channel: str) -> Channel:
        thread = self._channel(channel)
        if not thread.is_thread:
            raise ApiError(400, 50024, "Cannot execute action on this channel type", violation=True)
        return thread

    def _user_id(self, user: str) -> int:
        return self.world.bot_user.id if user == "@me" else int(user)

    def _thread_member(self, thread: Channel, user_id: int) -> dict[str, Any]:
        return {"id": str(thread.id), "user_id": str(user_id), "join_timestamp": now_iso(), "flags": 0}

    def list_thread_members(self, call: Call, channel: str) -> Any:
        """Everyone in a thread."""
        thread = self._thread(channel)
        return [self._thread_member(thread, user_id) for user_id in sorted(thread.member_ids)]

    def get_thread_member(self, call: Call, channel: str, user: str) -> Any:
        """One thread member."""
        thread = self._thread(channel)
        if self._user_id(user) not in thread.member_ids:
            raise not_found(10007, "Member")
        return self._thread_member(thread, self._user_id(user))

    def add_thread_member(self, call: Call, channel: str, user: str) -> Any:
        """Add a guild member to a thread."""
        thread = self._thread(channel)
        if thread.archived:
            raise ApiError(400, 50083, "Thread is archived")
        if self.world.member(thread.guild_id, self._user_id(user)) is None:
            raise not_found(10007, "Member")
        thread.member_ids.add(self._user_id(user))
        return None

    def remove_thread_member(self, call: Call, channel: str, user: str) -> Any:
        """Remove someone from a thread."""
        self._thread(channel).member_ids.discard(self._user_id(user))
        return None

    # Guilds ---------------------------------------------------------------------------------------------------

    def get_guild(self, call: Call, guild: str) -> Any:
        """The guild object."""
        data = self.world.guilds[self._guild_id(guild)].payload()
        for key in ("members", "channels", "threads", "voice_states", "presences"):
            data.pop(key)
        return data

    def guild_channels(self, call: Call, guild: str) -> Any:
        """Channels (not threads)."""
        found = self.world.guilds[self._guild_id(guild)].channels.values()
        return [c.payload() for c in found if not c.is_thread and not c.deleted]

    def create_guild_channel(self, call: Call, guild: str) -> Any:
        """Create a channel."""
        errors: rules.Errors = []
        rules.too_long(errors, "name", call.body.get("name"), 100, 1)
        if errors:
            raise invalid_form(errors)
        channel = self.standin.add_channel(
            call.body["name"], type=int(call.body.get("type", 0)), guild=self.world.guilds[self._guild_id(guild)]
        )
        return channel.payload()

    def guild_roles(self, call: Call, guild: str) -> Any:
        """Roles."""
        return [r.payload() for r in self.world.guilds[self._guild_id(guild)].roles.values()]

    def guild_members(self, call: Call, guild: str) -> Any:
        """Members by id, after `after`, at most `limit`."""
        members = sorted(self.world.guilds[self._guild_id(guild)].members.values(), key=lambda m: m.id)
        after = int(call.query.get("after", 0))
        return [m.payload() for m in members if m.id > after][: int(call.query.get("limit", 1))]

    def guild_member(self, call: Call, guild: str, user: str) -> Any:
        """One member."""
        member = self.world.member(self._guild_id(guild), int(user))
        if member is None:
            raise not_found(10007, "Member")
        return member.payload()

    def active_threads(self, call: Call, guild: str) -> Any:
        """Unarchived threads."""
        found = self.world.guilds[self._guild_id(guild)].channels.values()
        threads = [c for c in found if c.is_thread and not c.archived and not c.deleted]
        return {"threads": [t.payload() for t in threads], "members": []}


def new_token() -> str:
    """An interaction token: opaque, long, URL-safe like Discord's."""
    return "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(48)
