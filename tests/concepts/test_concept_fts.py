"""The FTS5 query builder: member text never reaches MATCH raw, and any text gives a query SQLite accepts."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.database import load_migrations, split_statements
from cogs.concepts.fts import MAX_PHRASES, build_match_query, phrases, scope_token, scoped

GUILD = 5
SEARCH = "SELECT d.name FROM concept_fts JOIN concept_documents d ON d.id = concept_fts.rowid WHERE concept_fts MATCH ?"


@pytest.fixture(scope="module")
def fts() -> Iterator[sqlite3.Connection]:
    """The real concept_fts schema (from the migration), with a few documents in guild 0, GUILD and another guild."""
    connection = sqlite3.connect(":memory:")
    migration = next(item for item in load_migrations() if item.name == "0002_concepts.sql")
    for statement in split_statements(migration.sql):
        connection.execute(statement)
    connection.executemany(
        "INSERT INTO concept_documents (guild_id, slug, scope, name, aliases, summary, details) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (0, "a", "g0", "select_related and prefetch_related", "eager loading", "Fewer queries", "NEAR the db"),
            (0, "b", "g0", "Caching", "cache", "Keep results", "AND OR NOT are words here"),
            (GUILD, "c", f"g{GUILD}", "Node.js", "node", "JavaScript runtime", "Café crème"),
            (7, "d", "g7", "Caching elsewhere", "", "Another guild's concept", "cache"),
        ],
    )
    yield connection
    connection.close()


def matches(connection: sqlite3.Connection, text: str, *, any_phrase: bool = False) -> list[str]:
    query = build_match_query(text, any_phrase=any_phrase)
    if query is None:
        return []
    return [row[0] for row in connection.execute(SEARCH + " ORDER BY d.id", (scoped(query, (0, GUILD)),))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cache", '"cache" *'),
        ("  Django   ORM ", '"Django" AND "ORM" *'),
        ("select_related", '"select related" *'),
        ('"unbalanced', '"unbalanced" *'),
        ("NEAR(a b)", '"NEAR a" AND "b" *'),
        ("a AND b OR NOT c", '"b" AND "NOT" AND "c" *'),  # operators are words; stopwords dropped
        ("how do I cache a Django view?", '"cache" AND "Django" AND "view" *'),
        ("how to", '"how" AND "to" *'),  # nothing but stopwords: kept
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


def test_scoped_restricts_guilds_and_columns() -> None:
    assert scoped('"x" *', (0, 5, 0)) == 'scope : ("g0" OR "g5") AND {name aliases summary details} : ("x" *)'
    assert scope_token(123) == "g123"


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
        ("g0", []),  # the scope tokens are not searchable text
        (f"g{GUILD}", []),
        ("elsewhere", []),  # another guild's concept
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
    fts.execute(SEARCH, (scoped(query, (0, GUILD)),)).fetchall()  # raises on a syntax error


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
            fts.execute(SEARCH, (scoped(query, (0, GUILD)),)).fetchall()


@pytest.mark.parametrize(
    ("text", "expected"), [("cached", ["Caching"]), ("query", ["select_related and prefetch_related"])]
)
def test_english_stems_match(fts: sqlite3.Connection, text: str, expected: list[str]) -> None:
    assert matches(fts, text) == expected
