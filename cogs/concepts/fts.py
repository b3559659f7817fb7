"""Turning a member's search text into a safe FTS5 MATCH expression. Pure: no discord, no database.

Member text is never handed to MATCH as it is: FTS5 gives meaning to quotes, `*`, `^`, `:`, `-`, `+`, parentheses
and the words AND, OR, NOT and NEAR, and a stray one is a syntax error (or a column filter). Instead the text is cut
into words, each whitespace-separated chunk becomes one double-quoted phrase (inside quotes every operator is plain
text), and the last phrase gets a trailing `*` so that a word being typed matches as a prefix.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

QUERY_MAX_LENGTH = 200
"""Members' search text is refused above this length (checked by the cog with a clear message)."""
MAX_PHRASES = 12
"""Bound the work one query can cause: later chunks are ignored."""

SCOPE_COLUMN = "scope"
TEXT_COLUMNS = ("name", "aliases", "summary", "details")
"""The columns of concept_fts that hold member-visible text (bot/migrations/0002_concepts.sql)."""

HEADLINE_COLUMNS = ("name", "aliases", "summary")
"""The short, high-weight columns: a broad query is first ranked on these alone (see ConceptStore.search)."""
STOPWORDS = frozenset(
    {
        "a", "about", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from", "how", "i", "if",
        "in", "into", "is", "it", "its", "me", "my", "of", "on", "or", "so", "that", "the", "their", "then", "there",
        "these", "this", "to", "was", "what", "when", "where", "which", "who", "why", "will", "with", "you", "your",
    }
)  # fmt: skip
"""Words that say nothing about a concept. Dropped from a query that holds other words: they only slow it down
and, with "all words must match", make "how do I cache a view" find nothing."""

# Letters and digits, which is what FTS5's unicode61 tokenizer keeps; everything else separates tokens.
_TOKEN = re.compile(r"[^\W_]+")


def tokens(text: str) -> list[str]:
    """The words of `text` as the index sees them (case is left to the tokenizer)."""
    return _TOKEN.findall(text)


def phrases(text: str) -> list[str]:
    """One phrase per whitespace-separated chunk that holds a word ("select_related" → "select related").

    Stopword-only chunks are left out, unless nothing else is left.
    """
    found = []
    for chunk in text.split():
        words = tokens(chunk)
        if words:
            found.append(" ".join(words))
    meaningful = [phrase for phrase in found if not all(word.lower() in STOPWORDS for word in phrase.split())]
    return (meaningful or found)[:MAX_PHRASES]


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


def scope_token(guild_id: int) -> str:
    """The token that marks a document's guild in the scope column (0 for curated concepts)."""
    return f"g{guild_id}"


def scoped(match: str, guild_ids: Iterable[int], columns: Sequence[str] = TEXT_COLUMNS) -> str:
    """Restrict a query built by `build_match_query` to the given guilds' documents, and to text `columns`.

    The column filter matters: without it, a member searching "g0" would match every curated concept's scope.
    """
    scopes = " OR ".join(quote(scope_token(guild_id)) for guild_id in dict.fromkeys(guild_ids))
    return f"{SCOPE_COLUMN} : ({scopes}) AND {{{' '.join(columns)}}} : ({match})"
