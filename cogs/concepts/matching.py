"""Typo-tolerant lookup and ranking of concept names and aliases. Pure: no discord, no database.

Two measures from rapidfuzz, on purpose:

- ``fuzz.ratio`` (edit similarity of the whole text) decides whether a typo is close enough to open a concept
  directly ("djnago" → Django), because it does not reward a short query for appearing inside a long name;
- for suggestions and autocomplete, the best of ``fuzz.ratio`` and ``fuzz.partial_ratio`` × 0.9 (the heart of
  ``WRatio``, at under half its cost: autocomplete runs on every keystroke), so that a typo inside a long name
  ("prefech") still finds "select_related and prefetch_related".

Exact, prefix and substring matches rank above every fuzzy one.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from cogs.concepts.catalogue import Catalogue, Entry, TermList, normalise

MINIMUM_CERTAINTY = 75
"""Fuzzy score (0-100) below which a name is not worth suggesting."""
DIRECT_MATCH_CERTAINTY = 80
"""Edit similarity (0-100) from which a typo opens the concept directly, when unambiguous."""
AMBIGUITY_MARGIN = 8
"""A direct match must beat the best other concept by at least this much; otherwise the member chooses."""
AUTOCOMPLETE_FUZZY_CUTOFF = 60
"""Fuzzy score below which autocomplete does not offer a match."""
PARTIAL_WEIGHT = 0.9
"""How much a partial match (the query inside a longer term, or the reverse) counts against a whole-text match."""
FUZZY_MIN_QUERY_LENGTH = 3
"""Shorter inputs match by prefix or substring only: fuzzy scores on one or two letters are noise."""
FUZZY_POOL_FACTOR = 4
"""Fuzzy candidates kept per measure, as a multiple of the choices wanted (several terms may share a concept)."""
AUTOCOMPLETE_LIMIT = 25  # Discord refuses more than 25 choices
SUGGESTION_LIMIT = 5
SEARCH_LIMIT = 10

# Scores of the exact tiers, above any fuzzy score (fuzzy ones are scaled below SUBSTRING_SCORE).
EXACT_SCORE = 400.0
PREFIX_SCORE = 300.0
WORD_PREFIX_SCORE = 200.0
SUBSTRING_SCORE = 100.0


@dataclass(frozen=True)
class Match:
    """A concept found for a query, through one of its terms."""

    entry: Entry
    term: str
    score: float

    @property
    def via_alias(self) -> bool:
        """Whether the term that matched is an alias rather than the name."""
        return normalise(self.term) != normalise(self.entry.name)


@dataclass(frozen=True)
class Resolution:
    """What a typed name resolves to: a concept (exactly or through a confident typo match) or suggestions."""

    entry: Entry | None
    exact: bool = False
    suggestions: tuple[Entry, ...] = ()


def _tier(query: str, key: str) -> float:
    """The exact-tier score of `key` for `query` (0 when only fuzzy matching could relate them)."""
    position = key.find(query)
    if position < 0:
        return 0.0
    if key == query:
        return EXACT_SCORE
    if position == 0:
        return PREFIX_SCORE - len(key) / 100
    if not key[position - 1].isalnum():
        return WORD_PREFIX_SCORE - len(key) / 100
    return SUBSTRING_SCORE - len(key) / 100


class _Best:
    """The best-scoring term of each concept seen so far (on a tie, the concept's name beats an alias)."""

    def __init__(self, terms: TermList) -> None:
        self.terms = terms
        self.by_slug: dict[str, tuple[float, bool, int]] = {}

    def offer(self, score: float, index: int) -> None:
        slug = self.terms.slugs[index]
        candidate = (score, self.terms.is_name[index], index)
        current = self.by_slug.get(slug)
        if current is None or candidate[:2] > current[:2]:
            self.by_slug[slug] = candidate

    def top(self, limit: int) -> list[Match]:
        terms = self.terms
        chosen = heapq.nsmallest(
            limit, self.by_slug.values(), key=lambda item: (-item[0], terms.sort_names[item[2]], terms.slugs[item[2]])
        )
        return [Match(terms.entries[index], terms.texts[index], score) for score, _, index in chosen]


def rank(query: str, terms: TermList, limit: int, *, fuzzy_cutoff: float = AUTOCOMPLETE_FUZZY_CUTOFF) -> list[Match]:
    """Concepts whose name or alias matches `query`, best first, one match per concept, at most `limit`.

    Exact, prefix, word-prefix and substring matches come first (shorter terms first within a tier), then fuzzy
    matches scoring at least `fuzzy_cutoff` (looked for only when the exact tiers leave room).
    """
    needle = normalise(query)
    if not needle or limit <= 0:
        return []
    best = _Best(terms)
    tiered: set[int] = set()
    for index, key in enumerate(terms.keys):
        if needle in key:
            best.offer(_tier(needle, key), index)
            tiered.add(index)
    if len(needle) >= FUZZY_MIN_QUERY_LENGTH and len(best.by_slug) < limit:
        # Scaled into (0, SUBSTRING_SCORE - 1): every exact-tier match outranks every fuzzy one.
        for index, score in fuzzy_scores(needle, terms.keys, fuzzy_cutoff, pool=limit * FUZZY_POOL_FACTOR).items():
            if index not in tiered:
                best.offer(score * 0.9, index)
    return best.top(limit)


def fuzzy_scores(needle: str, keys: Sequence[str], cutoff: float, *, pool: int | None = None) -> dict[int, float]:
    """Index → score of keys scoring at least `cutoff`: the best of whole-text and weighted partial similarity.

    With `pool`, only that many best keys per measure are kept (enough to fill a short list, much cheaper).
    """
    scores: dict[int, float] = {
        index: score
        for _, score, index in process.extract(
            needle, keys, scorer=fuzz.ratio, processor=None, score_cutoff=cutoff, limit=pool
        )
    }
    partial = process.extract(
        needle, keys, scorer=fuzz.partial_ratio, processor=None, score_cutoff=cutoff / PARTIAL_WEIGHT, limit=pool
    )
    for _, score, index in partial:
        weighted = score * PARTIAL_WEIGHT
        if weighted > scores.get(index, 0.0):
            scores[index] = weighted
    return scores


def autocomplete(query: str, catalogue: Catalogue, *, include_hidden: bool = False) -> list[Match]:
    """Up to 25 concepts for an autocomplete input; an empty input offers beginner concepts first, then A to Z."""
    terms = catalogue.all_terms if include_hidden else catalogue.visible_terms
    if not normalise(query):
        starters = catalogue.starters_all if include_hidden else catalogue.starters
        return [Match(entry, entry.name, 0.0) for entry in starters[:AUTOCOMPLETE_LIMIT]]
    return rank(query, terms, AUTOCOMPLETE_LIMIT)


def suggest(query: str, terms: TermList, limit: int = SUGGESTION_LIMIT) -> list[Entry]:
    """The closest concepts to a name that matched nothing ("did you mean …")."""
    return [match.entry for match in rank(query, terms, limit, fuzzy_cutoff=MINIMUM_CERTAINTY)]


def closest_by_edits(query: str, terms: TermList) -> list[tuple[float, Entry]]:
    """Each concept's best edit similarity to `query`, best first (concepts below MINIMUM_CERTAINTY left out)."""
    needle = normalise(query)
    found = process.extract(
        needle, terms.keys, scorer=fuzz.ratio, processor=None, score_cutoff=MINIMUM_CERTAINTY, limit=None
    )
    best: dict[str, tuple[float, Entry]] = {}
    for _, score, index in found:
        entry = terms.entries[index]
        if entry.slug not in best or score > best[entry.slug][0]:
            best[entry.slug] = (score, entry)
    return sorted(best.values(), key=lambda item: (-item[0], item[1].slug))


def resolve(query: str, catalogue: Catalogue, *, include_hidden: bool = False, allow_typos: bool = True) -> Resolution:
    """What a typed name means: the exact concept, else an unambiguous close typo (if allowed), else suggestions."""
    exact = catalogue.find_exact(query, include_hidden=include_hidden)
    if exact is not None:
        return Resolution(exact, exact=True)
    terms = catalogue.all_terms if include_hidden else catalogue.visible_terms
    if not normalise(query):
        return Resolution(None)
    if allow_typos:
        close = closest_by_edits(query, terms)
        if close and close[0][0] >= DIRECT_MATCH_CERTAINTY:
            runner_up = close[1][0] if len(close) > 1 else 0.0
            if close[0][0] - runner_up >= AMBIGUITY_MARGIN:
                return Resolution(close[0][1])
    return Resolution(None, suggestions=tuple(suggest(query, terms)))


def promote_exact(query: str, found: Sequence[Entry], catalogue: Catalogue, limit: int = SEARCH_LIMIT) -> list[Entry]:
    """Search results with the concept the query names exactly (name, alias or slug) first, whatever its rank."""
    exact = catalogue.find_exact(query)
    if exact is None:
        return list(found)[:limit]
    return [exact, *(entry for entry in found if entry.slug != exact.slug)][:limit]


def fuzzy_search(query: str, catalogue: Catalogue, limit: int = SEARCH_LIMIT) -> list[Entry]:
    """A fallback for full-text search: concepts whose name or alias is close to the query."""
    return [match.entry for match in rank(query, catalogue.visible_terms, limit, fuzzy_cutoff=MINIMUM_CERTAINTY)]


def choice_label(match: Match, *, limit: int = 100, hidden_marker: str = " · hidden") -> str:
    """How an autocomplete choice reads: the name, the alias that matched in brackets, a hidden marker."""
    entry = match.entry
    suffix = hidden_marker if entry.hidden else ""
    label = f"{entry.name} ({match.term}){suffix}" if match.via_alias else f"{entry.name}{suffix}"
    if len(label) <= limit:
        return label
    room = max(limit - len(suffix), 2)
    name = entry.name if len(entry.name) <= room else entry.name[: room - 1] + "…"
    return f"{name}{suffix}"[:limit]


def names(entries: Sequence[Entry]) -> list[str]:
    """The names of `entries`, in order."""
    return [entry.name for entry in entries]
