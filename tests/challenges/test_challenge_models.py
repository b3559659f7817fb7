"""Pure rules of the challenge log: who may manage a challenge, solution order, search excerpts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cogs.challenges.models import Solution, can_manage, excerpt, similarity, sort_solutions


@pytest.mark.parametrize(
    ("author", "actor", "moderator", "allowed"),
    [
        (1, 1, False, True),
        (1, 2, False, False),
        (1, 2, True, True),
        (None, 2, False, False),  # curated: moderators only
        (None, 2, True, True),
    ],
)
def test_can_manage(author: int | None, actor: int, moderator: bool, allowed: bool) -> None:
    assert can_manage(author, actor, is_moderator=moderator) is allowed


def solution(number: int, *, accepted: bool = False, helpful: int = 0) -> Solution:
    return Solution(number, number, 1, 1, 5, None, None, None, "body", accepted, helpful, "2026-01-05T09:00:00+00:00")


def test_solutions_accepted_first_then_most_helpful_then_oldest() -> None:
    items = [solution(1), solution(2, helpful=3), solution(3, accepted=True), solution(4, helpful=3), solution(5)]
    assert [s.number for s in sort_solutions(items)] == [3, 2, 4, 1, 5]


def test_excerpt_centres_on_the_first_match() -> None:
    text = "intro " * 50 + "the select_related call fixed it " + "outro " * 50
    piece = excerpt(text, "select_related", width=80)
    assert "select" in piece
    assert piece.startswith("…") and piece.endswith("…")
    assert len(piece) <= 80


def test_excerpt_of_short_text_is_the_text_on_one_line() -> None:
    assert excerpt("a\n\nb   c", "zzz") == "a b c"


@given(st.text(max_size=600), st.text(max_size=50), st.integers(min_value=10, max_value=300))
def test_excerpt_is_never_longer_than_asked(text: str, query: str, width: int) -> None:
    assert len(excerpt(text, query, width)) <= width


def test_excerpt_drops_code_fences() -> None:
    assert excerpt("Run:\n```py\nmigrate()\n```", "migrate") == "Run: py migrate()"


@pytest.mark.parametrize(
    ("title", "opening", "expected"),
    [
        ("Migrations fail on staging", "", 4.0),  # two shared words in the title ("migration" ~ "migrations")
        ("Staging is down", "the migration broke it", 3.0),
        ("Unrelated", "nothing in common", 0.0),
    ],
)
def test_similarity_counts_shared_words_titles_double(title: str, opening: str, expected: float) -> None:
    assert similarity(["migration", "staging"], title, opening) == expected
