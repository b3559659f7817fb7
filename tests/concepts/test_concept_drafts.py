"""Checking the add/edit modal's text with the curated content's limits."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content import (
    ALIASES_MAX_COUNT,
    CONCEPT_NAME_MAX_LENGTH,
    DETAILS_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    SUMMARY_MIN_LENGTH,
    Category,
)
from cogs.concepts.drafts import DraftError, parse_aliases, parse_category, parse_draft

GOOD = {
    "name": "Celery",
    "aliases": "task queue, celery worker",
    "category": "async",
    "summary": "A distributed task queue for background jobs.",
    "details": "Workers consume tasks from a broker such as Redis.",
}


def draft_with(**changes: str) -> dict[str, str]:
    return {**GOOD, **changes}


def test_a_good_draft_is_tidied() -> None:
    draft = parse_draft(**draft_with(name="  Celery   beat ", summary="Line one\nline two of it", details="  x  "))
    assert draft.name == "Celery beat"
    assert draft.summary == "Line one line two of it"
    assert draft.details == "x"
    assert draft.category is Category.ASYNC
    assert draft.terms == ("Celery beat", "task queue", "celery worker")


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"name": ""}, "The name can't be empty."),
        ({"name": "   "}, "The name can't be empty."),
        ({"name": "x" * (CONCEPT_NAME_MAX_LENGTH + 1)}, f"the limit is {CONCEPT_NAME_MAX_LENGTH}"),
        ({"name": "!!! ???"}, "at least one letter or digit"),
        ({"aliases": ", ".join(f"alias {index}" for index in range(ALIASES_MAX_COUNT + 1))}, "aliases; the limit"),
        ({"aliases": "y" * 61}, "the limit is 60"),
        ({"category": "db"}, "“db” isn't a category. Use one of: python, django"),
        ({"category": ""}, "The category can't be empty. Use one of:"),
        ({"summary": "short"}, f"write at least {SUMMARY_MIN_LENGTH}"),
        ({"summary": "s" * (SUMMARY_MAX_LENGTH + 1)}, f"the limit is {SUMMARY_MAX_LENGTH}"),
        ({"details": ""}, "The details can't be empty."),
        ({"details": "d" * (DETAILS_MAX_LENGTH + 1)}, f"the limit is {DETAILS_MAX_LENGTH:,}"),
    ],
)
def test_each_problem_has_a_clear_sentence(changes: dict[str, str], problem: str) -> None:
    with pytest.raises(DraftError) as caught:
        parse_draft(**draft_with(**changes))
    assert problem in str(caught.value)


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(DraftError) as caught:
        parse_draft(name="", aliases="", category="nope", summary="x", details="")
    assert len(caught.value.problems) == 4


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("databases", Category.DATABASES),
        ("  DATABASES ", Category.DATABASES),
        ("Databases & SQL", Category.DATABASES),
        ("ci/cd", Category.CICD),
        ("cicd", Category.CICD),
        ("database", None),
        ("", None),
    ],
)
def test_categories_by_value_or_label(text: str, expected: Category | None) -> None:
    assert parse_category(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a, b,c", ("a", "b", "c")),
        ("a,\n b ,, ,A", ("a", "b")),
        ("  ", ()),
        ("two  words, x", ("two words", "x")),
    ],
)
def test_aliases_are_split_and_deduplicated(text: str, expected: tuple[str, ...]) -> None:
    assert parse_aliases(text) == expected


def test_an_alias_equal_to_the_name_is_dropped() -> None:
    assert parse_draft(**draft_with(aliases="celery, CELERY, worker")).aliases == ("worker",)


@given(st.text(max_size=80), st.text(max_size=600), st.text(max_size=50), st.text(max_size=200), st.text(max_size=50))
def test_parse_draft_either_succeeds_within_limits_or_explains(
    name: str, aliases: str, category: str, summary: str, details: str
) -> None:
    try:
        draft = parse_draft(name, aliases, category, summary, details)
    except DraftError as error:
        assert error.problems
        return
    assert 1 <= len(draft.name) <= CONCEPT_NAME_MAX_LENGTH
    assert SUMMARY_MIN_LENGTH <= len(draft.summary) <= SUMMARY_MAX_LENGTH
    assert len(draft.aliases) <= ALIASES_MAX_COUNT
    assert "\n" not in draft.summary
