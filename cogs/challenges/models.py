"""The challenge log's records and the rules about them. Pure: no discord, no database."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from cogs.challenges.fts import terms

Status = Literal["open", "solved"]
StatusFilter = Literal["open", "solved", "all"]


@dataclass(frozen=True)
class CuratedSeed:
    """A curated challenge (data/challenges.toml) as it is planted in every guild."""

    slug: str
    title: str
    description: str
    solution: str
    tags: tuple[str, ...]
    concept: str | None = None


@dataclass(frozen=True)
class Challenge:
    """One challenge of a guild. `author_id` None means curated content (`curated_slug` says which)."""

    id: int
    guild_id: int
    number: int
    author_id: int | None
    title: str
    description: str
    tags: tuple[str, ...]
    status: Status
    curated_slug: str | None
    channel_id: int | None
    message_id: int | None
    created_at: str
    solution_count: int = 0

    @property
    def is_open(self) -> bool:
        """Whether no solution has been accepted yet."""
        return self.status == "open"


@dataclass(frozen=True)
class Solution:
    """One solution, numbered per guild. `author_id` is who gets the credit; `captured_by` who saved it from chat."""

    id: int
    number: int
    challenge_id: int
    challenge_number: int
    author_id: int | None
    captured_by: int | None
    source_channel_id: int | None
    source_message_id: int | None
    body: str
    accepted: bool
    helpful: int
    created_at: str


@dataclass(frozen=True)
class SearchHit:
    """A challenge found by /challenge search, with an excerpt around the first word that matched."""

    challenge: Challenge
    excerpt: str


@dataclass(frozen=True)
class SearchResult:
    """One page of search hits; `mode` says whether every word had to match ("all") or any ("any"); `capped` that
    so many challenges matched that only the newest ones were ranked."""

    hits: list[SearchHit]
    total: int
    mode: Literal["all", "any"]
    capped: bool = False


@dataclass(frozen=True)
class AcceptResult:
    """What /challenge accept changed: the solution now accepted, and the number of the one it replaced."""

    challenge: Challenge
    solution: Solution
    previous_number: int | None


@dataclass(frozen=True)
class Leader:
    """One member's standing on the leaderboard."""

    member_id: int
    accepted: int
    helpful: int


def can_manage(author_id: int | None, actor_id: int, *, is_moderator: bool) -> bool:
    """Whether `actor_id` may accept solutions of, or delete, a challenge by `author_id` (curated: moderators only)."""
    return is_moderator or (author_id is not None and author_id == actor_id)


def sort_solutions(solutions: list[Solution]) -> list[Solution]:
    """Accepted first, then most helpful, then oldest (the order /challenge show displays)."""
    return sorted(solutions, key=lambda solution: (not solution.accepted, -solution.helpful, solution.number))


def excerpt(text: str, query: str, width: int = 160) -> str:
    """A one-line piece of `text` around the first word of `query` found in it (or its start), at most `width`."""
    flat = re.sub(r"\s+", " ", text.replace("```", " ")).strip()  # code fences mean nothing on one line
    if len(flat) <= width:
        return flat
    lowered = flat.casefold()
    positions = [lowered.find(word) for word in terms(query)]
    found = [position for position in positions if position >= 0]
    start = max(min(found) - width // 4, 0) if found else 0
    piece = flat[start : start + width - 2]
    return ("…" if start > 0 else "") + piece + ("…" if start + len(piece) < len(flat) else "")


def _stem(word: str) -> str:
    """A rough stem, enough to see "migrations" and "migration" as one word."""
    for suffix in ("ations", "ation", "ings", "ing", "ies", "es", "ed", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


class Likeness:
    """Scores candidates against a challenge's words: each shared word counts 1, in a title 2 (stems compared)."""

    def __init__(self, words: list[str]) -> None:
        stems = sorted({_stem(word) for word in words}, key=len, reverse=True)
        # A stem at the start of a word ("migrat" in "migrations"); longest first, so the longest stem wins.
        self._pattern = re.compile(r"\b(" + "|".join(map(re.escape, stems)) + ")") if stems else None

    def score(self, title: str, opening: str) -> float:
        """2 per shared word in `title`, 1 per other shared word in `opening`."""
        if self._pattern is None:
            return 0.0
        in_title = set(self._pattern.findall(title.casefold()))
        in_opening = set(self._pattern.findall(opening.casefold())) - in_title
        return 2.0 * len(in_title) + len(in_opening)


def similarity(words: list[str], title: str, opening: str) -> float:
    """How alike a candidate is to a challenge described by `words` (see Likeness)."""
    return Likeness(words).score(title, opening)
