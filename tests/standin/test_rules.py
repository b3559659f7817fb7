"""Discord's limits as the stand-in checks them, one table row per rule."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox import rules
from sandbox.models import Message, User


def errors_of(check: Any, *args: Any, **kwargs: Any) -> list[str]:
    found: rules.Errors = []
    check(*args, found, **kwargs)
    return [path for path, _ in found]


def button(i: int, **extra: Any) -> dict[str, Any]:
    return {"type": 2, "style": 1, "label": f"b{i}", "custom_id": f"c{i}", **extra}


def row(*children: dict[str, Any]) -> dict[str, Any]:
    return {"type": 1, "components": list(children)}


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"content": "x" * 2001}, "content"),
        ({"embeds": [{"title": "t"}] * 11}, "embeds"),
        ({"embeds": [{"title": "x" * 257}]}, "embeds.0.title"),
        ({"embeds": [{"description": "x" * 4097}]}, "embeds.0.description"),
        ({"embeds": [{"fields": [{"name": "n", "value": "v"}] * 26}]}, "embeds.0.fields"),
        ({"embeds": [{"fields": [{"name": "x" * 257, "value": "v"}]}]}, "embeds.0.fields.0.name"),
        ({"embeds": [{"fields": [{"name": "n", "value": "x" * 1025}]}]}, "embeds.0.fields.0.value"),
        ({"embeds": [{"fields": [{"name": "n", "value": ""}]}]}, "embeds.0.fields.0.value"),
        ({"embeds": [{"footer": {"text": "x" * 2049}}]}, "embeds.0.footer.text"),
        ({"embeds": [{"author": {"name": "x" * 257}}]}, "embeds.0.author.name"),
        ({"embeds": [{"description": "x" * 4000}, {"description": "x" * 2001}]}, "embeds"),
        ({"embeds": [{"title": "t", "url": "not a url"}]}, "embeds.0.url"),
        ({"components": [row(button(0))] * 6}, "components"),
        ({"components": [row(*[button(i) for i in range(6)])]}, "components.0.components"),
        ({"components": [row(button(0, custom_id="x" * 101))]}, "components.0.components.0.custom_id"),
        ({"components": [row(button(0, label="x" * 81))]}, "components.0.components.0.label"),
        ({"components": [row(button(0), button(1, custom_id="c0"))]}, "components.0.components.1.custom_id"),
        ({"components": [button(0)]}, "components.0.type"),
        ({"content": "hi", "allowed_mentions": {"parse": ["users"], "users": ["1"]}}, "allowed_mentions.users"),
        ({}, "content"),
    ],
)
def test_message_limits(body: dict[str, Any], path: str) -> None:
    assert path in errors_of(rules.check_message, body)


def test_a_message_at_every_limit_passes() -> None:
    embed = {
        "title": "x" * 256,
        "description": "x" * 1000,
        "fields": [{"name": "n" * 10, "value": "v" * 100}] * 25,
        "footer": {"text": "f" * 100},
        "author": {"name": "a" * 256},
    }
    body = {
        "content": "x" * 2000,
        "embeds": [embed],
        "components": [row(*[button(r * 5 + i) for i in range(5)]) for r in range(5)],
        "allowed_mentions": {"parse": [], "users": ["1"]},
    }
    assert errors_of(rules.check_message, body) == []


def text_input(**extra: Any) -> dict[str, Any]:
    return {"type": 4, "custom_id": "f", "style": 1, "label": "Field", **extra}


def modal(*rows: dict[str, Any], title: str = "t") -> dict[str, Any]:
    return {"title": title, "custom_id": "m", "components": list(rows)}


INPUT = "data.components.0.components.0."


@pytest.mark.parametrize(
    ("data", "path"),
    [
        (modal(row(text_input()), title="x" * 46), "data.title"),
        (modal(*[row(text_input())] * 6), "data.components"),
        (modal(row(text_input(label="x" * 46))), INPUT + "label"),
        (modal(row(text_input(max_length=4001))), INPUT + "max_length"),
        (modal(row(text_input(placeholder="x" * 101))), INPUT + "placeholder"),
        (modal(row(text_input(max_length=5, value="x" * 6))), INPUT + "value"),
        (modal({"type": 18, "label": "x" * 46, "component": text_input(label=None)}), "data.components.0.label"),
    ],
)
def test_modal_limits(data: dict[str, Any], path: str) -> None:
    assert path in errors_of(rules.check_modal, data)


@pytest.mark.parametrize(
    ("choices", "path"),
    [
        ([{"name": str(i), "value": str(i)} for i in range(26)], "data.choices"),
        ([{"name": "x" * 101, "value": "v"}], "data.choices.0.name"),
        ([{"name": "n", "value": "x" * 101}], "data.choices.0.value"),
    ],
)
def test_autocomplete_limits(choices: list[dict[str, Any]], path: str) -> None:
    assert path in errors_of(rules.check_choices, {"choices": choices})


def option(name: str, kind: int = 3, **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": kind, "description": "d", **extra}


def command(*options: dict[str, Any], name: str = "ok", **extra: Any) -> dict[str, Any]:
    return {"name": name, "description": "d", "options": list(options), **extra}


NESTED = "0.options.0.options.0.options.0."


@pytest.mark.parametrize(
    ("commands", "path"),
    [
        ([command(name="Bad Name")], "0.name"),
        ([command(description="x" * 101)], "0.description"),
        ([command(), command()], "1.name"),
        ([command(*[option(f"o{i}") for i in range(26)])], "0.options"),
        ([command(option("a"), option("b", required=True))], "0.options.1.required"),
        ([command(option("a", autocomplete=True, choices=[{"name": "x", "value": "x"}]))], "0.options.0.autocomplete"),
        ([command(option("g", 2, options=[option("s", 1, options=[option("t", 1)])]))], NESTED + "type"),
        ([{"name": "Quote", "type": 3, "description": "no"}], "0.description"),
    ],
)  # fmt: skip
def test_command_definitions(commands: list[dict[str, Any]], path: str) -> None:
    assert path in errors_of(rules.check_commands, commands)


@pytest.mark.parametrize(
    ("content", "allowed", "users", "roles", "everyone"),
    [
        ("@everyone <@1> <@&2>", None, {1}, {2}, True),  # Discord's default pings everything mentioned
        ("@everyone <@1> <@&2>", {"parse": []}, set(), set(), False),
        ("@here <@1> <@!3>", {"parse": [], "users": ["3"]}, {3}, set(), False),
        ("<@1> <@&2>", {"parse": ["users", "roles"]}, {1}, {2}, False),
    ],
)
def test_who_a_message_pings(
    content: str, allowed: dict[str, Any] | None, users: set[int], roles: set[int], everyone: bool
) -> None:
    message = Message(1, 2, 3, User(4, "bot", bot=True), content=content, allowed_mentions=allowed)
    pings = message.pings
    assert (pings.users, pings.roles, pings.everyone) == (users, roles, everyone)


def test_errors_take_discords_nested_shape() -> None:
    nested = rules.nest([("embeds.0.title", "Too long.")])
    assert nested == {"embeds": {"0": {"title": {"_errors": [{"code": "INVALID", "message": "Too long."}]}}}}
