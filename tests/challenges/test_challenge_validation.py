"""Checking what members type into the challenge modals: tags, limits, numbers."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import InvalidInputError
from cogs.challenges.validation import (
    DESCRIPTION_MAX_LENGTH,
    SOLUTION_MAX_LENGTH,
    TAG_MAX,
    TAGS_MAX,
    TITLE_MAX_LENGTH,
    normalise_tag,
    parse_number,
    parse_tag_filter,
    parse_tags,
    validate_challenge,
    validate_query,
    validate_solution,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ()),
        (None, ()),
        ("   ", ()),
        ("django", ("django",)),
        ("Django, ORM", ("django", "orm")),
        ("  Rate Limiting ,caching", ("rate-limiting", "caching")),
        ("#django, #DRF", ("django", "drf")),
        ("django, Django, DJANGO", ("django",)),
        ("c++, c#, n+1, asp.net, select_related", ("c++", "c#", "n+1", "asp.net", "select_related")),
        ("django,,orm,", ("django", "orm")),
        ("django; orm\nredis", ("django", "orm", "redis")),
        ("Ünïcode, データベース", ("ünïcode", "データベース")),
        ("a, b, c, d, e", ("a", "b", "c", "d", "e")),
        ("a, b, c, d, e, a", ("a", "b", "c", "d", "e")),
    ],
)
def test_parse_tags_normalises(text: str | None, expected: tuple[str, ...]) -> None:
    assert parse_tags(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a, b, c, d, e, f", "6 tags; a challenge can have at most 5"),
        ("x" * 31, "longer than 30 characters"),
        ("@everyone", "tags may only use letters"),
        ("<@123>", "tags may only use letters"),
        ("`drop`", "tags may only use letters"),
        ("+++", "needs at least one letter or digit"),
        ("#", "needs at least one letter or digit"),
        ("a" * 201, "limited to 200 characters"),
    ],
)
def test_parse_tags_refuses_with_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=re.escape(message)):
        parse_tags(text)


def test_a_bad_tag_is_quoted_without_breaking_the_answer() -> None:
    with pytest.raises(InvalidInputError) as caught:
        normalise_tag("`rm -rf`")
    assert "`'rm--rf'`" in caught.value.message  # the member's backticks can't close our quote


@given(st.text(max_size=300))
def test_parse_tags_either_refuses_or_returns_valid_tags(text: str) -> None:
    try:
        tags = parse_tags(text)
    except InvalidInputError as error:
        assert error.message
        return
    assert len(tags) <= TAGS_MAX
    assert len(set(tags)) == len(tags)
    for tag in tags:
        assert 0 < len(tag) <= TAG_MAX
        assert normalise_tag(tag) == tag  # normalising is idempotent
        assert not any(char.isspace() for char in tag)
        assert "," not in tag and "@" not in tag and "<" not in tag


def test_parse_tag_filter() -> None:
    assert parse_tag_filter(None) is None
    assert parse_tag_filter("  ") is None
    assert parse_tag_filter("#Django") == "django"
    with pytest.raises(InvalidInputError):
        parse_tag_filter("bad tag!")


def test_validate_challenge_keeps_text_and_strips_edges() -> None:
    data = validate_challenge("  Title  ", "\nWhat\nhappened\n", "   ", "django")
    assert data.title == "Title"
    assert data.description == "What\nhappened"
    assert data.solution is None
    assert data.tags == ("django",)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (("", "what", "", ""), "The title can't be empty"),
        (("   ", "what", "", ""), "The title can't be empty"),
        (("title", "", "", ""), "description (what happened) can't be empty"),
        (("x" * (TITLE_MAX_LENGTH + 1), "what", "", ""), "the limit is 100"),
        (("title", "x" * (DESCRIPTION_MAX_LENGTH + 1), "", ""), "the limit is 4,000"),
        (("title", "what", "x" * (SOLUTION_MAX_LENGTH + 1), ""), "The solution is 4,001 characters long"),
        (("title", "what", "", "a,b,c,d,e,f"), "at most 5"),
    ],
)
def test_validate_challenge_refuses(fields: tuple[str, str, str, str], message: str) -> None:
    with pytest.raises(InvalidInputError, match=re.escape(message)):
        validate_challenge(*fields)


def test_limits_are_inclusive() -> None:
    data = validate_challenge("x" * TITLE_MAX_LENGTH, "y" * DESCRIPTION_MAX_LENGTH, "z" * SOLUTION_MAX_LENGTH, "")
    assert len(data.title) == TITLE_MAX_LENGTH
    assert validate_solution("s" * SOLUTION_MAX_LENGTH)


def test_nul_characters_are_dropped() -> None:
    assert validate_solution("fix\x00ed") == "fixed"
    with pytest.raises(InvalidInputError):
        validate_solution("\x00\x00")


def test_validate_query() -> None:
    assert validate_query("  n+1  ") == "n+1"
    with pytest.raises(InvalidInputError, match="can't be empty"):
        validate_query(" ")
    with pytest.raises(InvalidInputError, match="the limit is 200"):
        validate_query("q" * 201)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12", 12), (" #12 ", 12), ("S7", 7), ("solution 7", 7), ("Solution7", 7), ("007", 7)],
)
def test_parse_number(text: str, expected: int) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "twelve", "0", "-3", "12a", "1e3", "#", "1234567890", "１２"])
def test_parse_number_refuses(text: str) -> None:
    with pytest.raises(InvalidInputError, match="number"):
        parse_number(text)
