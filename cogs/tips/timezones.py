"""IANA time zone names: exact lookup, typo-tolerant suggestions and autocomplete choices.

Pure (no discord, no database); shared by `/tip schedule` and anything else that asks a member for a time zone.
"""

from __future__ import annotations

import functools
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from rapidfuzz import fuzz, process, utils

DEFAULT_ZONE: Final = "UTC"
AUTOCOMPLETE_LIMIT: Final = 25  # Discord refuses more choices than this
SUGGESTION_LIMIT: Final = 3
MINIMUM_CERTAINTY: Final = 60  # rapidfuzz WRatio score below which a zone is not worth suggesting
# Shown for an empty autocomplete input: UTC, the programme's home zones in Africa, then other common ones.
COMMON_ZONES: Final = (
    "UTC",
    "Africa/Lagos",
    "Africa/Nairobi",
    "Africa/Accra",
    "Africa/Cairo",
    "Africa/Johannesburg",
    "Africa/Kigali",
    "Africa/Casablanca",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Dubai",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
)


class UnknownZoneError(ValueError):
    """No IANA zone has that name; `suggestions` holds the closest names (maybe none)."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        self.name = name
        self.suggestions = suggestions
        hint = f" Did you mean {', '.join(f'`{zone}`' for zone in suggestions)}?" if suggestions else ""
        super().__init__(f"`{name}` isn't a time zone I know (use an IANA name such as `Africa/Lagos`).{hint}")


@functools.cache
def zone_names() -> tuple[str, ...]:
    """Every IANA zone name available (from the tzdata package when the system has none), sorted."""
    return tuple(sorted(name for name in available_timezones() if not name.startswith(("posix/", "right/"))))


@functools.cache
def _folded() -> dict[str, str]:
    return {name.casefold(): name for name in zone_names()}


@functools.cache
def _cities() -> dict[str, str]:
    """City part ("lagos", "new_york") → zone, for the cities that name exactly one canonical zone."""
    owners: dict[str, set[str]] = {}
    for name in zone_names():
        if "/" in name and not name.startswith("Etc/"):
            owners.setdefault(name.rsplit("/", 1)[-1].casefold(), set()).add(name)
    return {city: next(iter(zones)) for city, zones in owners.items() if len(zones) == 1}


def _key(name: str) -> str:
    """What fuzzy matching compares: case-folded, with separators as spaces ("america/new_york" ~ "new york")."""
    return utils.default_process(name.replace("/", " ").replace("_", " "))


@functools.cache
def _keys() -> dict[str, str]:
    return {name: _key(name) for name in zone_names()}


def suggest_zones(text: str, limit: int = SUGGESTION_LIMIT) -> list[str]:
    """The zone names closest to `text`, best first; at most `limit`, only those above MINIMUM_CERTAINTY."""
    query = _key(text)
    if not query:
        return []
    matches = process.extract(
        query, _keys(), scorer=fuzz.WRatio, processor=None, limit=limit, score_cutoff=MINIMUM_CERTAINTY
    )
    return [name for _, _, name in matches]


def resolve_zone(text: str | None) -> ZoneInfo:
    """The zone named `text` (case-insensitive, or by its city alone when that is unambiguous; empty means UTC);
    raise UnknownZoneError with suggestions."""
    name = (text or "").strip() or DEFAULT_ZONE
    # The full name, or a city alone when it names one zone ("Lagos", "new york").
    canonical = _folded().get(name.casefold()) or _cities().get("_".join(name.split()).casefold())
    if canonical is None:
        raise UnknownZoneError(name, suggest_zones(name))
    try:
        return ZoneInfo(canonical)
    except (ZoneInfoNotFoundError, ValueError) as error:  # listed but unreadable: treat as unknown
        raise UnknownZoneError(name, []) from error


def autocomplete_zones(text: str, limit: int = AUTOCOMPLETE_LIMIT) -> list[str]:
    """Zone names for an autocomplete menu: common ones for an empty input, else prefix matches then fuzzy ones."""
    query = text.strip()
    if not query:
        return list(COMMON_ZONES[:limit])
    folded = query.casefold()
    # A name that starts with the input, or a city that does ("lag" → Africa/Lagos), is what a member is typing.
    prefix = [
        name
        for name in zone_names()
        if name.casefold().startswith(folded) or name.rsplit("/", 1)[-1].casefold().startswith(folded)
    ]
    prefix.sort(key=lambda name: (name not in COMMON_ZONES, len(name), name))
    found = prefix[:limit]
    if len(found) < limit:
        for name in suggest_zones(query, limit):
            if name not in found:
                found.append(name)
            if len(found) == limit:
                break
    return found
