"""The concepts one guild sees: curated ones (as edited or hidden there) and its community ones. Pure: no discord/SQL.

A :class:`Catalogue` is built from the curated content and the guild's rows (:class:`OverrideRow`,
:class:`CommunityRow`) and answers exact lookups, name clashes and the term lists the fuzzy matcher works on.

Precedence: a community concept whose slug equals a curated slug (possible only when a later release adds a curated
concept under a slug a guild already used) shadows the curated one in that guild, so that links to it keep working.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

from bot.content import SLUG_MAX_LENGTH, Category, Concept, Level, slugify

log = logging.getLogger(__name__)

LEVEL_ORDER: dict[Level | None, int] = {Level.BEGINNER: 0, Level.INTERMEDIATE: 1, Level.ADVANCED: 2, None: 3}
CATEGORY_ORDER: dict[Category, int] = {category: index for index, category in enumerate(Category)}


class Origin(StrEnum):
    """Where a concept's text comes from."""

    CURATED = "curated"
    EDITED = "edited"  # curated, with this guild's edits
    COMMUNITY = "community"


class ConceptClashError(Exception):
    """A name or alias is already used by another concept; the message says which."""


class UnknownConceptError(LookupError):
    """No concept with this slug in the guild (or not one the action applies to)."""


def normalise(text: str) -> str:
    """The form terms are compared in: case-folded, whitespace collapsed."""
    return " ".join(text.casefold().split())


def parse_category(value: str) -> Category:
    """A stored category value; an unknown one (a category retired by a later release) falls back to the first."""
    try:
        return Category(value)
    except ValueError:
        fallback = next(iter(Category))
        log.warning("Unknown concept category %r in the database; showing it under %s", value, fallback)
        return fallback


@dataclass(frozen=True)
class OverrideRow:
    """A guild's change to a curated concept: None fields keep the curated text."""

    slug: str
    hidden: bool
    name: str | None
    aliases: tuple[str, ...] | None
    category: str | None
    summary: str | None
    details: str | None
    updated_by: int
    updated_at: str

    @property
    def has_edits(self) -> bool:
        """Whether any text differs from the curated file."""
        return any(value is not None for value in (self.name, self.aliases, self.category, self.summary, self.details))


@dataclass(frozen=True)
class CommunityRow:
    """A concept a guild's moderators added."""

    slug: str
    name: str
    aliases: tuple[str, ...]
    category: str
    summary: str
    details: str
    created_by: int
    created_at: str
    updated_by: int | None = None
    updated_at: str | None = None


@dataclass(frozen=True)
class Entry:
    """One concept as a guild sees it."""

    slug: str
    name: str
    aliases: tuple[str, ...]
    category: Category
    summary: str
    details: str
    origin: Origin
    hidden: bool = False
    curated: Concept | None = field(default=None, compare=False, repr=False)

    @property
    def terms(self) -> tuple[str, ...]:
        """What a member may type to find it: name, aliases, slug."""
        return (self.name, *self.aliases, self.slug)

    @property
    def level(self) -> Level | None:
        """The curated level; community concepts have none."""
        return self.curated.level if self.curated else None

    @property
    def is_curated(self) -> bool:
        """Curated (possibly edited here) rather than community-added."""
        return self.origin is not Origin.COMMUNITY


def curated_entry(concept: Concept) -> Entry:
    """A curated concept as it reads in the file."""
    return Entry(
        slug=concept.slug,
        name=concept.name,
        aliases=tuple(concept.aliases),
        category=concept.category,
        summary=concept.summary,
        details=concept.details,
        origin=Origin.CURATED,
        curated=concept,
    )


def apply_override(concept: Concept, override: OverrideRow | None) -> Entry:
    """A curated concept with a guild's edits and hidden flag."""
    entry = curated_entry(concept)
    if override is None:
        return entry
    return Entry(
        slug=concept.slug,
        name=override.name if override.name is not None else entry.name,
        aliases=override.aliases if override.aliases is not None else entry.aliases,
        category=parse_category(override.category) if override.category is not None else entry.category,
        summary=override.summary if override.summary is not None else entry.summary,
        details=override.details if override.details is not None else entry.details,
        origin=Origin.EDITED if override.has_edits else Origin.CURATED,
        hidden=override.hidden,
        curated=concept,
    )


def community_entry(row: CommunityRow) -> Entry:
    """A community concept."""
    return Entry(
        slug=row.slug,
        name=row.name,
        aliases=row.aliases,
        category=parse_category(row.category),
        summary=row.summary,
        details=row.details,
        origin=Origin.COMMUNITY,
    )


def list_order(entry: Entry) -> tuple[int, str, str]:
    """Listing order: category (as the enum lists them), then name."""
    return CATEGORY_ORDER[entry.category], normalise(entry.name), entry.slug


def starter_order(entry: Entry) -> tuple[int, str, str]:
    """What to offer before anything is typed: beginner concepts first, then by name."""
    return LEVEL_ORDER[entry.level], normalise(entry.name), entry.slug


@dataclass(frozen=True)
class TermList:
    """Parallel lists for the matcher: normalised term, its entry, how it is shown, whether it is the entry's name,
    and the entry's slug and sort name (precomputed: autocomplete runs on every keystroke)."""

    keys: list[str]
    entries: list[Entry]
    texts: list[str]
    is_name: list[bool]
    slugs: list[str]
    sort_names: list[str]


class Catalogue:
    """Every concept of one guild, with lookups. Immutable once built; the store rebuilds it after each write."""

    def __init__(self, entries: Iterable[Entry], shadowed: Iterable[str] = ()) -> None:
        self._shadowed = frozenset(shadowed)
        self.entries: tuple[Entry, ...] = tuple(sorted(entries, key=list_order))
        self.visible: tuple[Entry, ...] = tuple(entry for entry in self.entries if not entry.hidden)
        self._by_slug = {entry.slug: entry for entry in self.entries}
        self._by_term_all = self._term_index(self.entries)
        self._by_term_visible = self._term_index(self.visible)

    @staticmethod
    def _term_index(entries: Sequence[Entry]) -> dict[str, Entry]:
        # Names win over aliases, aliases over slugs, should two concepts ever share a term.
        index: dict[str, Entry] = {}
        for entry in entries:
            index.setdefault(normalise(entry.name), entry)
        for entry in entries:
            for alias in entry.aliases:
                index.setdefault(normalise(alias), entry)
        for entry in entries:
            index.setdefault(entry.slug, entry)
        return index

    def __len__(self) -> int:
        return len(self.visible)

    def get(self, slug: str, *, include_hidden: bool = False) -> Entry | None:
        """The concept with this slug, or None (hidden ones only when asked)."""
        entry = self._by_slug.get(slug)
        if entry is None or (entry.hidden and not include_hidden):
            return None
        return entry

    def find_exact(self, text: str, *, include_hidden: bool = False) -> Entry | None:
        """The concept whose slug, name or alias equals `text` (case-insensitive), or None."""
        index = self._by_term_all if include_hidden else self._by_term_visible
        return index.get(normalise(text))

    def related(self, entry: Entry) -> list[Entry]:
        """The visible concepts a curated concept links to, in the file's order."""
        if entry.curated is None:
            return []
        found = (self.get(slug) for slug in entry.curated.related)
        return [item for item in found if item is not None]

    def in_category(self, category: Category | None) -> tuple[Entry, ...]:
        """Visible concepts of one category (all when None), in listing order."""
        if category is None:
            return self.visible
        return tuple(entry for entry in self.visible if entry.category is category)

    @cached_property
    def visible_terms(self) -> TermList:
        """Names, aliases and slugs of visible concepts, for autocomplete and "did you mean"."""
        return self._terms(self.visible)

    @cached_property
    def all_terms(self) -> TermList:
        """Names and aliases of every concept, hidden ones included (for moderators' edit and remove)."""
        return self._terms(self.entries)

    @cached_property
    def stale_curated(self) -> frozenset[str]:
        """Curated slugs whose curated text does not stand for them here (edited, hidden or shadowed)."""
        return (
            frozenset(
                entry.curated.slug
                for entry in self.entries
                if entry.curated is not None and (entry.origin is not Origin.CURATED or entry.hidden)
            )
            | self._shadowed
        )

    @cached_property
    def starters(self) -> tuple[Entry, ...]:
        """Visible concepts in the order offered for an empty autocomplete input."""
        return tuple(sorted(self.visible, key=starter_order))

    @cached_property
    def starters_all(self) -> tuple[Entry, ...]:
        """Every concept in the order offered for an empty autocomplete input (moderators)."""
        return tuple(sorted(self.entries, key=starter_order))

    @staticmethod
    def _terms(entries: Sequence[Entry]) -> TermList:
        terms = TermList([], [], [], [], [], [])
        for entry in entries:
            seen: set[str] = set()
            name = normalise(entry.name)
            # The slug often is the short everyday name ("celery" for "Task queues with Celery"): a term too.
            for text in (entry.name, *entry.aliases, entry.slug.replace("-", " ")):
                key = normalise(text)
                if key and key not in seen:
                    seen.add(key)
                    terms.keys.append(key)
                    terms.entries.append(entry)
                    terms.texts.append(text)
                    terms.is_name.append(key == name)
                    terms.slugs.append(entry.slug)
                    terms.sort_names.append(name)
        return terms

    def clash(self, terms: Iterable[str], *, exclude_slug: str | None = None) -> str | None:
        """Why one of `terms` cannot be used (it names another concept, hidden ones included), or None."""
        for term in terms:
            owner = self._by_term_all.get(normalise(term))
            if owner is None or owner.slug == exclude_slug:
                continue
            if normalise(owner.name) == normalise(term):
                message = f"“{term}” is already the name of the concept “{owner.name}”."
            elif owner.slug == normalise(term):
                message = f"“{term}” already leads to the concept “{owner.name}” (it is that concept's id)."
            else:
                message = f"“{term}” is already an alias of the concept “{owner.name}”."
            if owner.hidden:
                message += f" It is hidden in this server: `/concept edit {owner.name}` brings it back."
            else:
                message += " Pick another name or alias, or edit that concept with `/concept edit`."
            return message
        return None

    def new_slug(self, name: str) -> str:
        """A free slug for a new concept named `name` ("" when the name has no letter or digit)."""
        base = slugify(name)
        if not base:
            return ""
        candidate, number = base, 2
        while candidate in self._by_slug:
            suffix = f"-{number}"
            candidate = base[: SLUG_MAX_LENGTH - len(suffix)].rstrip("-") + suffix
            number += 1
        return candidate


def build_catalogue(
    curated: Sequence[Concept], overrides: Iterable[OverrideRow], community: Iterable[CommunityRow]
) -> Catalogue:
    """One guild's catalogue from the curated content and that guild's rows."""
    by_slug = {row.slug: row for row in overrides}
    community_entries = [community_entry(row) for row in community]
    shadowed = {entry.slug for entry in community_entries}
    curated_entries = [apply_override(concept, by_slug.get(concept.slug)) for concept in curated]
    kept = [entry for entry in curated_entries if entry.slug not in shadowed]
    return Catalogue(kept + community_entries, shadowed={concept.slug for concept in curated} & shadowed)
