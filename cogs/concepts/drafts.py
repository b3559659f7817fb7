"""Checking what a moderator typed into the add/edit modal. Pure: no discord, no database.

The limits are the curated content's own (bot/content.py), so a community concept obeys the same rules as a curated
one. Every problem is reported at once, each in a sentence that says what to change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.content import (
    ALIAS_MAX_LENGTH,
    ALIASES_MAX_COUNT,
    CATEGORY_LABELS,
    CONCEPT_NAME_MAX_LENGTH,
    DETAILS_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    SUMMARY_MIN_LENGTH,
    Category,
)
from cogs.concepts.catalogue import normalise

ALIASES_INPUT_MAX_LENGTH = ALIASES_MAX_COUNT * (ALIAS_MAX_LENGTH + 2)
"""The modal's aliases box: room for the maximum number of aliases at the maximum length, comma-separated."""
CATEGORY_INPUT_MAX_LENGTH = 40

_ALIAS_SEPARATORS = re.compile(r"[,\n]")
_HAS_WORD = re.compile(r"[^\W_]")


class DraftError(ValueError):
    """The modal's text breaks one or more rules; `problems` lists them, the message joins them."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(f"• {problem}" for problem in problems))


@dataclass(frozen=True)
class ConceptDraft:
    """Valid modal text for a concept."""

    name: str
    aliases: tuple[str, ...]
    category: Category
    summary: str
    details: str

    @property
    def terms(self) -> tuple[str, ...]:
        """The name and aliases, which must not name another concept."""
        return (self.name, *self.aliases)


def category_help() -> str:
    """The valid categories, for error messages and the modal's placeholder."""
    return ", ".join(category.value for category in Category)


def parse_category(text: str) -> Category | None:
    """The category typed by value ("databases") or label ("Databases & SQL"), any case; None when unknown."""
    wanted = normalise(text)
    for category in Category:
        if wanted in (category.value, normalise(CATEGORY_LABELS[category])):
            return category
    return None


def parse_aliases(text: str) -> tuple[str, ...]:
    """Comma- or line-separated aliases, trimmed, empty ones and case-insensitive repeats dropped."""
    seen: set[str] = set()
    aliases = []
    for part in _ALIAS_SEPARATORS.split(text):
        alias = " ".join(part.split())
        if alias and normalise(alias) not in seen:
            seen.add(normalise(alias))
            aliases.append(alias)
    return tuple(aliases)


def _length_problem(label: str, text: str, minimum: int, maximum: int) -> str | None:
    if not text:
        return f"The {label} can't be empty."
    if len(text) < minimum:
        return f"The {label} is {len(text)} characters long; write at least {minimum}."
    if len(text) > maximum:
        return f"The {label} is {len(text):,} characters long; the limit is {maximum:,}."
    return None


def parse_draft(name: str, aliases: str, category: str, summary: str, details: str) -> ConceptDraft:
    """Check and tidy the five modal fields; raises DraftError listing every problem."""
    problems: list[str] = []
    name = " ".join(name.split())
    if problem := _length_problem("name", name, 1, CONCEPT_NAME_MAX_LENGTH):
        problems.append(problem)
    elif not _HAS_WORD.search(name):
        problems.append("The name needs at least one letter or digit.")

    alias_list = tuple(alias for alias in parse_aliases(aliases) if normalise(alias) != normalise(name))
    if len(alias_list) > ALIASES_MAX_COUNT:
        problems.append(f"That's {len(alias_list)} aliases; the limit is {ALIASES_MAX_COUNT}.")
    for alias in alias_list:
        if len(alias) > ALIAS_MAX_LENGTH:
            problems.append(
                f"The alias “{alias[:20]}…” is {len(alias)} characters long; the limit is {ALIAS_MAX_LENGTH}."
            )

    parsed_category = parse_category(category)
    if parsed_category is None:
        shown = " ".join(category.split())[:CATEGORY_INPUT_MAX_LENGTH]
        problems.append(
            (f"“{shown}” isn't a category." if shown else "The category can't be empty.")
            + f" Use one of: {category_help()}."
        )

    # The summary is shown on one line (lists, search results), so line breaks become spaces.
    summary = " ".join(summary.split())
    if problem := _length_problem("summary", summary, SUMMARY_MIN_LENGTH, SUMMARY_MAX_LENGTH):
        problems.append(problem)

    details = details.strip()
    if problem := _length_problem("details", details, 1, DETAILS_MAX_LENGTH):
        problems.append(problem)

    if problems or parsed_category is None:
        raise DraftError(problems)
    return ConceptDraft(name, alias_list, parsed_category, summary, details)
