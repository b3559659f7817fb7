"""Discord's documented limits, checked on what the bot sends (discord.py itself checks none of them).

Each check appends `(path, message)` pairs to an `Errors` list; the server answers 400 code 50035 "Invalid Form
Body" with Discord's nested error shape, so discord.py raises the same HTTPException it would in production.
"""

from __future__ import annotations

import re
from typing import Any

from sandbox.models import IS_COMPONENTS_V2, iter_components

Errors = list[tuple[str, str]]

MESSAGE_CONTENT = 2000
EMBEDS = 10
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
EMBED_FIELD_NAME = 256
EMBED_FIELD_VALUE = 1024
EMBED_FOOTER = 2048
EMBED_AUTHOR = 256
EMBED_TOTAL = 6000
ACTION_ROWS = 5
ROW_BUTTONS = 5
CUSTOM_ID = 100
BUTTON_LABEL = 80
SELECT_PLACEHOLDER = 150
SELECT_OPTIONS = 25
SELECT_OPTION_TEXT = 100
V2_COMPONENTS = 40
V2_TEXT_TOTAL = 4000
MODAL_TITLE = 45
MODAL_COMPONENTS = 5
TEXT_INPUT_LABEL = 45
LABEL_DESCRIPTION = 100
TEXT_INPUT_LENGTH = 4000
TEXT_INPUT_PLACEHOLDER = 100
AUTOCOMPLETE_CHOICES = 25
CHOICE_TEXT = 100
COMMAND_NAME = re.compile(r"^[-_'\w]{1,32}$")
COMMAND_DESCRIPTION = 100
COMMAND_OPTIONS = 25
CHAT_INPUT_COMMANDS = 100
CONTEXT_MENU_COMMANDS = 15
URL_SCHEMES = ("http://", "https://", "attachment://")
BUTTON_TYPES = 2
SELECT_TYPES = (3, 5, 6, 7, 8)
TEXT_INPUT = 4
LABEL = 18


def too_long(errors: Errors, path: str, value: Any, limit: int, minimum: int = 0) -> None:
    """Record a string outside [minimum, limit] characters, in Discord's wording."""
    if value is None:
        return
    if not isinstance(value, str):
        errors.append((path, "Must be a string."))
    elif len(value) > limit:
        errors.append((path, f"Must be {limit} or fewer in length."))
    elif len(value) < minimum:
        errors.append((path, f"Must be {minimum} or more in length."))


def check_message(body: dict[str, Any], errors: Errors, *, creating: bool = True, has_files: bool = False) -> None:
    """Content, embeds, components and allowed_mentions of a message create or edit."""
    too_long(errors, "content", body.get("content"), MESSAGE_CONTENT)
    embeds = body.get("embeds") or []
    if len(embeds) > EMBEDS:
        errors.append(("embeds", f"Must be {EMBEDS} or fewer in length."))
    total = 0
    for i, embed in enumerate(embeds):
        total += check_embed(embed, f"embeds.{i}", errors)
    if total > EMBED_TOTAL:
        errors.append(("embeds", f"Embed size exceeds maximum size of {EMBED_TOTAL}"))
    flags = int(body.get("flags") or 0)
    check_components(body.get("components") or [], errors, v2=bool(flags & IS_COMPONENTS_V2))
    check_allowed_mentions(body.get("allowed_mentions"), errors)
    if creating and not (
        body.get("content")
        or embeds
        or body.get("components")
        or has_files
        or body.get("sticker_ids")
        or body.get("poll")
    ):
        errors.append(("content", "Cannot send an empty message"))


def check_embed(embed: dict[str, Any], path: str, errors: Errors) -> int:
    """One embed's limits; returns its character count towards the 6,000 total."""
    too_long(errors, f"{path}.title", embed.get("title"), EMBED_TITLE)
    too_long(errors, f"{path}.description", embed.get("description"), EMBED_DESCRIPTION)
    footer, author = embed.get("footer") or {}, embed.get("author") or {}
    too_long(errors, f"{path}.footer.text", footer.get("text"), EMBED_FOOTER)
    too_long(errors, f"{path}.author.name", author.get("name"), EMBED_AUTHOR)
    fields = embed.get("fields") or []
    if len(fields) > EMBED_FIELDS:
        errors.append((f"{path}.fields", f"Must be {EMBED_FIELDS} or fewer in length."))
    size = sum(len(str(x or "")) for x in (embed.get("title"), embed.get("description"), footer.get("text")))
    size += len(str(author.get("name") or ""))
    for i, item in enumerate(fields):
        # Both are required and must be non-empty: Discord rejects an empty field name or value.
        too_long(errors, f"{path}.fields.{i}.name", item.get("name", ""), EMBED_FIELD_NAME, 1)
        too_long(errors, f"{path}.fields.{i}.value", item.get("value", ""), EMBED_FIELD_VALUE, 1)
        size += len(str(item.get("name") or "")) + len(str(item.get("value") or ""))
    for key in ("url", "image.url", "thumbnail.url", "author.url"):
        head, _, tail = key.partition(".")
        value = (embed.get(head) or {}).get(tail) if tail else embed.get(head)
        if value is not None and not str(value).startswith(URL_SCHEMES):
            errors.append((f"{path}.{key}", "Not a well formed URL."))
    return size


def check_components(components: list[dict[str, Any]], errors: Errors, *, v2: bool = False) -> None:
    """Message components: five rows of five buttons or one select (v1), or the v2 layout's totals."""
    custom_ids: set[str] = set()
    if v2:
        _check_v2(components, errors, custom_ids)
        return
    if len(components) > ACTION_ROWS:
        errors.append(("components", f"Must be {ACTION_ROWS} or fewer in length."))
    for r, row in enumerate(components):
        path = f"components.{r}"
        if row.get("type") != 1:
            errors.append((f"{path}.type", "Top-level components must be action rows without the v2 flag."))
            continue
        children = row.get("components") or []
        types = {child.get("type") for child in children}
        if not children:
            errors.append((f"{path}.components", "Must be 1 or more in length."))
        elif types == {BUTTON_TYPES}:
            if len(children) > ROW_BUTTONS:
                errors.append((f"{path}.components", f"Must be {ROW_BUTTONS} or fewer in length."))
        elif len(children) != 1 or not types <= set(SELECT_TYPES):
            errors.append((f"{path}.components", "An action row holds up to 5 buttons or exactly one select."))
        for c, child in enumerate(children):
            _check_interactive(child, f"{path}.components.{c}", errors, custom_ids)


def _check_v2(components: list[dict[str, Any]], errors: Errors, custom_ids: set[str]) -> None:
    every = iter_components(components)
    if len(every) > V2_COMPONENTS:
        errors.append(("components", f"Must be {V2_COMPONENTS} or fewer in total."))
    if sum(len(c.get("content", "")) for c in every if c.get("type") == 10) > V2_TEXT_TOTAL:
        errors.append(("components", f"Text displays must total {V2_TEXT_TOTAL} or fewer characters."))
    for i, comp in enumerate(every):
        if comp.get("type") == BUTTON_TYPES or comp.get("type") in SELECT_TYPES:
            _check_interactive(comp, f"components[{i}]", errors, custom_ids)


def _check_interactive(comp: dict[str, Any], path: str, errors: Errors, custom_ids: set[str]) -> None:
    kind = comp.get("type")
    custom_id = comp.get("custom_id")
    if custom_id is not None:
        too_long(errors, f"{path}.custom_id", custom_id, CUSTOM_ID, 1)
        if custom_id in custom_ids:
            errors.append((f"{path}.custom_id", "Component custom id cannot be duplicated"))
        custom_ids.add(custom_id)
    if kind == BUTTON_TYPES:
        too_long(errors, f"{path}.label", comp.get("label"), BUTTON_LABEL)
        style = comp.get("style")
        if style == 5 and (not comp.get("url") or custom_id is not None):
            errors.append((path, "A link button needs a url and no custom_id."))
        elif style in (1, 2, 3, 4) and not custom_id:
            errors.append((f"{path}.custom_id", "This field is required"))
        if style != 6 and not comp.get("label") and not comp.get("emoji"):
            errors.append((path, "A button needs a label or an emoji."))
    elif kind in SELECT_TYPES:
        too_long(errors, f"{path}.placeholder", comp.get("placeholder"), SELECT_PLACEHOLDER)
        low, high = comp.get("min_values", 1), comp.get("max_values", 1)
        if not (0 <= low <= SELECT_OPTIONS and 1 <= high <= SELECT_OPTIONS and low <= high):
            errors.append((path, "min_values and max_values must satisfy 0 <= min <= max <= 25, max >= 1."))
        if kind == 3:
            options = comp.get("options") or []
            if not 1 <= len(options) <= SELECT_OPTIONS:
                errors.append((f"{path}.options", f"Must be between 1 and {SELECT_OPTIONS} in length."))
            elif high > len(options):
                errors.append((f"{path}.max_values", "Must be less than or equal to the number of options."))
            for o, option in enumerate(options):
                for key in ("label", "value", "description"):
                    too_long(errors, f"{path}.options.{o}.{key}", option.get(key), SELECT_OPTION_TEXT, 0)


def check_allowed_mentions(allowed: dict[str, Any] | None, errors: Errors) -> None:
    """`parse` entries are known, and never combined with an explicit list of the same kind."""
    if allowed is None:
        return
    parse = allowed.get("parse", [])
    for item in parse:
        if item not in ("users", "roles", "everyone"):
            errors.append(("allowed_mentions.parse", f"Value {item!r} is not a valid enum value."))
    for kind in ("users", "roles"):
        if kind in parse and allowed.get(kind):
            errors.append((f"allowed_mentions.{kind}", f"parse:[{kind}] and {kind}: [ids] are mutually exclusive."))
        if len(allowed.get(kind) or []) > 100:
            errors.append((f"allowed_mentions.{kind}", "Must be 100 or fewer in length."))


def check_modal(data: dict[str, Any], errors: Errors) -> None:
    """A modal: title, custom_id, up to five rows, text inputs within their limits."""
    too_long(errors, "data.title", data.get("title"), MODAL_TITLE, 1)
    too_long(errors, "data.custom_id", data.get("custom_id"), CUSTOM_ID, 1)
    rows = data.get("components") or []
    if not 1 <= len(rows) <= MODAL_COMPONENTS:
        errors.append(("data.components", f"Must be between 1 and {MODAL_COMPONENTS} in length."))
    for i, row in enumerate(rows):
        path = f"data.components.{i}"
        if row.get("type") == 1:
            inner = row.get("components") or []
            if len(inner) != 1 or inner[0].get("type") != TEXT_INPUT:
                errors.append((path, "A modal action row holds exactly one text input."))
                continue
            check_text_input(inner[0], f"{path}.components.0", errors, label_required=True)
        elif row.get("type") == LABEL:
            too_long(errors, f"{path}.label", row.get("label"), TEXT_INPUT_LABEL, 1)
            too_long(errors, f"{path}.description", row.get("description"), LABEL_DESCRIPTION)
            inner_comp = row.get("component") or {}
            if inner_comp.get("type") == TEXT_INPUT:
                check_text_input(inner_comp, f"{path}.component", errors, label_required=False)
            elif inner_comp.get("type") in SELECT_TYPES:
                _check_interactive(inner_comp, f"{path}.component", errors, set())
        elif row.get("type") != 10:  # text display
            errors.append((f"{path}.type", "Modals hold action rows, labels or text displays."))


def check_text_input(comp: dict[str, Any], path: str, errors: Errors, *, label_required: bool) -> None:
    """One text input: label, lengths, placeholder, and a pre-filled value within max_length."""
    if label_required or comp.get("label") is not None:
        too_long(errors, f"{path}.label", comp.get("label"), TEXT_INPUT_LABEL, 1)
    too_long(errors, f"{path}.custom_id", comp.get("custom_id"), CUSTOM_ID, 1)
    too_long(errors, f"{path}.placeholder", comp.get("placeholder"), TEXT_INPUT_PLACEHOLDER)
    low, high = comp.get("min_length", 0), comp.get("max_length", TEXT_INPUT_LENGTH)
    if not 0 <= low <= TEXT_INPUT_LENGTH:
        errors.append((f"{path}.min_length", f"Must be between 0 and {TEXT_INPUT_LENGTH}."))
    if not 1 <= high <= TEXT_INPUT_LENGTH:
        errors.append((f"{path}.max_length", f"Must be between 1 and {TEXT_INPUT_LENGTH}."))
    too_long(errors, f"{path}.value", comp.get("value"), min(high, TEXT_INPUT_LENGTH))
    if comp.get("style") not in (1, 2):
        errors.append((f"{path}.style", "Must be 1 (short) or 2 (paragraph)."))


def check_choices(data: dict[str, Any], errors: Errors) -> None:
    """An autocomplete answer: at most 25 choices, names and string values at most 100 characters."""
    choices = data.get("choices")
    if not isinstance(choices, list):
        errors.append(("data.choices", "This field is required"))
        return
    if len(choices) > AUTOCOMPLETE_CHOICES:
        errors.append(("data.choices", f"Must be {AUTOCOMPLETE_CHOICES} or fewer in length."))
    for i, choice in enumerate(choices):
        too_long(errors, f"data.choices.{i}.name", choice.get("name"), CHOICE_TEXT, 1)
        if isinstance(choice.get("value"), str):
            too_long(errors, f"data.choices.{i}.value", choice["value"], CHOICE_TEXT)


def check_commands(commands: list[dict[str, Any]], errors: Errors) -> None:
    """A bulk overwrite: names, descriptions, option shapes, duplicates and per-type counts."""
    seen: set[tuple[int, str]] = set()
    counts = {1: 0, 2: 0, 3: 0}
    for i, command in enumerate(commands):
        kind = command.get("type", 1)
        counts[kind] = counts.get(kind, 0) + 1
        name = command.get("name", "")
        if (kind, name) in seen:
            errors.append((f"{i}.name", "Application command names must be unique"))
        seen.add((kind, name))
        if kind == 1:
            _check_chat_input(command, str(i), errors, depth=0)
        else:
            too_long(errors, f"{i}.name", name, 32, 1)
            if command.get("description"):
                errors.append((f"{i}.description", "Context menu commands cannot have a description."))
    if counts[1] > CHAT_INPUT_COMMANDS:
        errors.append(("_", f"At most {CHAT_INPUT_COMMANDS} slash commands."))
    if counts[2] > CONTEXT_MENU_COMMANDS or counts[3] > CONTEXT_MENU_COMMANDS:
        errors.append(("_", f"At most {CONTEXT_MENU_COMMANDS} user and {CONTEXT_MENU_COMMANDS} message commands."))


def _check_chat_input(item: dict[str, Any], path: str, errors: Errors, depth: int) -> None:
    name = item.get("name", "")
    if not COMMAND_NAME.match(name) or name != name.lower():
        errors.append((f"{path}.name", "Command name is invalid (1-32 lowercase letters, digits, - or _)."))
    too_long(errors, f"{path}.description", item.get("description", ""), COMMAND_DESCRIPTION, 1)
    options = item.get("options") or []
    if len(options) > COMMAND_OPTIONS:
        errors.append((f"{path}.options", f"Must be {COMMAND_OPTIONS} or fewer in length."))
    optional_seen = False
    for o, option in enumerate(options):
        opath = f"{path}.options.{o}"
        kind = option.get("type")
        if kind in (1, 2):
            # A group may hold subcommands only; a subcommand may hold plain options only.
            if depth >= 2 or (depth == 1 and (kind == 2 or item.get("type") == 1)):
                errors.append((f"{opath}.type", "Sub-command nesting is invalid."))
            _check_chat_input(option, opath, errors, depth + 1)
            continue
        if depth >= 1 and item.get("type") == 2:
            errors.append((f"{opath}.type", "A sub-command group holds sub-commands only."))
        if not COMMAND_NAME.match(option.get("name", "")):
            errors.append((f"{opath}.name", "Option name is invalid."))
        too_long(errors, f"{opath}.description", option.get("description", ""), COMMAND_DESCRIPTION, 1)
        if option.get("required"):
            if optional_seen:
                errors.append((f"{opath}.required", "Required options must be placed before non-required options"))
        else:
            optional_seen = True
        choices = option.get("choices") or []
        if choices and option.get("autocomplete"):
            errors.append((f"{opath}.autocomplete", "Autocomplete and choices are mutually exclusive."))
        if len(choices) > AUTOCOMPLETE_CHOICES:
            errors.append((f"{opath}.choices", f"Must be {AUTOCOMPLETE_CHOICES} or fewer in length."))
        for c, choice in enumerate(choices):
            too_long(errors, f"{opath}.choices.{c}.name", choice.get("name"), CHOICE_TEXT, 1)


def nest(errors: Errors) -> dict[str, Any]:
    """Discord's error shape: {"content": {"_errors": [{"code": ..., "message": ...}]}, "embeds": {"0": ...}}."""
    tree: dict[str, Any] = {}
    for path, message in errors:
        node = tree
        for part in path.replace("[", ".").replace("]", "").split("."):
            node = node.setdefault(part, {})
        node.setdefault("_errors", []).append({"code": "INVALID", "message": message})
    return tree
