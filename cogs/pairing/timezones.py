"""Time zones for pairing: resolve what a member typed to an IANA name, autocomplete, offsets and local times.

Pure: imports neither discord nor the database. Typo-tolerant like the concept lookup: a close enough match is
accepted (the answer shows the name actually used), anything else is refused with suggestions.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

from rapidfuzz import fuzz, process

# A typo is accepted as that zone when it scores at least this (0-100) and clearly beats the runner-up.
MINIMUM_CERTAINTY = 85
CLEAR_LEAD = 8
SUGGESTION_CUTOFF = 60
AUTOCOMPLETE_CUTOFF = 50
SUGGESTION_COUNT = 5
AUTOCOMPLETE_LIMIT = 25
TIMEZONE_INPUT_LIMIT = 64

# Shown first when the autocomplete box is empty: where ProDev learners mostly are, then the big hubs.
POPULAR_ZONES: tuple[str, ...] = (
    "UTC",
    "Africa/Lagos",
    "Africa/Nairobi",
    "Africa/Accra",
    "Africa/Cairo",
    "Africa/Johannesburg",
    "Africa/Kigali",
    "Africa/Addis_Ababa",
    "Africa/Kampala",
    "Africa/Casablanca",
    "Africa/Dar_es_Salaam",
    "Africa/Kinshasa",
    "Africa/Douala",
    "Africa/Abidjan",
    "Africa/Dakar",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
)

_OFFSET_INPUT = re.compile(r"^(?:utc|gmt)\s*([+-])\s*(\d{1,2})(?::?(00))?$", re.IGNORECASE)


class UnknownTimezoneError(ValueError):
    """What the member typed is not a time zone we can tell apart; `suggestions` are the closest names."""

    def __init__(self, text: str, suggestions: list[str]) -> None:
        super().__init__(text)
        self.text = text
        self.suggestions = suggestions


@functools.cache
def zone_names() -> tuple[str, ...]:
    """Every IANA zone name this system knows (tzdata), sorted, without the legacy `posix/` and `right/` copies."""
    return tuple(sorted(name for name in available_timezones() if not name.startswith(("posix/", "right/"))))


@functools.cache
def _lookup() -> dict[str, str]:
    """Lower-case full names and city names (spaces allowed) mapped to the canonical zone name."""
    table: dict[str, str] = {}
    for name in zone_names():
        table.setdefault(name.lower(), name)
    for name in zone_names():
        if "/" in name and not name.startswith("Etc/"):
            city = name.rsplit("/", 1)[1].lower()
            table.setdefault(city, name)
            table.setdefault(city.replace("_", " "), name)
    return table


def _key(text: str) -> str:
    return text.lower().replace("/", " ").replace("_", " ")


@functools.cache
def _search_tables() -> tuple[dict[str, str], dict[str, str]]:
    """Fuzzy keys by zone: the full name (`africa lagos`) and the city alone (`lagos`)."""
    full = {name: _key(name) for name in zone_names()}
    city = {name: _key(name.rsplit("/", 1)[-1]) for name in zone_names()}
    return full, city


def _fuzzy(text: str, limit: int) -> list[tuple[str, float]]:
    """The closest zone names to `text`, best first, scored on the full name or the city, whichever is closer."""
    query = _key(text)
    scores: dict[str, float] = {}
    for table in _search_tables():
        for _, score, name in process.extract(query, table, scorer=fuzz.ratio, limit=limit * 3):
            scores[name] = max(scores.get(name, 0.0), float(score))
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def resolve_timezone(text: str) -> str:
    """The IANA name meant by `text` (exact, city only, `UTC+3`, or a small typo); raises UnknownTimezoneError."""
    cleaned = _clean(text)
    if not cleaned or len(cleaned) > TIMEZONE_INPUT_LIMIT:
        raise UnknownTimezoneError(cleaned[:TIMEZONE_INPUT_LIMIT], list(POPULAR_ZONES[:SUGGESTION_COUNT]))
    exact = _lookup().get(cleaned.lower()) or _lookup().get(cleaned.lower().replace(" ", "_"))
    if exact:
        return exact
    offset = _OFFSET_INPUT.match(cleaned)
    if offset:
        sign, hours = offset.group(1), int(offset.group(2))
        if hours == 0:
            return "UTC"
        # The Etc zones' signs are inverted on purpose (POSIX): UTC+3 is Etc/GMT-3.
        name = f"Etc/GMT{'-' if sign == '+' else '+'}{hours}"
        if name in zone_names():
            return name
    # "Lagos, Nigeria" or "Nairobi Kenya": one word that names a zone's city is enough.
    words = {_lookup().get(word) for word in re.split(r"[\s,;]+", cleaned.lower()) if len(word) > 2}
    words.discard(None)
    if len(words) == 1:
        return str(words.pop())
    matches = _fuzzy(cleaned, SUGGESTION_COUNT)
    if matches:
        best_score = matches[0][1]
        runner_up = matches[1][1] if len(matches) > 1 else 0.0
        if best_score >= MINIMUM_CERTAINTY and best_score - runner_up >= CLEAR_LEAD:
            return matches[0][0]
    raise UnknownTimezoneError(cleaned, [name for name, score in matches if score >= SUGGESTION_CUTOFF])


def autocomplete_timezones(current: str, limit: int = AUTOCOMPLETE_LIMIT) -> list[str]:
    """At most `limit` zone names for the autocomplete box, best first; the popular ones for an empty input."""
    limit = min(limit, AUTOCOMPLETE_LIMIT)
    cleaned = _clean(current).lower()
    if not cleaned:
        return list(POPULAR_ZONES[:limit])
    query = _key(cleaned)
    popular = [name for name in POPULAR_ZONES if _key(name).startswith(query) or _key(name).endswith(" " + query)]
    prefix = [name for name in zone_names() if _key(name).startswith(query)]
    city_prefix = [name for name in zone_names() if _key(name.rsplit("/", 1)[-1]).startswith(query)]
    ranked = list(dict.fromkeys(popular + city_prefix + prefix))
    if len(ranked) < limit:
        ranked += [name for name, score in _fuzzy(cleaned, limit) if score >= AUTOCOMPLETE_CUTOFF]
    return list(dict.fromkeys(ranked))[:limit]


@functools.lru_cache(maxsize=4096)
def _offset_at_hour(name: str, hour_stamp: int) -> int:
    offset = datetime.fromtimestamp(hour_stamp * 3600, ZoneInfo(name)).utcoffset() or timedelta()
    return int(offset.total_seconds() // 60)


def utc_offset_minutes(name: str | None, at: datetime) -> int | None:
    """The zone's UTC offset in minutes at `at` (aware), or None for an unknown zone; DST-aware."""
    if not name:
        return None
    # Offsets change on whole hours in practice (DST and law changes), so an hourly cache is exact enough.
    return _offset_at_hour(name, int(at.timestamp()) // 3600)


def format_offset(minutes: int) -> str:
    """`UTC+01:00`, `UTC-03:30`, `UTC±00:00`."""
    if minutes == 0:
        return "UTC±00:00"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def local_time(name: str, at: datetime) -> str:
    """`14:05 (UTC+01:00)`: the wall-clock time in zone `name` at `at`."""
    local = at.astimezone(ZoneInfo(name))
    offset = local.utcoffset() or timedelta()
    return f"{local:%H:%M} ({format_offset(int(offset.total_seconds() // 60))})"
