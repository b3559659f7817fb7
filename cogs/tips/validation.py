"""Checks of what a member types into the `/tip suggest` modal. Pure: no discord, no database.

Each check returns the cleaned value or raises `ValueError` with the sentence the member will read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from rapidfuzz import fuzz, process, utils

from bot.content import TIP_BODY_MAX_LENGTH, TIP_TITLE_MAX_LENGTH, Category, is_slug, slugify

LINK_MAX_LENGTH: Final = 500
MINIMUM_CERTAINTY: Final = 70  # rapidfuzz WRatio score below which a category or concept is not suggested
SUGGESTION_LIMIT: Final = 3


@dataclass(frozen=True)
class SuggestedTip:
    """A suggestion's fields, checked and cleaned."""

    title: str
    body: str
    category: Category
    concept: str | None
    link: str | None


def check_title(text: str) -> str:
    """A title of 1 to TIP_TITLE_MAX_LENGTH characters, on one line."""
    title = " ".join(text.split())
    if not title:
        raise ValueError("The title is empty: give your tip a short title.")
    if len(title) > TIP_TITLE_MAX_LENGTH:
        raise ValueError(f"The title is {len(title)} characters long; keep it to at most {TIP_TITLE_MAX_LENGTH}.")
    return title


def check_body(text: str) -> str:
    """A body of 1 to TIP_BODY_MAX_LENGTH characters."""
    body = text.strip()
    if not body:
        raise ValueError("The tip itself is empty: write what a learner should do, and why.")
    if len(body) > TIP_BODY_MAX_LENGTH:
        raise ValueError(f"The tip is {len(body)} characters long; keep it to at most {TIP_BODY_MAX_LENGTH}.")
    return body


def _closest(text: str, choices: Iterable[str]) -> list[str]:
    matches = process.extract(
        text,
        list(choices),
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=SUGGESTION_LIMIT,
        score_cutoff=MINIMUM_CERTAINTY,
    )
    return [choice for choice, _, _ in matches]


def _did_you_mean(names: list[str]) -> str:
    return f" Did you mean {', '.join(f'`{name}`' for name in names)}?" if names else ""


def check_category(text: str) -> Category:
    """A category, by value ("cicd") or label ("CI/CD"), case-insensitive."""
    wanted = text.strip().casefold()
    for category in Category:
        if wanted in (category.value, category.label.casefold()):
            return category
    known = ", ".join(f"`{category.value}`" for category in Category)
    if not wanted:
        raise ValueError(f"Give the tip a category. The categories are: {known}.")
    close = _closest(text, [category.value for category in Category])
    raise ValueError(f"`{text.strip()}` isn't a tip category.{_did_you_mean(close)} The categories are: {known}.")


def check_concept(text: str, concepts: Mapping[str, str]) -> str | None:
    """An optional concept, by slug, name or alias: `concepts` maps each case-folded term to its concept's slug."""
    wanted = text.strip()
    if not wanted:
        return None
    slug = concepts.get(wanted.casefold()) or concepts.get(slugify(wanted))
    if slug is not None:
        return slug
    close = list(dict.fromkeys(concepts[term] for term in _closest(wanted, concepts)))
    hint = _did_you_mean(close) if close else " Leave it empty if no concept fits."
    shown = wanted if len(wanted) <= 60 else wanted[:59] + "…"
    raise ValueError(f"There's no concept `{shown}` to link to.{hint}")


def check_link(text: str) -> str | None:
    """An optional https link."""
    link = text.strip()
    if not link:
        return None
    if len(link) > LINK_MAX_LENGTH:
        raise ValueError(f"The link is {len(link)} characters long; keep it to at most {LINK_MAX_LENGTH}.")
    try:
        parts = urlsplit(link)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() != "https" or not parts.hostname or any(c.isspace() for c in link):
        raise ValueError("The link must be a full https address, e.g. `https://docs.djangoproject.com/`.")
    return link


def check_suggestion(
    title: str, body: str, category: str, concept: str, link: str, concepts: Mapping[str, str]
) -> SuggestedTip:
    """Check every field of a suggestion; the first problem raises ValueError."""
    return SuggestedTip(
        title=check_title(title),
        body=check_body(body),
        category=check_category(category),
        concept=check_concept(concept, concepts),
        link=check_link(link),
    )


def concept_terms(terms: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The lookup `check_concept` needs, from (term, slug) pairs: names, aliases and slugs, case-folded."""
    lookup: dict[str, str] = {}
    for term, slug in terms:
        if is_slug(slug):
            lookup.setdefault(term.casefold(), slug)
    return lookup
