"""The stand-in's world: users, members, roles, channels, messages, and what the bot sent.

Objects here are plain data with a `payload()` that renders them the way Discord's API does. They hold no
networking; the server mutates them and tests read them.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

DISCORD_EPOCH_MS = 1_420_070_400_000
# Ids start at a realistic moment (2024) so that discord.py's `created_at` looks sane.
FIRST_ID_MS = 1_704_067_200_000

# Permission bits (https://discord.com/developers/docs/topics/permissions)
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_EXTERNAL_EMOJIS = 1 << 18
MANAGE_ROLES = 1 << 28
USE_APPLICATION_COMMANDS = 1 << 31
MANAGE_THREADS = 1 << 34
CREATE_PUBLIC_THREADS = 1 << 35
CREATE_PRIVATE_THREADS = 1 << 36
SEND_MESSAGES_IN_THREADS = 1 << 38
ALL_PERMISSIONS = (1 << 51) - 1

EVERYONE_PERMISSIONS = (
    VIEW_CHANNEL
    | SEND_MESSAGES
    | ADD_REACTIONS
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_EXTERNAL_EMOJIS
    | USE_APPLICATION_COMMANDS
    | CREATE_PUBLIC_THREADS
    | CREATE_PRIVATE_THREADS
    | SEND_MESSAGES_IN_THREADS
)
BOT_PERMISSIONS = EVERYONE_PERMISSIONS | MANAGE_THREADS | MANAGE_MESSAGES

# Channel types
GUILD_TEXT = 0
DM = 1
GUILD_VOICE = 2
GUILD_CATEGORY = 4
PUBLIC_THREAD = 11
PRIVATE_THREAD = 12
THREAD_TYPES = (10, PUBLIC_THREAD, PRIVATE_THREAD)

# Message flags
EPHEMERAL = 1 << 6
LOADING = 1 << 7
IS_COMPONENTS_V2 = 1 << 15

USER_MENTION = re.compile(r"<@!?(\d+)>")
ROLE_MENTION = re.compile(r"<@&(\d+)>")


class HasId(Protocol):
    """Anything with a snowflake id (members, users, roles, channels, messages)."""

    @property
    def id(self) -> int:
        """The snowflake."""
        ...


def id_of(value: HasId | int) -> int:
    """The id of an object, or the id itself: test helpers take either."""
    return value if isinstance(value, int) else value.id


def now_iso() -> str:
    """The current time as Discord writes it."""
    return datetime.now(UTC).isoformat()


class Snowflakes:
    """Deterministic, increasing snowflake ids: one millisecond apart, so `created_at` orders like creation."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)

    def next(self) -> int:
        """A fresh id."""
        return (FIRST_ID_MS - DISCORD_EPOCH_MS + next(self._counter)) << 22


@dataclass
class User:
    """A Discord account. `dms_open=False` makes DMs to it fail with 50007, as with closed DMs."""

    id: int
    username: str
    bot: bool = False
    global_name: str | None = None
    dms_open: bool = True

    @property
    def mention(self) -> str:
        """`<@id>`."""
        return f"<@{self.id}>"

    def payload(self) -> dict[str, Any]:
        """The user object."""
        data: dict[str, Any] = {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": None,
            "public_flags": 0,
        }
        if self.bot:
            data["bot"] = True
        return data


@dataclass
class Role:
    """A guild role."""

    id: int
    name: str
    permissions: int = 0
    position: int = 0
    managed: bool = False

    @property
    def mention(self) -> str:
        """`<@&id>`."""
        return f"<@&{self.id}>"

    def payload(self) -> dict[str, Any]:
        """The role object."""
        return {
            "id": str(self.id),
            "name": self.name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": False,
            "flags": 0,
        }


@dataclass
class Member:
    """A user's membership in a guild. `permissions` is what Discord computes from the roles."""

    user: User
    guild: Guild
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=now_iso)

    @property
    def id(self) -> int:
        """The user's id."""
        return self.user.id

    @property
    def name(self) -> str:
        """The username."""
        return self.user.username

    @property
    def mention(self) -> str:
        """`<@id>`."""
        return self.user.mention

    @property
    def permissions(self) -> int:
        """Guild-level permissions: @everyone's plus every role's; administrators and the owner get all."""
        value = self.guild.everyone.permissions
        for role_id in self.roles:
            value |= self.guild.roles[role_id].permissions
        if value & ADMINISTRATOR or self.user.id == self.guild.owner_id:
            return ALL_PERMISSIONS
        return value

    def payload(self, *, with_user: bool = True, with_permissions: bool = False) -> dict[str, Any]:
        """The guild member object (interactions add `permissions`; `resolved.members` omits `user`)."""
        data: dict[str, Any] = {
            "roles": [str(role) for role in self.roles],
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.payload()
        if with_permissions:
            data["permissions"] = str(self.permissions)
        return data


@dataclass
class Channel:
    """A guild channel, a thread or a DM channel."""

    id: int
    name: str
    type: int = GUILD_TEXT
    guild_id: int | None = None
    parent_id: int | None = None
    owner_id: int | None = None
    position: int = 0
    topic: str | None = None
    archived: bool = False
    locked: bool = False
    invitable: bool = True
    auto_archive_duration: int = 10080
    recipient: User | None = None
    member_ids: set[int] = field(default_factory=set)
    deleted: bool = False

    @property
    def is_thread(self) -> bool:
        """Whether this is a thread."""
        return self.type in THREAD_TYPES

    @property
    def mention(self) -> str:
        """`<#id>`."""
        return f"<#{self.id}>"

    def payload(self) -> dict[str, Any]:
        """The channel object."""
        data: dict[str, Any] = {"id": str(self.id), "type": self.type, "flags": 0, "last_message_id": None}
        if self.type == DM:
            assert self.recipient is not None
            data["recipients"] = [self.recipient.payload()]
            return data
        data.update(
            guild_id=str(self.guild_id),
            name=self.name,
            parent_id=str(self.parent_id) if self.parent_id else None,
            rate_limit_per_user=0,
            nsfw=False,
        )
        if self.is_thread:
            data.update(
                owner_id=str(self.owner_id),
                member_count=len(self.member_ids),
                message_count=0,
                total_message_sent=0,
                thread_metadata={
                    "archived": self.archived,
                    "locked": self.locked,
                    "invitable": self.invitable,
                    "auto_archive_duration": self.auto_archive_duration,
                    "archive_timestamp": now_iso(),
                    "create_timestamp": now_iso(),
                },
            )
        else:
            data.update(position=self.position, topic=self.topic, permission_overwrites=[])
        return data


@dataclass
class Guild:
    """A guild with its roles, channels and members. Create more with the StandIn's helpers."""

    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    general: int = 0
    moderator_role_id: int = 0
    manager_role_id: int = 0
    admin_role_id: int = 0

    @property
    def everyone(self) -> Role:
        """The @everyone role (its id is the guild's id)."""
        return self.roles[self.id]

    def payload(self) -> dict[str, Any]:
        """The full GUILD_CREATE object."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "preferred_locale": "en-US",
            "features": [],
            "system_channel_id": str(self.general),
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "vanity_url_code": None,
            "max_members": 500000,
            "joined_at": now_iso(),
            "large": False,
            "unavailable": False,
            "member_count": len(self.members),
            "roles": [role.payload() for role in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "members": [member.payload() for member in self.members.values()],
            "channels": [c.payload() for c in self.channels.values() if not c.is_thread and not c.deleted],
            "threads": [c.payload() for c in self.channels.values() if c.is_thread and not c.deleted],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }


@dataclass
class RecordedFile:
    """A file the bot uploaded."""

    filename: str
    data: bytes
    content_type: str | None = None

    @property
    def text(self) -> str:
        """The bytes decoded as UTF-8 (for JSON exports and the like)."""
        return self.data.decode()


@dataclass
class Pings:
    """Who a message actually notifies, after `allowed_mentions` (Discord's default: everything mentioned)."""

    users: set[int] = field(default_factory=set)
    roles: set[int] = field(default_factory=set)
    everyone: bool = False

    def __bool__(self) -> bool:
        return bool(self.users or self.roles or self.everyone)


@dataclass
class Message:
    """A message as the stand-in stores it; `payload()` renders it for the API, edits update it in place."""

    id: int
    channel_id: int
    guild_id: int | None
    author: User
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    flags: int = 0
    files: list[RecordedFile] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    allowed_mentions: dict[str, Any] | None = None
    type: int = 0
    webhook_id: int | None = None
    interaction_metadata: dict[str, Any] | None = None
    message_reference: dict[str, Any] | None = None
    timestamp: str = field(default_factory=now_iso)
    edited_timestamp: str | None = None
    edits: int = 0
    deleted: bool = False

    @property
    def ephemeral(self) -> bool:
        """Whether only the interaction's user sees it."""
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        """Whether this is a deferred response still "thinking"."""
        return bool(self.flags & LOADING)

    @property
    def text(self) -> str:
        """Content plus every embed's visible text and every component label, one searchable string."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [embed.get("title", ""), embed.get("description", "")]
            parts += [(embed.get("author") or {}).get("name", ""), (embed.get("footer") or {}).get("text", "")]
            for item in embed.get("fields", []):
                parts += [item.get("name", ""), item.get("value", "")]
        parts += [c.get("label") or c.get("content") or "" for c in iter_components(self.components)]
        return "\n".join(part for part in parts if part)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """Every button, in reading order."""
        return [c for c in iter_components(self.components) if c.get("type") == 2]

    def component(self, *, custom_id: str | None = None, label: str | None = None) -> dict[str, Any]:
        """The interactive component with this custom_id or label; KeyError listing what there is."""
        for comp in iter_components(self.components):
            if (custom_id is not None and comp.get("custom_id") == custom_id) or (
                label is not None and comp.get("label") == label
            ):
                return comp
        found = [(c.get("label"), c.get("custom_id")) for c in iter_components(self.components) if "custom_id" in c]
        raise KeyError(f"no component {custom_id or label!r} on message {self.id}; it has {found}")

    @property
    def pings(self) -> Pings:
        """Who this message notifies, by Discord's rules for content mentions and `allowed_mentions`."""
        allowed = self.allowed_mentions
        parse = set(allowed.get("parse", [])) if allowed is not None else {"users", "roles", "everyone"}
        users = {int(u) for u in USER_MENTION.findall(self.content)}
        roles = {int(r) for r in ROLE_MENTION.findall(self.content)}
        if "users" not in parse:
            users &= {int(u) for u in (allowed or {}).get("users", [])}
        if "roles" not in parse:
            roles &= {int(r) for r in (allowed or {}).get("roles", [])}
        everyone = "everyone" in parse and ("@everyone" in self.content or "@here" in self.content)
        return Pings(users=users, roles=roles, everyone=everyone)

    def payload(self, users: dict[int, User] | None = None) -> dict[str, Any]:
        """The message object; `users` resolves the pinged users for `mentions`."""
        pings = self.pings
        mentioned = [users[u].payload() for u in sorted(pings.users) if users and u in users]
        data: dict[str, Any] = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "author": self.author.payload(),
            "content": self.content,
            "timestamp": self.timestamp,
            "edited_timestamp": self.edited_timestamp,
            "tts": False,
            "mention_everyone": pings.everyone,
            "mentions": mentioned,
            "mention_roles": [str(r) for r in pings.roles],
            "attachments": self.attachments,
            "embeds": self.embeds,
            "components": self.components,
            "pinned": False,
            "type": self.type,
            "flags": self.flags,
        }
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
            data["application_id"] = str(self.webhook_id)
        if self.interaction_metadata is not None:
            data["interaction_metadata"] = self.interaction_metadata
        if self.message_reference is not None:
            data["message_reference"] = self.message_reference
        return data


def iter_components(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every component, depth first: action rows' children, containers, sections' accessories, labels."""
    found: list[dict[str, Any]] = []
    for comp in components:
        found.append(comp)
        found += iter_components(comp.get("components", []))
        for key in ("accessory", "component"):
            if isinstance(comp.get(key), dict):
                found += iter_components([comp[key]])
    return found


@dataclass
class RecordedRequest:
    """One REST request the bot made, as the stand-in saw it (the Authorization header is left out)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any
    files: list[RecordedFile]
    status: int = 0

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status}"


@dataclass
class Violation:
    """Something Discord would refuse or a member would notice: a broken rule, an unknown endpoint, a timeout."""

    status: int
    code: int
    message: str
    request: RecordedRequest | None = None

    def __str__(self) -> str:
        where = f" ({self.request.method} {self.request.path})" if self.request else ""
        return f"[{self.status}/{self.code}] {self.message}{where}"


class ApiError(Exception):
    """An error answer in Discord's shape. `violation` marks the bot's own mistakes (recorded so the test fails)."""

    def __init__(
        self, status: int, code: int, message: str, *, errors: dict[str, Any] | None = None, violation: bool = False
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.errors, self.violation = status, code, message, errors, violation

    def body(self) -> dict[str, Any]:
        """The JSON body Discord answers with."""
        data: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            data["errors"] = self.errors
        return data
