"""The tip rotation: which tip goes out next in a guild. Pure: no discord, no database.

A guild's pool is the curated tips (data/tips.toml) plus the suggestions its moderators approved. The next tip is the
least recently posted one; tips never posted come first, in pool order (curated file order, then approval order).
Because every post makes its tip the most recent, no tip repeats until every tip of the pool has been posted, and a
tip approved mid-cycle goes out before any repeat.

Each tip has a *key* that stays the same for good: `curated:<slug>` or `community:<number>` (the suggestion's number
in its guild). Post records store the key, so the rotation survives restarts, content edits and export/import.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

CURATED_PREFIX: Final = "curated:"
COMMUNITY_PREFIX: Final = "community:"


def curated_key(slug: str) -> str:
    """The rotation key of a curated tip."""
    return f"{CURATED_PREFIX}{slug}"


def community_key(number: int) -> str:
    """The rotation key of an approved suggestion (its number in the guild)."""
    return f"{COMMUNITY_PREFIX}{number}"


@dataclass(frozen=True)
class TipEntry:
    """A tip as the rotation and the embeds see it, whether curated or suggested by a member."""

    key: str
    title: str
    body: str
    category: str
    concept: str | None = None
    link: str | None = None
    author_id: int | None = None  # the member credited for a community tip

    @property
    def is_community(self) -> bool:
        """Whether a member suggested it (rather than it coming from data/tips.toml)."""
        return self.key.startswith(COMMUNITY_PREFIX)


def pick_next(
    pool: Sequence[str],
    last_posted: Mapping[str, int],
    category_of: Mapping[str, str] | None = None,
    category: str | None = None,
) -> str | None:
    """The key of the next tip: the least recently posted one of `pool` (restricted to `category` when given).

    `last_posted` maps a key to a number that grows with every post (the post record's id); keys missing from it were
    never posted. Ties (never posted) keep pool order. None when no tip fits.
    """
    candidates: Iterable[tuple[int, str]] = enumerate(pool)
    if category is not None:
        categories = category_of or {}
        candidates = ((index, key) for index, key in candidates if categories.get(key) == category)
    best: tuple[int, int, str] | None = None
    for index, key in candidates:
        rank = (last_posted.get(key, -1), index, key)
        if best is None or rank < best:
            best = rank
    return None if best is None else best[2]
