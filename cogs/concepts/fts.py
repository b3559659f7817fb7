"""Turning a member's search text into a safe FTS5 MATCH expression. Pure: no discord, no database.

Member text is never handed to MATCH as it is: FTS5 gives meaning to quotes, `*`, `^`, `:`, `-`, `+`, parentheses
and the words AND, OR, NOT and NEAR, and a stray one is a syntax error (or a column filter). Instead the text is cut
into words, each whitespace-separated chunk becomes one double-quoted phrase (inside quotes every operator is plain
text), and the last phrase gets a trailing `*` so that a word being typed matches as a prefix.
"""

from __future__ import annotations

import re

QUERY_MAX_LENGTH = 200
"""Members' search text is refused above this length (checked by the cog with a clear message)."""
MAX_PHRASES = 12
"""Bound the work one query can cause: later chunks are ignored."""

# Letters and digits, which is what FTS5's unicode61 tokenizer keeps; everything else separates tokens.
_TOKEN = re.compile(r"[^\W_]+")


def tokens(text: str) -> list[str]:
    """The words of `text` as the index sees them (case is left to the tokenizer)."""
    return _TOKEN.findall(text)


def phrases(text: str) -> list[str]:
    """One phrase per whitespace-separated chunk that holds a word ("select_related" → "select related")."""
    found = []
    for chunk in text.split():
        words = tokens(chunk)
        if words:
            found.append(" ".join(words))
    return found[:MAX_PHRASES]


def quote(phrase: str) -> str:
    """An FTS5 string literal: double quotes, with any inner double quote doubled."""
    return '"' + phrase.replace('"', '""') + '"'


def build_match_query(text: str, *, any_phrase: bool = False) -> str | None:
    """A MATCH expression for `text`, or None when it holds no searchable word.

    All phrases must match by default; with `any_phrase` one is enough (bm25 still ranks documents that match more
    phrases higher), which is the second try for a natural-language question.
    """
    found = phrases(text)
    if not found:
        return None
    quoted = [quote(phrase) for phrase in found]
    quoted[-1] += " *"
    return (" OR " if any_phrase else " AND ").join(quoted)
