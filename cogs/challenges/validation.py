"""What members type into the challenge modals, checked and normalised. Pure: no discord, no database.

Every check raises `InvalidInputError` with the sentence the member reads, saying what to change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.content import (
    CHALLENGE_DESCRIPTION_MAX_LENGTH,
    CHALLENGE_SOLUTION_MAX_LENGTH,
    CHALLENGE_TITLE_MAX_LENGTH,
    TAG_MAX_LENGTH,
    TAGS_MAX_COUNT,
)
from bot.errors import InvalidInputError

TITLE_MAX_LENGTH = CHALLENGE_TITLE_MAX_LENGTH
DESCRIPTION_MAX_LENGTH = CHALLENGE_DESCRIPTION_MAX_LENGTH
SOLUTION_MAX_LENGTH = CHALLENGE_SOLUTION_MAX_LENGTH
TAGS_MAX = TAGS_MAX_COUNT
TAG_MAX = TAG_MAX_LENGTH
TAGS_FIELD_MAX_LENGTH = 200  # what the modal's tags box accepts: 5 tags of 30 characters plus separators
QUERY_MAX_LENGTH = 200

# Tag characters beyond letters and digits: enough for "c#", "c++", "n+1", "ci-cd", "asp.net", "select_related".
_TAG_EXTRA_CHARS = frozenset("+#.-_")
_TAG_SEPARATORS = re.compile(r"[,\n;]")
_WHITESPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"^\s*(?:#|s|solution\s*)?\s*([0-9]{1,9})\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class ChallengeInput:
    """A checked `/challenge log` submission."""

    title: str
    description: str
    solution: str | None
    tags: tuple[str, ...]


def clean_text(text: str | None) -> str:
    """Strip surrounding whitespace and drop characters that only hide text (NUL); keep the member's line breaks."""
    return (text or "").replace("\x00", "").strip()


def require_text(text: str | None, field: str, limit: int) -> str:
    """The stripped text, or a clear error when it is empty or longer than `limit`."""
    cleaned = clean_text(text)
    if not cleaned:
        raise InvalidInputError(f"The {field} can't be empty. Write a few words and try again.")
    if len(cleaned) > limit:
        raise InvalidInputError(
            f"The {field} is {len(cleaned):,} characters long; the limit is {limit:,}. Shorten it and try again."
        )
    return cleaned


def optional_text(text: str | None, field: str, limit: int) -> str | None:
    """Like `require_text`, but an empty field is allowed and gives None."""
    cleaned = clean_text(text)
    if not cleaned:
        return None
    return require_text(cleaned, field, limit)


def _shown(text: str) -> str:
    """Member text quoted inside `backticks` in an answer: short, and unable to close the quote."""
    return text[:TAG_MAX].replace("`", "'")


def normalise_tag(raw: str) -> str:
    """One tag, lowercase, inner spaces as hyphens ("Rate limiting" -> "rate-limiting"); a leading '#' is dropped.

    Raises InvalidInputError for a tag that is too long or holds characters other than letters, digits and + # . - _.
    """
    tag = _WHITESPACE.sub("-", raw.strip().casefold())
    if tag.startswith("#") and len(tag) > 1:
        tag = tag[1:]  # "#django" is how people write tags in chat
    bad = sorted({char for char in tag if not (char.isalnum() or char in _TAG_EXTRA_CHARS)})
    if bad:
        shown = " ".join(repr(char) for char in bad[:5])
        raise InvalidInputError(
            f"The tag `{_shown(tag)}` contains {shown}: tags may only use letters, digits and + # . - _"
        )
    if not any(char.isalnum() for char in tag):
        raise InvalidInputError(f"The tag `{_shown(tag)}` needs at least one letter or digit.")
    if len(tag) > TAG_MAX:
        raise InvalidInputError(f"The tag `{_shown(tag)}…` is longer than {TAG_MAX} characters. Shorten it.")
    return tag


def parse_tags(text: str | None) -> tuple[str, ...]:
    """Comma-separated tags -> distinct normalised tags in the order given; at most TAGS_MAX."""
    cleaned = clean_text(text)
    if not cleaned:
        return ()
    if len(cleaned) > TAGS_FIELD_MAX_LENGTH:
        raise InvalidInputError(f"The tags field is limited to {TAGS_FIELD_MAX_LENGTH} characters.")
    tags: list[str] = []
    for part in _TAG_SEPARATORS.split(cleaned):
        if not part.strip():
            continue
        tag = normalise_tag(part)
        if tag not in tags:
            tags.append(tag)
    if len(tags) > TAGS_MAX:
        raise InvalidInputError(
            f"That's {len(tags)} tags; a challenge can have at most {TAGS_MAX}. Keep the most telling ones."
        )
    return tuple(tags)


def parse_tag_filter(text: str | None) -> str | None:
    """The `tag` option of search and list: one normalised tag, or None when empty."""
    cleaned = clean_text(text)
    if not cleaned:
        return None
    return normalise_tag(cleaned)


def validate_challenge(
    title: str | None, description: str | None, solution: str | None, tags: str | None
) -> ChallengeInput:
    """Check a `/challenge log` modal; raises InvalidInputError naming the first problem."""
    return ChallengeInput(
        title=require_text(title, "title", TITLE_MAX_LENGTH),
        description=require_text(description, "description (what happened)", DESCRIPTION_MAX_LENGTH),
        solution=optional_text(solution, "solution", SOLUTION_MAX_LENGTH),
        tags=parse_tags(tags),
    )


def validate_solution(body: str | None) -> str:
    """Check a solution's text."""
    return require_text(body, "solution", SOLUTION_MAX_LENGTH)


def validate_query(query: str | None) -> str:
    """Check a search query's length (the query builder makes any text safe)."""
    return require_text(query, "search query", QUERY_MAX_LENGTH)


def parse_number(text: str | None, what: str = "challenge") -> int:
    """A number typed into a modal field: "12", "#12" (or "S7" / "Solution 7" for solutions) -> 12."""
    match = _NUMBER.match(text or "")
    if match is None or int(match[1]) < 1:
        shown = _shown(clean_text(text)[:20])
        raise InvalidInputError(
            f"`{shown}` isn't a {what} number. Type the number shown as #N, e.g. `12`."
            if shown
            else f"Type the {what} number, e.g. `12`."
        )
    return int(match[1])
