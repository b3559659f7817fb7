"""INTERACTION_CREATE payloads, built from what the bot itself synced and sent.

A builder refuses (raises `NotPossible`) whatever a member could not do in Discord's client: run a command that was
never synced, pass an undeclared option or a value of the wrong type, leave out a required option, click a component
that is not on the message, submit a modal with an unknown field or a value the modal's limits forbid.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sandbox.models import THREAD_TYPES, Channel, Member, Message, RecordedFile, Role, User, id_of
from sandbox.world import World

INTERACTION_VERSION = 1
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
STRING_OPTION_LIMIT = 6000
SAFE_INTEGER = 2**53

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 9, 10, 11
ENTITY_SELECTS = {5: USER, 6: ROLE, 7: MENTIONABLE, 8: CHANNEL}
SELECTS = (3, *ENTITY_SELECTS)


class NotPossible(Exception):  # noqa: N818 -- reads as a sentence: "NotPossible: command 'x' was never synced"
    """A member could not do this in Discord's client; the test asked for something impossible."""


def interaction_payload(
    world: World,
    *,
    interaction_id: int,
    token: str,
    kind: int,
    member: Member,
    channel: Channel,
    data: dict[str, Any] | None,
    message: Message | None = None,
) -> dict[str, Any]:
    """The full INTERACTION_CREATE object, with every key discord.py 2.7 reads (see STANDIN_NOTES)."""
    guild = member.guild
    bot_member = guild.members[world.bot_user.id]
    payload: dict[str, Any] = {
        "id": str(interaction_id),
        "application_id": str(world.application_id),
        "type": kind,
        "token": token,
        "version": INTERACTION_VERSION,
        "guild_id": str(guild.id),
        "guild": {"id": str(guild.id), "locale": "en-US", "features": []},
        "channel_id": str(channel.id),
        "channel": {**channel.payload(), "permissions": str(member.permissions)},
        "member": member.payload(with_permissions=True),
        "app_permissions": str(bot_member.permissions),
        "locale": "en-US",
        "guild_locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(guild.id)},
        "context": 0,
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
    }
    if data is not None:
        payload["data"] = data
    if message is not None:
        payload["message"] = message.payload(world.users)
    return payload


def command_data(
    world: World, member: Member, path: str, values: Mapping[str, Any], *, focused: str | None = None
) -> dict[str, Any]:
    """`data` of a slash command (or, with `focused`, of its autocomplete) at `path`, e.g. "challenge search"."""
    names = path.split()
    if not names:
        raise NotPossible("empty command name")
    try:
        command, scope = world.find_command(names[0], member.guild.id)
    except KeyError as error:
        raise NotPossible(str(error.args[0])) from None
    data: dict[str, Any] = {"id": command["id"], "name": names[0], "type": 1, "options": []}
    if scope is not None:
        data["guild_id"] = str(scope)
    node, target = command, data["options"]
    for name in names[1:]:
        sub = next((o for o in node.get("options", []) if o["name"] == name and o["type"] in (1, 2)), None)
        if sub is None:
            raise NotPossible(f"/{path}: {node['name']!r} has no subcommand {name!r}; it has {_subcommands(node)}")
        entry: dict[str, Any] = {"name": name, "type": sub["type"], "options": []}
        target.append(entry)
        node, target = sub, entry["options"]
    if _subcommands(node):
        raise NotPossible(f"/{path} needs a subcommand: one of {_subcommands(node)}")

    declared = {option["name"]: option for option in node.get("options", [])}
    given = {name: value for name, value in values.items() if value is not None}
    undeclared = sorted(set(given) - set(declared))
    if undeclared:
        raise NotPossible(f"/{path} has no option(s) {undeclared}; it declares {sorted(declared)}")
    resolved: dict[str, dict[str, Any]] = {}
    for name, option in declared.items():
        if name not in given:
            # While typing (autocomplete) Discord sends what was filled so far; required ones may still be empty.
            if option.get("required") and focused is None:
                raise NotPossible(f"/{path}: option {name!r} is required")
            continue
        if name == focused:
            if not option.get("autocomplete"):
                raise NotPossible(f"/{path}: option {name!r} has no autocomplete")
            # Discord sends the partial text as typed, whatever the option's type.
            target.append({"name": name, "type": option["type"], "value": str(given[name]), "focused": True})
            continue
        value = _option_value(world, member, f"/{path} {name}", option, given[name], resolved)
        target.append({"name": name, "type": option["type"], "value": value})
    if focused is not None and focused not in given:
        raise NotPossible(f"/{path}: the focused option {focused!r} needs a value (the text typed so far)")
    if resolved:
        data["resolved"] = resolved
    return data


def _subcommands(node: dict[str, Any]) -> list[str]:
    return [o["name"] for o in node.get("options", []) if o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)]


def _option_value(
    world: World, member: Member, where: str, option: dict[str, Any], value: Any, resolved: dict[str, Any]
) -> Any:
    kind = option["type"]
    choices = [choice["value"] for choice in option.get("choices", [])]
    if kind == STRING:
        if not isinstance(value, str):
            raise NotPossible(f"{where}: expects text, got {value!r}")
        low, high = option.get("min_length", 0), option.get("max_length", STRING_OPTION_LIMIT)
        if not low <= len(value) <= high:
            raise NotPossible(f"{where}: length must be between {low} and {high}, got {len(value)}")
    elif kind in (INTEGER, NUMBER):
        number_types = (int,) if kind == INTEGER else (int, float)
        if isinstance(value, bool) or not isinstance(value, number_types):
            raise NotPossible(f"{where}: expects {'an integer' if kind == INTEGER else 'a number'}, got {value!r}")
        low, high = option.get("min_value", -SAFE_INTEGER), option.get("max_value", SAFE_INTEGER)
        if not low <= value <= high:
            raise NotPossible(f"{where}: must be between {low} and {high}, got {value}")
    elif kind == BOOLEAN:
        if not isinstance(value, bool):
            raise NotPossible(f"{where}: expects True or False, got {value!r}")
    elif kind in (USER, ROLE, CHANNEL, MENTIONABLE):
        return str(resolve_entity(world, member, where, kind, value, resolved, option.get("channel_types")))
    elif kind == ATTACHMENT:
        if not isinstance(value, RecordedFile):
            raise NotPossible(f"{where}: expects a file, e.g. RecordedFile('data.json', b'...'), got {value!r}")
        attachment = world.add_attachment(member.guild.general, value)
        resolved.setdefault("attachments", {})[attachment["id"]] = attachment
        return attachment["id"]
    else:
        raise NotPossible(f"{where}: option type {kind} is not supported by the stand-in")
    if choices and value not in choices:
        raise NotPossible(f"{where}: {value!r} is not one of the choices {choices}")
    return value


def resolve_entity(
    world: World,
    member: Member,
    where: str,
    kind: int,
    value: Any,
    resolved: dict[str, Any],
    channel_types: list[int] | None = None,
) -> int:
    """Add a user, role or channel to `resolved` the way Discord does, and return its id."""
    guild = member.guild
    if kind in (USER, MENTIONABLE) and isinstance(value, Member | User):
        user = value.user if isinstance(value, Member) else value
        resolved.setdefault("users", {})[str(user.id)] = user.payload()
        target = guild.members.get(user.id)
        if target is not None:
            resolved.setdefault("members", {})[str(user.id)] = {
                **target.payload(with_user=False),
                "permissions": str(target.permissions),
            }
        return user.id
    if kind in (ROLE, MENTIONABLE) and isinstance(value, Role | int) and id_of(value) in guild.roles:
        role = guild.roles[id_of(value)]
        resolved.setdefault("roles", {})[str(role.id)] = role.payload()
        return role.id
    if kind == USER and isinstance(value, int) and value in world.users:
        return resolve_entity(world, member, where, kind, world.users[value], resolved)
    if kind == CHANNEL and isinstance(value, Channel | int):
        channel = world.channels.get(id_of(value))
        if channel is None or channel.deleted or channel.guild_id != guild.id:
            raise NotPossible(f"{where}: no channel {value!r} in this guild")
        if channel_types and channel.type not in channel_types:
            raise NotPossible(f"{where}: channel type {channel.type} is not one of {channel_types}")
        data = {**channel.payload(), "permissions": str(member.permissions)}
        if channel.type not in THREAD_TYPES:
            data.pop("thread_metadata", None)
        resolved.setdefault("channels", {})[str(channel.id)] = data
        return channel.id
    expected = {USER: "a member or user", ROLE: "a role", CHANNEL: "a channel", MENTIONABLE: "a member or role"}[kind]
    raise NotPossible(f"{where}: expects {expected} of this guild, got {value!r}")


def context_menu_data(world: World, member: Member, name: str, target: Message | Member | User) -> dict[str, Any]:
    """`data` of a message (type 3) or user (type 2) context-menu command."""
    kind = 3 if isinstance(target, Message) else 2
    try:
        command, scope = world.find_command(name, member.guild.id, kind)
    except KeyError as error:
        raise NotPossible(str(error.args[0])) from None
    data: dict[str, Any] = {"id": command["id"], "name": name, "type": kind}
    if scope is not None:
        data["guild_id"] = str(scope)
    if isinstance(target, Message):
        if target.deleted or target.ephemeral:
            raise NotPossible(f"message {target.id} cannot be targeted (deleted or ephemeral)")
        data["target_id"] = str(target.id)
        data["resolved"] = {"messages": {str(target.id): target.payload(world.users)}}
    else:
        resolved: dict[str, Any] = {}
        data["target_id"] = str(resolve_entity(world, member, name, USER, target, resolved))
        data["resolved"] = resolved
    return data


def component_data(
    world: World,
    member: Member,
    message: Message,
    *,
    custom_id: str | None,
    label: str | None,
    values: list[Any] | None,
) -> dict[str, Any]:
    """`data` of a button click (values None) or a select choice, checked against the message's components."""
    if message.deleted:
        raise NotPossible(f"message {message.id} was deleted")
    try:
        comp = message.component(custom_id=custom_id, label=label)
    except KeyError as error:
        raise NotPossible(str(error.args[0])) from None
    if comp.get("disabled"):
        raise NotPossible(f"component {comp.get('label') or comp['custom_id']!r} is disabled")
    kind = comp["type"]
    data: dict[str, Any] = {"custom_id": comp.get("custom_id"), "component_type": kind}
    if kind == 2:
        if values is not None:
            raise NotPossible("a button takes no values")
        if comp.get("style") in (5, 6) or "custom_id" not in comp:
            raise NotPossible("link and premium buttons do not send interactions")
        return data
    if values is None:
        raise NotPossible(f"select {comp['custom_id']!r} needs values")
    low, high = comp.get("min_values", 1), comp.get("max_values", 1)
    if not low <= len(values) <= high:
        raise NotPossible(f"select {comp['custom_id']!r} takes between {low} and {high} values, got {len(values)}")
    if kind == 3:
        allowed = [option["value"] for option in comp.get("options", [])]
        unknown = [v for v in values if v not in allowed]
        if unknown:
            raise NotPossible(f"select {comp['custom_id']!r} has no option(s) {unknown}; it offers {allowed}")
        data["values"] = list(values)
        return data
    resolved: dict[str, Any] = {}
    ids = [resolve_entity(world, member, comp["custom_id"], ENTITY_SELECTS[kind], v, resolved) for v in values]
    data["values"] = [str(i) for i in ids]
    data["resolved"] = resolved
    return data


def modal_submit_data(modal: dict[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """`data` of a modal submit. `values` are keyed by an input's custom_id or its label; inputs left out keep
    their pre-filled value. Required, min_length and max_length are enforced like Discord's client does."""
    fields = _modal_fields(modal)
    by_key: dict[str, dict[str, Any]] = {}
    for entry in fields:
        by_key[entry["custom_id"]] = entry
        if entry["label"]:
            by_key.setdefault(entry["label"], entry)
            by_key.setdefault(entry["label"].lower(), entry)
    chosen: dict[str, Any] = {}
    for key, value in values.items():
        found = by_key.get(key) or by_key.get(key.lower())
        if found is None:
            known = [(f["label"], f["custom_id"]) for f in fields]
            raise NotPossible(f"modal {modal.get('title')!r} has no field {key!r}; it has {known}")
        chosen[found["custom_id"]] = value
    components: list[dict[str, Any]] = []
    for entry in fields:
        comp = entry["component"]
        name = entry["label"] or entry["custom_id"]
        if comp["type"] == 4:
            text = chosen.get(entry["custom_id"], comp.get("value") or "")
            if not isinstance(text, str):
                raise NotPossible(f"field {name!r} takes text, got {text!r}")
            if comp.get("required", True) and not text:
                raise NotPossible(f"field {name!r} is required")
            low, high = comp.get("min_length", 0), comp.get("max_length", 4000)
            if text and not low <= len(text) <= high:
                raise NotPossible(f"field {name!r} must be {low} to {high} characters, got {len(text)}")
            submitted: dict[str, Any] = {"type": 4, "custom_id": entry["custom_id"], "value": text}
        else:
            picked = list(chosen.get(entry["custom_id"], []))
            allowed = [option["value"] for option in comp.get("options", [])]
            low, high = comp.get("min_values", 1), comp.get("max_values", 1)
            if any(v not in allowed for v in picked) or not low <= len(picked) <= high:
                raise NotPossible(f"field {name!r}: choose {low} to {high} of {allowed}")
            submitted = {"type": comp["type"], "custom_id": entry["custom_id"], "values": picked}
        if entry["in_label"]:
            components.append({"type": 18, "id": entry["id"], "component": submitted})
        else:
            components.append({"type": 1, "id": entry["id"], "components": [submitted]})
    return {"custom_id": modal["custom_id"], "components": components}


def _modal_fields(modal: dict[str, Any]) -> list[dict[str, Any]]:
    fields: list[dict[str, Any]] = []
    for index, row in enumerate(modal.get("components", [])):
        if row.get("type") == 1:
            for comp in row.get("components", []):
                label = comp.get("label") or ""
                fields.append({"component": comp, "label": label, "in_label": False, "id": index + 1})
        elif row.get("type") == 18:
            comp = row["component"]
            fields.append({"component": comp, "label": row.get("label", ""), "in_label": True, "id": index + 1})
    for entry in fields:
        entry["custom_id"] = entry["component"]["custom_id"]
    return fields
