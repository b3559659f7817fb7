"""Safe FTS5 queries from member text: whatever is typed, SQLite accepts the query and FTS syntax stays inert."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cogs.challenges.fts import MAX_TERM_LENGTH, MAX_TERMS, build_match_query, quote, terms, with_tag

TOKENIZER = "porter unicode61 remove_diacritics 2"  # as in bot/migrations/0003_challenges.sql


@pytest.fixture(scope="module")
def fts() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:")
    connection.execute(
        f"CREATE VIRTUAL TABLE docs USING fts5 (title, description, tags, solutions, tokenize = '{TOKENIZER}')"
    )
    rows = [
        ("Migrations break on staging", "column does not exist", "django migrations", ""),
        ("N+1 queries in the orders list", "450 queries per page", "django orm n+1", "select_related"),
        ("C++ extension won't build", "NEAR the AND gate (really)", "c++ build", ""),
        ("Rate limiting the API", 'AND OR NOT NEAR * ^ : " ( )', "drf", "throttling"),
    ]
    connection.executemany("INSERT INTO docs VALUES (?, ?, ?, ?)", rows)
    yield connection
    connection.close()


def matches(connection: sqlite3.Connection, query: str | None) -> list[int]:
    if query is None:
        return []
    return [row[0] for row in connection.execute("SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY rank", (query,))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Migrations on staging", ['"migrations"', '"staging"']),
        ("how do I fix the migrations", ['"fix"', '"migrations"']),
        ("the and of", ['"the"', '"and"', '"of"']),  # only stopwords: keep them rather than nothing
        ('say "hello" NEAR(world)', ['"say"', '"hello"', '"near"', '"world"']),
        ("n+1", ['"n"', '"1"']),
        ("select_related", ['"select"', '"related"']),
        ("Ça marche? Déjà vu", ['"ça"', '"marche"', '"déjà"', '"vu"']),
        ("***", []),
        ("", []),
    ],
)
def test_terms_are_quoted_words(text: str, expected: list[str]) -> None:
    assert [quote(term) for term in terms(text)] == expected


def test_build_modes() -> None:
    assert build_match_query("migrations staging") == '"migrations" "staging"'
    assert build_match_query("migrations staging", mode="any") == '"migrations" OR "staging"'
    assert build_match_query("migr", prefix_last=True) == '"migr"*'
    assert build_match_query("x y", columns=("title", "tags")) == '{title tags} : ("x" "y")'
    assert build_match_query("?!") is None
    with pytest.raises(ValueError, match="not a column"):
        build_match_query("x", columns=("title) OR (",))


def test_limits() -> None:
    many = " ".join(f"word{i}" for i in range(50))
    assert len(terms(many)) == MAX_TERMS
    assert terms("a" * 500) == ["a" * MAX_TERM_LENGTH]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("migrations staging", [1]),
        ("migration", [1]),  # porter: migration ~ migrations
        ("NEAR AND", [3, 4]),  # FTS keywords are plain words here
        ('AND OR NOT NEAR * ^ : " ( )', [3, 4]),  # stopwords dropped, NEAR is a word
        ("c++", [3]),
        ("n+1", [2]),
        ("select_related", [2]),
        ("(", []),
    ],
)
def test_member_syntax_is_searched_as_text(fts: sqlite3.Connection, text: str, expected: list[int]) -> None:
    assert sorted(matches(fts, build_match_query(text))) == expected


def test_prefix_finds_words_being_typed(fts: sqlite3.Connection) -> None:
    assert matches(fts, build_match_query("thrott", prefix_last=True)) == [4]
    assert matches(fts, build_match_query("stag", prefix_last=True, columns=("title", "tags"))) == [1]


@settings(max_examples=400, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.text(max_size=200),
    mode=st.sampled_from(["all", "any"]),
    prefix=st.booleans(),
    columns=st.sampled_from([(), ("title",), ("title", "description"), ("tags", "solutions")]),
)
def test_any_text_gives_a_query_sqlite_accepts(
    fts: sqlite3.Connection, text: str, mode: str, prefix: bool, columns: tuple[str, ...]
) -> None:
    query = build_match_query(text, mode=mode, prefix_last=prefix, columns=columns)  # type: ignore[arg-type]
    if query is None:
        assert not terms(text)
        return
    matches(fts, query)  # raises sqlite3.OperationalError on a syntax error


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.sampled_from(
            [
                '"',
                "*",
                "^",
                ":",
                "(",
                ")",
                "{",
                "}",
                "-",
                "+",
                " AND ",
                " OR ",
                " NOT ",
                "NEAR",
                "NEAR(",
                ",",
                "'",
                "\\",
                "\x00",
                "title:",
                "\u0301",
                "_",
            ]
        ),
        max_size=20,
    )
)
def test_fts_syntax_soup_is_harmless(fts: sqlite3.Connection, parts: list[str]) -> None:
    text = "".join(parts)
    matches(fts, build_match_query(text))
    matches(fts, build_match_query(text, mode="any", prefix_last=True, columns=("title",)))


def test_with_tag_narrows_to_the_tags_column(fts: sqlite3.Connection) -> None:
    query = build_match_query("queries")
    assert query is not None
    assert with_tag(query, "n+1") == '("queries") AND tags : "n 1"'
    assert matches(fts, with_tag(query, "n+1")) == [2]
    assert matches(fts, with_tag(query, "django")) == [2]
    assert matches(fts, with_tag(query, "drf")) == []
    assert with_tag(query, "+++") == query


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=100), tag=st.text(max_size=30), mode=st.sampled_from(["all", "any"]))
def test_any_text_with_any_tag_gives_a_query_sqlite_accepts(
    fts: sqlite3.Connection, text: str, tag: str, mode: str
) -> None:
    query = build_match_query(text, mode=mode)  # type: ignore[arg-type]
    if query is not None:
        matches(fts, with_tag(query, tag))
