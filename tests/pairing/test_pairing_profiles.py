"""Topics, time zones and project ideas: what a member types, and what the introduction suggests."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cogs.pairing.projects import PROJECT_IDEAS, project_by_slug, suggest_project
from cogs.pairing.timezones import (
    AUTOCOMPLETE_LIMIT,
    POPULAR_ZONES,
    UnknownTimezoneError,
    autocomplete_timezones,
    format_offset,
    local_time,
    resolve_timezone,
    utc_offset_minutes,
    zone_names,
)
from cogs.pairing.topics import MAX_TOPICS, TOPIC_LENGTH_LIMIT, TOPICS_INPUT_LIMIT, TopicsError, parse_topics


@pytest.mark.parametrize(
    ("text", "topics"),
    [
        (None, ()),
        ("", ()),
        ("   ", ()),
        ("Django, REST APIs; docker", ("django", "rest", "docker")),
        ("django docker react", ("django", "docker", "react")),
        ("k8s, K8S, kubernetes", ("kubernetes",)),
        ("CI/CD, Next.js, C#, C++", ("ci/cd", "next.js", "c#", "c++")),
        ("@everyone, <@123>, `code`", ("everyone", "123", "code")),
        ("machine learning, system design", ("machine learning", "system design")),
        (",,, ;; react ,,", ("react",)),
        ("js, ts, postgres, drf", ("javascript", "typescript", "postgresql", "django rest framework")),
    ],
)
def test_topics_are_normalised(text: str | None, topics: tuple[str, ...]):
    assert parse_topics(text) == topics


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x" * (TOPICS_INPUT_LIMIT + 1), "at most 200 characters (you wrote 201)"),
        (", ".join(f"topic{i}" for i in range(MAX_TOPICS + 2)), "at most 10 topics (you gave 12)"),
        ("a" * (TOPIC_LENGTH_LIMIT + 1), "at most 32 characters"),
    ],
)
def test_topics_over_their_limits_are_refused_with_a_clear_message(text: str, message: str):
    with pytest.raises(TopicsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_topics(text)


@given(st.text(max_size=TOPICS_INPUT_LIMIT))
def test_any_accepted_topics_are_few_short_unique_and_comma_free(text: str):
    try:
        topics = parse_topics(text)
    except TopicsError:
        return
    assert len(topics) <= MAX_TOPICS and len(set(topics)) == len(topics)
    assert all(topic and len(topic) <= TOPIC_LENGTH_LIMIT and "," not in topic for topic in topics)
    assert all("@" not in topic and "<" not in topic and "`" not in topic for topic in topics)


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Africa/Lagos", "Africa/Lagos"),
        ("africa/lagos", "Africa/Lagos"),
        ("Lagos", "Africa/Lagos"),
        ("new york", "America/New_York"),
        ("Africa/Lagso", "Africa/Lagos"),  # a typo
        ("Nairob", "Africa/Nairobi"),
        ("Europe/Londn", "Europe/London"),
        ("UTC", "UTC"),
        ("utc+3", "Etc/GMT-3"),  # POSIX signs: UTC+3 is Etc/GMT-3
        ("GMT-5", "Etc/GMT+5"),
        ("UTC+0", "UTC"),
        ("Lagos, Nigeria", "Africa/Lagos"),
        ("Nairobi Kenya", "Africa/Nairobi"),
    ],
)
def test_time_zones_resolve_typo_tolerantly(text: str, zone: str):
    assert resolve_timezone(text) == zone


@pytest.mark.parametrize(("text", "suggested"), [("Mars/Olympus", None), ("Kigalli City Centre", None), ("", None)])
def test_unknown_time_zones_are_refused_with_suggestions(text: str, suggested: str | None):
    with pytest.raises(UnknownTimezoneError) as caught:
        resolve_timezone(text)
    assert all(name in zone_names() for name in caught.value.suggestions)


def test_an_ambiguous_typo_is_refused_with_the_candidates():
    with pytest.raises(UnknownTimezoneError) as caught:
        resolve_timezone("Europe")
    assert caught.value.suggestions and all(name.startswith("Europe/") for name in caught.value.suggestions)


@pytest.mark.parametrize(
    ("current", "first"),
    [("", "UTC"), ("lag", "Africa/Lagos"), ("nai", "Africa/Nairobi"), ("america/new", "America/New_York")],
)
def test_autocomplete_is_capped_and_best_first(current: str, first: str):
    choices = autocomplete_timezones(current)
    assert choices[0] == first
    assert len(choices) <= AUTOCOMPLETE_LIMIT and len(set(choices)) == len(choices)


@given(st.text(max_size=100))
def test_autocomplete_never_breaks_discord_limits(current: str):
    choices = autocomplete_timezones(current)
    assert len(choices) <= AUTOCOMPLETE_LIMIT
    assert all(name in zone_names() and len(name) <= 100 for name in choices)


def test_popular_zones_exist():
    assert set(POPULAR_ZONES) <= set(zone_names())


@pytest.mark.parametrize(
    ("zone", "at", "offset", "shown"),
    [
        ("Africa/Lagos", datetime(2026, 1, 5, 13, 5, tzinfo=UTC), 60, "14:05 (UTC+01:00)"),
        ("Europe/London", datetime(2026, 1, 5, 13, 5, tzinfo=UTC), 0, "13:05 (UTC±00:00)"),
        ("Europe/London", datetime(2026, 7, 5, 13, 5, tzinfo=UTC), 60, "14:05 (UTC+01:00)"),  # summer time
        ("America/St_Johns", datetime(2026, 1, 5, 13, 5, tzinfo=UTC), -210, "09:35 (UTC-03:30)"),
    ],
)
def test_offsets_and_local_times_follow_daylight_saving(zone: str, at: datetime, offset: int, shown: str):
    assert utc_offset_minutes(zone, at) == offset
    assert local_time(zone, at) == shown
    assert utc_offset_minutes(None, at) is None
    assert format_offset(offset) in shown


def test_project_ideas_use_shared_topics_first():
    assert suggest_project(["graphql"], ["graphql", "django"], 0).slug == "recipe-graphql"
    assert suggest_project(["websockets"], [], 3).slug == "live-chat"
    assert suggest_project([], ["docker", "ci/cd"], 0).slug == "url-shortener"
    # Without topics the seed picks, so a round does not hand everyone the same idea.
    assert len({suggest_project([], [], seed).slug for seed in range(len(PROJECT_IDEAS))}) == len(PROJECT_IDEAS)
    assert project_by_slug("live-chat").title == "Realtime chat room"
    assert project_by_slug("gone") == PROJECT_IDEAS[0]
    assert len({idea.slug for idea in PROJECT_IDEAS}) == len(PROJECT_IDEAS)
