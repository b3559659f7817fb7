"""Time zone lookup: exact (case-insensitive), typo-tolerant suggestions, autocomplete within Discord's limit."""

from __future__ import annotations

import pytest

from cogs.tips.timezones import (
    AUTOCOMPLETE_LIMIT,
    COMMON_ZONES,
    UnknownZoneError,
    autocomplete_zones,
    resolve_zone,
    suggest_zones,
    zone_names,
)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Africa/Lagos", "Africa/Lagos"),
        ("africa/lagos", "Africa/Lagos"),
        ("  Europe/London ", "Europe/London"),
        ("", "UTC"),
        (None, "UTC"),
        ("utc", "UTC"),
        ("Lagos", "Africa/Lagos"),  # a city that names one zone
        ("new york", "America/New_York"),
        ("kolkata", "Asia/Kolkata"),
    ],
)
def test_resolve_zone(text: str | None, key: str) -> None:
    assert resolve_zone(text).key == key


@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        ("Europe/Londn", "Europe/London"),
        ("Afrika/Lagso", "Africa/Lagos"),
        ("Asia/Kolkta", "Asia/Kolkata"),
        ("berln", "Europe/Berlin"),
    ],
)
def test_unknown_zone_suggests_the_intended_one_first(typo: str, meant: str) -> None:
    with pytest.raises(UnknownZoneError) as caught:
        resolve_zone(typo)
    assert caught.value.suggestions[0] == meant
    assert f"`{meant}`" in str(caught.value)


def test_gibberish_has_no_suggestion_but_a_clear_message() -> None:
    with pytest.raises(UnknownZoneError) as caught:
        resolve_zone("xyzzy")
    assert caught.value.suggestions == []
    assert "isn't a time zone" in str(caught.value)
    assert suggest_zones("   ") == []


@pytest.mark.parametrize("text", ["", "a", "lag", "Europe/", "america/new", "xyzzy", "london", "x" * 100])
def test_autocomplete_stays_within_discords_limit(text: str) -> None:
    choices = autocomplete_zones(text)
    assert len(choices) <= AUTOCOMPLETE_LIMIT
    assert len(set(choices)) == len(choices)
    assert all(choice in zone_names() for choice in choices)


def test_autocomplete_ranks_what_the_member_types() -> None:
    assert autocomplete_zones("") == list(COMMON_ZONES[:AUTOCOMPLETE_LIMIT])
    assert autocomplete_zones("lag")[0] == "Africa/Lagos"
    assert autocomplete_zones("Europe/Lon")[0] == "Europe/London"
    assert autocomplete_zones("Londn")[0] == "Europe/London"
    assert all(name.startswith("Europe/") for name in autocomplete_zones("Europe/"))
