"""Safe SQLite FTS5 queries from whatever a member types. Pure: no discord, no database.

A member's text never reaches MATCH as it is: FTS5 gives meaning to quotes, `*`, `^`, `:`, parentheses, `+`, and the
words AND, OR, NOT and NEAR, so "C++ (Django) NOT working" would be a syntax error or a different question. Instead
the text is cut into words the way the `unicode61` tokenizer cuts it (runs of letters and digits), and every word is
put inside double quotes, where FTS5 reads it as plain text. The only syntax added is ours.
"""

from __future__ import annotations

import re
from typing import Literal

MAX_TERMS = 12
MAX_TERM_LENGTH = 40
Mode = Literal["all", "any"]

_WORD = re.compile(r"[^\W_]+")

# Words too common to say anything about a challenge. Dropped unless a query consists of nothing else.
_STOPWORDS_TEXT = """
    a about after again all also am an and any are as at be because been before being but by can cannot could did
    do does doing don down during each even ever for from get gets getting got had has have having he her here hers
    him his how i if in into is isn it its just keep kept me more most my no nor not now of off on once only or other
    our out over own same she should so some still such than that the their them then there these they this those
    through to too under until up us very was we were what when where which while who why will with won would you
    your
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


def terms(text: str, *, limit: int = MAX_TERMS) -> list[str]:
    """The distinct lowercase words of `text` in order, without stopwords (unless that leaves none), at most `limit`."""
    words: list[str] = []
    for match in _WORD.finditer(text.casefold()):
        word = match.group()[:MAX_TERM_LENGTH]
        if word not in words:
            words.append(word)
    meaningful = [word for word in words if word not in STOPWORDS]
    return (meaningful or words)[:limit]


def quote(term: str) -> str:
    """An FTS5 string: inside double quotes every character is plain text (a quote is written twice)."""
    return '"' + term.replace('"', '""') + '"'


def build_match_query(
    text: str,
    *,
    mode: Mode = "all",
    prefix_last: bool = False,
    columns: tuple[str, ...] = (),
    limit: int = MAX_TERMS,
) -> str | None:
    """A MATCH expression for `text`, or None when it holds no searchable word.

    mode "all" requires every word (implicit AND); "any" ranks documents holding any of them (OR).
    prefix_last makes the last word a prefix ("migr" finds "migrations"), for search-as-you-type.
    columns restricts the match to those columns; they come from our code, never from members.
    """
    words = terms(text, limit=limit)
    if not words:
        return None
    quoted = [quote(word) for word in words]
    if prefix_last:
        quoted[-1] += "*"
    expression = (" OR " if mode == "any" else " ").join(quoted)
    if columns:
        for column in columns:
            if not column.isidentifier():
                raise ValueError(f"not a column name: {column!r}")
        expression = "{" + " ".join(columns) + "} : (" + expression + ")"
    return expression


def with_tag(match: str, tag: str) -> str:
    """`match` restricted to challenges whose tags column holds `tag` as a phrase (its words in order).

    This only narrows what the index walks; the caller still checks the exact tag, since "ci-cd" as a phrase also
    matches tags "ci" followed by "cd", and stemming makes "migration" match "migrations".
    """
    words = _WORD.findall(tag.casefold())
    if not words:
        return match
    return f"({match}) AND tags : {quote(' '.join(words))}"
