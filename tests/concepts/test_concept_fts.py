"""The FTS5 query builder: member text never reaches MATCH raw, and any text gives a query SQLite accepts."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cogs.concepts.fts import MAX_PHRASES, build_match_query, phrases


@pytest.fixture(scope="module")
def fts() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:")
    # The same tokenizer as bot/migrations/0002_concepts.sql.
    connection.execute(
        "CREATE VIRTUAL TABLE t USING fts5(name, aliases, summary, details, tokenize = 'unicode61 remove_diacritics 2')"
    )
    connection.executemany(
        "INSERT INTO t VALUES (?, ?, ?, ?)",
        [
            ("select_related and prefetch_related", "eager loading", "Fewer queries", "NEAR the database"),
            ("Caching", "cache", "Keep results", "AND OR NOT are words here"),
            ("Node.js", "node", "JavaScript runtime", "Café crème"),
        ],
    )
    yield connection
    connection.close()


def matches(connection: sqlite3.Connection, text: str, *, any_phrase: bool = False) -> list[str]:
    query = build_match_query(text, any_phrase=any_phrase)
    if query is None:
        return []
    return [row[0] for row in connection.execute("SELECT name FROM t WHERE t MATCH ? ORDER BY rowid", (query,))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cache", '"cache" *'),
        ("  Django   ORM ", '"Django" AND "ORM" *'),
        ("select_related", '"select related" *'),
        ('"unbalanced', '"unbalanced" *'),
        ("NEAR(a b)", '"NEAR a" AND "b" *'),
        ("a AND b OR NOT c", '"a" AND "AND" AND "b" AND "OR" AND "NOT" AND "c" *'),
        ("name:django ^start", '"name django" AND "start" *'),
        ('* ( ) : ^ - + "', None),
        ("", None),
        ("   ", None),
        ("c++", '"c" *'),
    ],
)
def test_build_match_query_table(text: str, expected: str | None) -> None:
    assert build_match_query(text) == expected


def test_any_phrase_joins_with_or() -> None:
    assert build_match_query("slow queries", any_phrase=True) == '"slow" OR "queries" *'


def test_phrases_are_bounded() -> None:
    assert len(phrases(" ".join(f"w{index}" for index in range(100)))) == MAX_PHRASES


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cach", ["Caching"]),  # prefix on the last word
        ("select_related", ["select_related and prefetch_related"]),
        ("NEAR", ["select_related and prefetch_related"]),  # an operator name is a plain word
        ("AND OR", ["Caching"]),
        ("node.js", ["Node.js"]),
        ("cafe", ["Node.js"]),  # diacritics removed by the tokenizer
        ('"eager', ["select_related and prefetch_related"]),
        ("name:cache", []),  # no column filter: "name cache" is a phrase nobody wrote
    ],
)
def test_queries_find_what_a_member_means(fts: sqlite3.Connection, text: str, expected: list[str]) -> None:
    assert matches(fts, text) == expected


@settings(max_examples=400, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=200), any_phrase=st.booleans())
def test_any_text_gives_a_query_sqlite_accepts(fts: sqlite3.Connection, text: str, any_phrase: bool) -> None:
    query = build_match_query(text, any_phrase=any_phrase)
    if query is None:
        assert not phrases(text)
        return
    fts.execute("SELECT rowid FROM t WHERE t MATCH ?", (query,)).fetchall()  # raises on a syntax error


OPERATOR_SOUP = st.lists(
    st.sampled_from(['"', "*", "NEAR", "AND", "OR", "NOT", "(", ")", ":", "^", "-", "+", "NEAR/2", "{", "}", "name:"])
    | st.text(max_size=5),
    max_size=20,
).map(" ".join)


@settings(max_examples=400, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=OPERATOR_SOUP)
def test_fts_operators_are_harmless(fts: sqlite3.Connection, text: str) -> None:
    for any_phrase in (False, True):
        query = build_match_query(text, any_phrase=any_phrase)
        if query is not None:
            fts.execute("SELECT rowid FROM t WHERE t MATCH ?", (query,)).fetchall()
