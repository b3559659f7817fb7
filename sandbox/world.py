"""Everything the stand-in knows: the application, users, guilds, channels, messages and synced commands."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sandbox.models import (
    ADMINISTRATOR,
    BOT_PERMISSIONS,
    DM,
    EVERYONE_PERMISSIONS,
    GUILD_TEXT,
    MANAGE_GUILD,
    Channel,
    Guild,
    Member,
    Message,
    RecordedFile,
    Role,
    Snowflakes,
    User,
)


class World:
    """The stand-in's state. One default guild is created at once, with the bot in it."""

    def __init__(self, *, bot_name: str = "Nexus") -> None:
        self.ids = Snowflakes()
        self.application_id = self.ids.next()
        # Like a real bot application, the bot user's id is the application's id.
        self.bot_user = User(self.application_id, bot_name, bot=True)
        self.users: dict[int, User] = {self.bot_user.id: self.bot_user}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, Message] = {}
        # Synced commands: key None holds the global ones, otherwise a guild id.
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        # Permission overrides server admins set under Integrations: command id -> allowed role and user ids.
        self.command_overrides: dict[str, set[int]] = {}
        # Every file uploaded (by the bot or by a member's attachment option), served at `attachment_url`.
        self.attachments: dict[int, RecordedFile] = {}
        self.base_url = ""  # set when the server listens
        self.guild = self.add_guild("ProDev Project Nexus")

    def add_user(self, username: str, *, bot: bool = False, dms_open: bool = True) -> User:
        """A new account, in no guild."""
        user = User(self.ids.next(), username, bot=bot, global_name=username.title(), dms_open=dms_open)
        self.users[user.id] = user
        return user

    def add_guild(self, name: str) -> Guild:
        """A guild with @everyone, a "Moderator" role, a "Server Manager" role (Manage Server), an "Admin" role,
        the bot's managed role, a #general text channel, its owner and the bot as members."""
        owner = self.add_user(f"{name.split()[0].lower()}-owner")
        guild = Guild(id=self.ids.next(), name=name, owner_id=owner.id)
        self.guilds[guild.id] = guild
        guild.roles[guild.id] = Role(guild.id, "@everyone", EVERYONE_PERMISSIONS)
        guild.moderator_role_id = self.add_role("Moderator", guild=guild).id
        guild.manager_role_id = self.add_role("Server Manager", MANAGE_GUILD, guild=guild).id
        guild.admin_role_id = self.add_role("Admin", ADMINISTRATOR, guild=guild).id
        bot_role = self.add_role(self.bot_user.username, BOT_PERMISSIONS, guild=guild)
        bot_role.managed = True
        guild.general = self.add_channel("general", guild=guild).id
        guild.members[owner.id] = Member(owner, guild)
        guild.members[self.bot_user.id] = Member(self.bot_user, guild, roles=[bot_role.id])
        return guild

    def add_role(self, name: str, permissions: int = 0, *, guild: Guild | None = None) -> Role:
        """A new role in `guild` (default: the default guild)."""
        guild = guild or self.guild
        role = Role(self.ids.next(), name, permissions, position=len(guild.roles))
        guild.roles[role.id] = role
        return role

    def add_member(
        self,
        username: str,
        *,
        roles: Iterable[int | Role] = (),
        manage_guild: bool = False,
        administrator: bool = False,
        dms_open: bool = True,
        guild: Guild | None = None,
    ) -> Member:
        """A new user who is a member of `guild`. `manage_guild` gives the "Server Manager" role (Manage Server),
        `administrator` the "Admin" role; `dms_open=False` makes DMs to them fail like closed DMs do."""
        guild = guild or self.guild
        role_ids = [r.id if isinstance(r, Role) else int(r) for r in roles]
        unknown = [r for r in role_ids if r not in guild.roles]
        if unknown:
            raise ValueError(f"no roles {unknown} in guild {guild.id}")
        if manage_guild:
            role_ids.append(guild.manager_role_id)
        if administrator:
            role_ids.append(guild.admin_role_id)
        member = Member(self.add_user(username, dms_open=dms_open), guild, roles=role_ids)
        guild.members[member.id] = member
        return member

    def add_channel(
        self, name: str, *, type: int = GUILD_TEXT, parent_id: int | None = None, guild: Guild | None = None
    ) -> Channel:
        """A new guild channel (text by default)."""
        guild = guild or self.guild
        channel = Channel(self.ids.next(), name, type, guild_id=guild.id, parent_id=parent_id)
        channel.position = len(guild.channels)
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        return channel

    def add_attachment(self, channel_id: int, file: RecordedFile) -> dict[str, Any]:
        """Store a file and return its attachment object (its URL serves the bytes)."""
        attachment_id = self.ids.next()
        self.attachments[attachment_id] = file
        url = f"{self.base_url}/attachments/{channel_id}/{attachment_id}/{file.filename}"
        return {
            "id": str(attachment_id),
            "filename": file.filename,
            "size": len(file.data),
            "url": url,
            "proxy_url": url,
            "content_type": file.content_type,
        }

    def dm_channel(self, user: User) -> Channel:
        """The DM channel between the bot and `user`, created on first use."""
        for channel in self.channels.values():
            if channel.type == DM and channel.recipient is user:
                return channel
        channel = Channel(self.ids.next(), "", DM, recipient=user)
        self.channels[channel.id] = channel
        return channel

    def member(self, guild_id: int | None, user_id: int) -> Member | None:
        """The member with this id in that guild, if any."""
        guild = self.guilds.get(guild_id or 0)
        return guild.members.get(user_id) if guild else None

    def messages_in(self, channel_id: int) -> list[Message]:
        """The messages visible in a channel, oldest first (ephemeral and deleted ones are not)."""
        return [m for m in self.messages.values() if m.channel_id == channel_id and not m.deleted and not m.ephemeral]

    def find_command(self, name: str, guild_id: int | None, kind: int = 1) -> tuple[dict[str, Any], int | None]:
        """A synced command by top-level name and type, guild commands first; KeyError when not synced."""
        for scope in (guild_id, None):
            for command in self.commands.get(scope, []):
                if command["name"] == name and command.get("type", 1) == kind:
                    return command, scope
        synced = sorted(c["name"] for cmds in self.commands.values() for c in cmds if c.get("type", 1) == kind)
        raise KeyError(f"command {name!r} (type {kind}) was never synced; synced: {synced}")
